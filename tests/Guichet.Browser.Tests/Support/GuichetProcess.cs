using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Guichet.Browser.Tests.Support;

/// <summary>
/// The real app, started as its own process on a loopback socket with the demo territory on a fresh
/// SQLite file, exactly as an administrator would run it. Killed with its process tree at the end.
/// </summary>
public sealed class GuichetProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private const int OutputLinesKept = 200;

    private readonly Process process;
    private readonly string databaseFile;
    private readonly Queue<string> output = new();

    private GuichetProcess(Process process, Uri baseUrl, string databaseFile)
    {
        this.process = process;
        BaseUrl = baseUrl;
        this.databaseFile = databaseFile;
    }

    /// <summary>http://127.0.0.1:PORT/</summary>
    public Uri BaseUrl { get; }

    public string Url(string pathAndQuery) => new Uri(BaseUrl, pathAndQuery).ToString();

    /// <summary>The last lines the app wrote, for failure messages.</summary>
    public string RecentOutput
    {
        get { lock (output) return string.Join(Environment.NewLine, output); }
    }

    public static async Task<GuichetProcess> StartAsync()
    {
        // Another process may grab the port between our probe and the app's bind: try again on a new port.
        for (var attempt = 1; ; attempt++)
        {
            var app = Launch(FreeLoopbackPort());
            try
            {
                await app.WaitUntilHealthyAsync();
                return app;
            }
            catch (Exception) when (attempt < 3 && app.process.HasExited)
            {
                await app.DisposeAsync();
            }
            catch
            {
                await app.DisposeAsync();
                throw;
            }
        }
    }

    private static GuichetProcess Launch(int port)
    {
        var dll = TestEnvironment.WebDll;
        var contentRoot = TestEnvironment.WebContentRoot;
        var database = Path.Combine(Path.GetTempPath(), $"guichet-browser-{Guid.NewGuid():N}.db");
        var url = $"http://127.0.0.1:{port}";
        // The dotnet CLI tells its children where it is; run the app with the same host.
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = contentRoot,
        };
        foreach (var arg in new[] { dll, "--urls", url, "--contentRoot", contentRoot }) start.ArgumentList.Add(arg);
        var env = start.Environment;
        env.Remove("ASPNETCORE_URLS");
        env.Remove("ASPNETCORE_HTTP_PORTS");
        env.Remove("ASPNETCORE_HTTPS_PORTS");
        env["ASPNETCORE_ENVIRONMENT"] = "Development";   // seeds the demo territory and lists the demo accounts
        env["DOTNET_ENVIRONMENT"] = "Development";
        env["Database__Provider"] = "Sqlite";
        env["ConnectionStrings__Guichet"] = $"Data Source={database}";
        // One browser books, signs in and cancels many times a minute from one address.
        env["RateLimits__BookingsPerMinute"] = "1000";
        env["RateLimits__ManagePerMinute"] = "1000";
        env["RateLimits__PublicApiPerMinute"] = "10000";
        env["RateLimits__SignInsPerMinute"] = "1000";
        env["Logging__LogLevel__Default"] = "Warning";
        env["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        env["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        env["DOTNET_NOLOGO"] = "1";

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var app = new GuichetProcess(process, new Uri(url + "/"), database);
        process.OutputDataReceived += (_, e) => app.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => app.Keep(e.Data);
        if (!process.Start()) throw new InvalidOperationException("dotnet did not start.");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return app;
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        lock (output)
        {
            output.Enqueue(line);
            while (output.Count > OutputLinesKept) output.Dequeue();
        }
    }

    private async Task WaitUntilHealthyAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        var exited = process.WaitForExitAsync();
        while (true)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"Guichet.Web exited with code {process.ExitCode} before answering /health:{Environment.NewLine}{RecentOutput}");
            try
            {
                using var response = await http.GetAsync(Url("/health"));
                if (response.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException) { /* not listening yet */ }
            catch (TaskCanceledException) { /* one slow answer while starting */ }
            if (clock.Elapsed > StartTimeout)
                throw new TimeoutException($"Guichet.Web did not answer /health with 200 within {StartTimeout.TotalSeconds} s:{Environment.NewLine}{RecentOutput}");
            // Poll again shortly, or stop at once if the process dies meanwhile.
            await Task.WhenAny(exited, Task.Delay(100));
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await process.WaitForExitAsync(wait.Token);
        }
        catch (InvalidOperationException) { /* never started or already gone */ }
        catch (OperationCanceledException) { /* leave it to the OS; do not hang the run */ }
        process.Dispose();
        foreach (var file in new[] { databaseFile, databaseFile + "-wal", databaseFile + "-shm", databaseFile + "-journal" })
        {
            try { File.Delete(file); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}

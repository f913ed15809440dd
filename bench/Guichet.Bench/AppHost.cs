using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Guichet.Bench;

/// <summary>
/// The real app, built in Release, as a separate process listening on a real loopback socket — the
/// same way it runs in production, so the figures include Kestrel, the middleware and the HTTP stack.
/// </summary>
public sealed class AppHost : IAsyncDisposable
{
    private readonly Process process;
    private readonly Queue<string> lastLines = new();

    private AppHost(Process process, Uri baseAddress)
    {
        this.process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public static string RepoRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Guichet.slnx"))) return dir.FullName;
        throw new InvalidOperationException("Guichet.slnx not found above the bench or the current directory.");
    }

    /// <summary>The dotnet host that runs the bench, so the app runs on the same runtime.</summary>
    private static string DotnetHost()
    {
        var candidate = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", "..",
            OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet"));
        return File.Exists(candidate) ? candidate : "dotnet";
    }

    /// <param name="settings">Extra app settings as environment variables (Ants__HubToken…), for scenarios that need them.</param>
    public static async Task<AppHost> StartAsync(BenchDatabase database, CancellationToken ct, IReadOnlyDictionary<string, string>? settings = null)
    {
        var root = RepoRoot();
        var contentRoot = Path.Combine(root, "src", "Guichet.Web");
        var dll = Path.Combine(contentRoot, "bin", "Release", "net10.0", "Guichet.Web.dll");
        if (!File.Exists(dll))
        {
            Console.WriteLine("Building src/Guichet.Web in Release…");
            using var build = Process.Start(new ProcessStartInfo(DotnetHost(), ["build", Path.Combine(root, "src", "Guichet.Web"), "-c", "Release", "--nologo", "-v", "q"])
                { UseShellExecute = false })!;
            await build.WaitForExitAsync(ct);
            if (build.ExitCode != 0 || !File.Exists(dll)) throw new InvalidOperationException("Building src/Guichet.Web failed.");
        }

        var port = FreePort();
        var baseAddress = new Uri($"http://127.0.0.1:{port}");
        var info = new ProcessStartInfo(DotnetHost(), [dll, "--urls", baseAddress.ToString().TrimEnd('/'), "--contentRoot", contentRoot])
        {
            WorkingDirectory = contentRoot,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var env = info.Environment;
        foreach (var key in env.Keys.Where(k => k.StartsWith("ASPNETCORE_", StringComparison.Ordinal) || k.StartsWith("DOTNET_ENVIRONMENT", StringComparison.Ordinal)).ToList())
            env.Remove(key);
        env["ASPNETCORE_ENVIRONMENT"] = "Development"; // seeds the demo territory
        env["Logging__LogLevel__Default"] = "Warning";
        env["RateLimits__BookingsPerMinute"] = "1000000";
        env["RateLimits__PublicApiPerMinute"] = "1000000";
        env["RateLimits__ManagePerMinute"] = "1000000";
        foreach (var (key, value) in database.AppEnvironment()) env[key] = value;
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) env[key] = value;

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var host = new AppHost(process, baseAddress);
        process.OutputDataReceived += (_, e) => host.Remember(e.Data);
        process.ErrorDataReceived += (_, e) => host.Remember(e.Data);
        if (!process.Start()) throw new InvalidOperationException("The app did not start.");
        // Should the bench die without unwinding, the app must not outlive it.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => host.KillQuietly();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            await host.WaitHealthyAsync(TimeSpan.FromSeconds(120), ct);
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
        return host;
    }

    /// <summary>Every line the app prints, as it comes (on the reading thread: keep handlers short).</summary>
    public event Action<string>? Line;

    private void Remember(string? line)
    {
        if (line is null) return;
        Line?.Invoke(line);
        lock (lastLines)
        {
            lastLines.Enqueue(line);
            while (lastLines.Count > 60) lastLines.Dequeue();
        }
    }

    public string LastOutput()
    {
        lock (lastLines) return string.Join(Environment.NewLine, lastLines);
    }

    private async Task WaitHealthyAsync(TimeSpan limit, CancellationToken ct)
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < limit)
        {
            ct.ThrowIfCancellationRequested();
            if (process.HasExited)
                throw new InvalidOperationException($"The app stopped (exit code {process.ExitCode}):{Environment.NewLine}{LastOutput()}");
            try
            {
                using var response = await client.GetAsync("/health", ct);
                if (response.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested) { }
            await Task.Delay(200, ct);
        }
        throw new TimeoutException($"The app did not answer /health with 200 within {limit.TotalSeconds} s:{Environment.NewLine}{LastOutput()}");
    }

    /// <summary>The CPU time the app's process has used so far, all its threads (the JIT's included).</summary>
    public TimeSpan ProcessorTime
    {
        get
        {
            process.Refresh();
            return process.TotalProcessorTime;
        }
    }

    /// <summary>
    /// Waits until the app is quiet — less than <paramref name="busy"/> of one core over a second, for two seconds in a
    /// row — so that what follows is measured once the JIT has recompiled the hot code (the tiered compiler works in
    /// the background for a few seconds after new code starts running). Returns how long it waited.
    /// </summary>
    public async Task<TimeSpan> WaitQuietAsync(double busy, TimeSpan limit, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        var quietSeconds = 0;
        var last = ProcessorTime;
        while (watch.Elapsed < limit && quietSeconds < 2)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
            var now = ProcessorTime;
            quietSeconds = (now - last).TotalSeconds < busy ? quietSeconds + 1 : 0;
            last = now;
        }
        return watch.Elapsed;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void KillQuietly()
    {
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        catch (SystemException) { } // already gone or already disposed
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException) { }
        process.Dispose();
    }
}

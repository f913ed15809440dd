using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Guichet.Cluster.Tests.Support;

/// <summary>
/// One Guichet node: the built Guichet.Web.dll run as its own process on its own loopback port, configured by
/// environment variables only, as a node behind a load balancer would be. <see cref="Kill"/> is SIGKILL: no
/// shutdown hook, no flush, nothing the app can do about it.
/// </summary>
public sealed class Node : IAsyncDisposable
{
    private readonly Process process;
    private readonly Queue<string> lastLines = new();
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> allLines = new();

    private Node(string name, Process process, Uri baseAddress)
    {
        Name = name;
        this.process = process;
        BaseAddress = baseAddress;
    }

    public string Name { get; }
    public Uri BaseAddress { get; }
    public int ProcessId => process.Id;
    public bool HasExited => process.HasExited;

    public static string RepoRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Guichet.slnx"))) return dir.FullName;
        throw new InvalidOperationException("Guichet.slnx not found above the tests.");
    }

    private static string DotnetHost()
    {
        var candidate = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", "..", "dotnet"));
        return File.Exists(candidate) ? candidate : "dotnet";
    }

    /// <summary>The app's DLL: GUICHET_WEB_DLL, or the Release (else Debug) build beside these tests.</summary>
    public static string WebDll()
    {
        if (Environment.GetEnvironmentVariable("GUICHET_WEB_DLL") is { Length: > 0 } configured) return configured;
        var web = Path.Combine(RepoRoot(), "src", "Guichet.Web", "bin");
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}") ? "Debug" : "Release";
        var dll = Path.Combine(web, configuration, "net10.0", "Guichet.Web.dll");
        return File.Exists(dll) ? dll : throw new InvalidOperationException($"{dll} is missing: build the solution first.");
    }

    /// <summary>Settings every node of these tests shares: demo territory, limits out of the way, no FastAGI port.</summary>
    public static Dictionary<string, string> BaseSettings(ClusterDatabase database) => new()
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Testing",
        ["Database__Provider"] = database.Provider,
        ["ConnectionStrings__Guichet"] = database.ConnectionString,
        ["Database__SeedDemo"] = "true",
        ["Logging__LogLevel__Default"] = "Warning",
        ["RateLimits__BookingsPerMinute"] = "1000000",
        ["RateLimits__PublicApiPerMinute"] = "1000000",
        ["RateLimits__ManagePerMinute"] = "1000000",
        ["RateLimits__SignInsPerMinute"] = "1000000",
        ["Duplicates__Enabled"] = "false",
        ["Voice__FastAgi__Listen"] = "",
        ["Voice__GeneratePrompts"] = "false",
        // Background work stays off unless a test turns it on: a test about bookings counts bookings only.
        ["Notifications__Enabled"] = "false",
        ["RequestAlerts__Enabled"] = "false",
        ["Ants__SyncEnabled"] = "false",
    };

    public static async Task<Node> StartAsync(string name, IReadOnlyDictionary<string, string> settings, CancellationToken ct = default)
    {
        var dll = WebDll();
        var contentRoot = Path.Combine(RepoRoot(), "src", "Guichet.Web");
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
        foreach (var key in env.Keys.Where(k => k.StartsWith("ASPNETCORE_", StringComparison.Ordinal) || k.StartsWith("DOTNET_ENVIRONMENT", StringComparison.Ordinal)
                                                 || k.StartsWith("GUICHET_", StringComparison.Ordinal)).ToList())
            env.Remove(key);
        // A home of its own, as on a server of its own: nothing the nodes share but the database (ASP.NET Core keeps
        // its data-protection keys under $HOME unless told otherwise).
        var home = Path.Combine(Path.GetTempPath(), $"guichet-node-{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(home);
        env["HOME"] = home;
        foreach (var (key, value) in settings) env[key] = value;

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var node = new Node(name, process, baseAddress);
        process.OutputDataReceived += (_, e) => node.Remember(e.Data);
        process.ErrorDataReceived += (_, e) => node.Remember(e.Data);
        if (!process.Start()) throw new InvalidOperationException($"Node {name} did not start.");
        // Should the test host die without unwinding, the node must not outlive it.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => node.Kill();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await node.WaitHealthyAsync(TimeSpan.FromSeconds(120), ct);
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }
        return node;
    }

    public HttpClient NewClient(int connections = 64) =>
        new(new SocketsHttpHandler { PooledConnectionLifetime = Timeout.InfiniteTimeSpan, MaxConnectionsPerServer = connections, ConnectTimeout = TimeSpan.FromSeconds(10) })
        { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(120) };

    private void Remember(string? line)
    {
        if (line is null) return;
        if (allLines.Count < 200_000) allLines.Enqueue(line);
        lock (lastLines)
        {
            lastLines.Enqueue(line);
            while (lastLines.Count > 80) lastLines.Dequeue();
        }
    }

    /// <summary>How many lines of the node's console output contain all these words (for figures, not for assertions).</summary>
    public int CountOutput(params string[] words) => allLines.Count(l => words.All(w => l.Contains(w, StringComparison.Ordinal)));

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
                throw new InvalidOperationException($"Node {Name} stopped (exit code {process.ExitCode}):{Environment.NewLine}{LastOutput()}");
            try
            {
                using var response = await client.GetAsync("/health", ct);
                if (response.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested) { }
            await Task.Delay(200, ct);
        }
        throw new TimeoutException($"Node {Name} did not answer /health within {limit.TotalSeconds} s:{Environment.NewLine}{LastOutput()}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>SIGKILL (Process.Kill on Unix), then waits for the process to be gone.</summary>
    public void Kill()
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }
        }
        catch (SystemException) { } // already gone or already disposed
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        await Task.CompletedTask;
        process.Dispose();
    }
}

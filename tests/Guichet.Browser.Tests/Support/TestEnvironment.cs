namespace Guichet.Browser.Tests.Support;

/// <summary>
/// Where the browser tests find what they drive: the built web app, Chromium and axe-core.
/// ./test.sh sets every variable; the defaults let `dotnet test` run from a developer's checkout.
/// </summary>
public static class TestEnvironment
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string WebDll
    {
        get
        {
            var fromEnv = Environment.GetEnvironmentVariable("GUICHET_WEB_DLL");
            if (!string.IsNullOrEmpty(fromEnv)) return Existing(fromEnv, "GUICHET_WEB_DLL");
            var bin = Path.Combine(RepoRoot, "src", "Guichet.Web", "bin");
            foreach (var configuration in new[] { "Release", "Debug" })
            {
                var dll = Path.Combine(bin, configuration, "net10.0", "Guichet.Web.dll");
                if (File.Exists(dll)) return dll;
            }
            throw new InvalidOperationException(
                $"Guichet.Web.dll not found under {bin}: run `dotnet build src/Guichet.Web -c Release` first, or set GUICHET_WEB_DLL.");
        }
    }

    public static string WebContentRoot
    {
        get
        {
            var fromEnv = Environment.GetEnvironmentVariable("GUICHET_WEB_CONTENT_ROOT");
            return string.IsNullOrEmpty(fromEnv) ? Path.Combine(RepoRoot, "src", "Guichet.Web") : Existing(fromEnv, "GUICHET_WEB_CONTENT_ROOT");
        }
    }

    public static string ChromiumPath
    {
        get
        {
            var fromEnv = Environment.GetEnvironmentVariable("CHROMIUM_PATH");
            if (!string.IsNullOrEmpty(fromEnv)) return Existing(fromEnv, "CHROMIUM_PATH");
            const string debian = "/usr/bin/chromium";
            return File.Exists(debian) ? debian
                : throw new InvalidOperationException("Chromium not found: `apt-get install -y chromium`, or set CHROMIUM_PATH.");
        }
    }

    public static string AxePath
    {
        get
        {
            var fromEnv = Environment.GetEnvironmentVariable("AXE_PATH");
            if (!string.IsNullOrEmpty(fromEnv)) return Existing(fromEnv, "AXE_PATH");
            var local = Path.Combine(RepoRoot, "tests", "Guichet.Browser.Tests", "node_modules", "axe-core", "axe.min.js");
            return File.Exists(local) ? local
                : throw new InvalidOperationException("axe-core not found: run `npm ci --ignore-scripts` in tests/Guichet.Browser.Tests, or set AXE_PATH.");
        }
    }

    private static string Existing(string path, string variable) =>
        File.Exists(path) || Directory.Exists(path) ? path : throw new InvalidOperationException($"{variable}={path} does not exist.");

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Guichet.slnx"))) return dir.FullName;
        throw new InvalidOperationException($"Guichet.slnx not found above {AppContext.BaseDirectory}.");
    }
}

using Microsoft.Playwright;

namespace Guichet.Browser.Tests.Support;

/// <summary>
/// Class fixture: one app process on a fresh database and one headless Debian Chromium, shared by the
/// tests of a class. Each test opens its own browser context (cookies, cache and settings of its own).
/// </summary>
public class GuichetBrowser : IAsyncLifetime
{
    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--disable-quic", "--no-first-run",
    ];

    static GuichetBrowser()
    {
        // Assertions wait for the page as actions do; a loaded build machine can be slow, never wrong.
        Assertions.SetDefaultExpectTimeout(15_000);
    }

    private GuichetProcess? app;
    private IPlaywright? playwright;
    private IBrowser? browser;

    public GuichetProcess App => app ?? throw new InvalidOperationException("The fixture is not started.");
    private IBrowser Browser => browser ?? throw new InvalidOperationException("The fixture is not started.");

    public async Task InitializeAsync()
    {
        // The app and the browser start side by side: the slower of the two sets the pace.
        var starting = GuichetProcess.StartAsync();
        try
        {
            playwright = await Playwright.CreateAsync();
            browser = await playwright.Chromium.LaunchAsync(new()
            {
                ExecutablePath = TestEnvironment.ChromiumPath,
                Headless = true,
                Args = ChromiumArgs,
            });
        }
        catch
        {
            // A fixture that fails to start is not disposed: leave no app process behind.
            try { await (await starting).DisposeAsync(); } catch (Exception) { /* the browser's error matters more */ }
            await DisposeAsync();
            throw;
        }
        app = await starting;
    }

    /// <summary>A new browser context with one page, whose every request is recorded.</summary>
    /// <param name="javaScript">false to browse as with JavaScript turned off.</param>
    /// <param name="forAxe">lets the test inject axe-core despite the app's Content-Security-Policy.</param>
    /// <param name="noCache">every page load fetches all its resources, so that its full weight is measured.</param>
    public async Task<BrowserSession> OpenAsync(bool javaScript = true, bool forAxe = false, bool noCache = false)
    {
        var context = await Browser.NewContextAsync(new()
        {
            BaseURL = App.BaseUrl.ToString(),
            JavaScriptEnabled = javaScript,
            BypassCSP = forAxe,
            Locale = "fr-FR",
            TimezoneId = "Europe/Paris",
            ViewportSize = new() { Width = 1280, Height = 900 },
        });
        context.SetDefaultTimeout(15_000);
        var page = await context.NewPageAsync();
        var network = new NetworkLog(page);
        if (noCache)
        {
            var cdp = await context.NewCDPSessionAsync(page);
            await cdp.SendAsync("Network.enable");
            await cdp.SendAsync("Network.setCacheDisabled", new Dictionary<string, object> { ["cacheDisabled"] = true });
        }
        return new BrowserSession(context, page, network, App);
    }

    public async Task DisposeAsync()
    {
        if (browser is not null) await browser.CloseAsync();
        playwright?.Dispose();
        if (app is not null) await app.DisposeAsync();
    }
}

public sealed class BrowserSession(IBrowserContext context, IPage page, NetworkLog network, GuichetProcess app) : IAsyncDisposable
{
    public IPage Page { get; } = page;
    public NetworkLog Network { get; } = network;
    public GuichetProcess App { get; } = app;

    public ValueTask DisposeAsync() => new(context.CloseAsync());
}

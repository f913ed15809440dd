using System.Net;
using System.Text.RegularExpressions;
using AngleSharp.Html.Dom;
using Guichet.Domain.Requests;
using Guichet.Web.Platform;
using Guichet.Web.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace Guichet.Web.Tests;

/// <summary>
/// The app behind a reverse proxy at 10.0.0.5, with the production limits on tracking look-ups. The in-memory test
/// server has no client address; a test names the address the request comes from in <see cref="PeerHeader"/>.
/// </summary>
public sealed class ProxiedApp : GuichetApp
{
    public const string PeerHeader = "X-Test-Peer";
    public const string Proxy = "10.0.0.5";

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["ForwardedHeaders:KnownProxies:0"] = Proxy,
        ["Requests:TrackingPerMinute"] = "10",
        ["Requests:TrackingPerDay"] = "50",
        ["RateLimits:ManagePerMinute"] = "30",
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter>(new PeerFilter()));
    }

    public HttpClient ClientFrom(string peer, string baseAddress = "http://guichet.lorval.test")
    {
        var client = CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri(baseAddress) });
        client.DefaultRequestHeaders.Add(PeerHeader, peer);
        return client;
    }

    private sealed class PeerFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (http, go) =>
            {
                if (http.Request.Headers.TryGetValue(PeerHeader, out var peer) && IPAddress.TryParse(peer, out var address))
                    http.Connection.RemoteIpAddress = address;
                await go();
            });
            next(app);
        };
    }
}

public sealed class SecurityTests(ProxiedApp app, ITestOutputHelper output) : IClassFixture<ProxiedApp>
{
    private const string Hsts = "max-age=31536000; includeSubDomains";

    [Fact]
    public async Task Https_answers_carry_hsts_and_secure_cookies_and_plain_http_carries_neither()
    {
        using var https = app.CreateClient(new() { AllowAutoRedirect = false, BaseAddress = new Uri("https://guichet.lorval.test") });
        var secure = await https.GetAsync("/connexion");
        Assert.Equal(Hsts, secure.Headers.GetValues("Strict-Transport-Security").Single());
        Assert.All(secure.Headers.GetValues("Set-Cookie"), c => Assert.Contains("secure", c, StringComparison.OrdinalIgnoreCase));

        using var http = app.CreateClient(new() { AllowAutoRedirect = false, BaseAddress = new Uri("http://guichet.lorval.test") });
        var plain = await http.GetAsync("/connexion");
        Assert.False(plain.Headers.Contains("Strict-Transport-Security"));
        Assert.All(plain.Headers.GetValues("Set-Cookie"), c => Assert.DoesNotContain("secure", c, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Behind_the_trusted_proxy_forwarded_https_gets_hsts_and_secure_cookies_and_an_untrusted_peer_is_not_believed()
    {
        async Task<HttpResponseMessage> Get(string peer)
        {
            using var client = app.ClientFrom(peer);
            var request = new HttpRequestMessage(HttpMethod.Get, "/connexion");
            request.Headers.Add("X-Forwarded-Proto", "https");
            request.Headers.Add("X-Forwarded-For", "198.51.100.7");
            return await client.SendAsync(request);
        }
        var proxied = await Get(ProxiedApp.Proxy);
        Assert.Equal(Hsts, proxied.Headers.GetValues("Strict-Transport-Security").Single());
        Assert.All(proxied.Headers.GetValues("Set-Cookie"), c => Assert.Contains("secure", c, StringComparison.OrdinalIgnoreCase));

        var spoofed = await Get("203.0.113.9");
        Assert.False(spoofed.Headers.Contains("Strict-Transport-Security"));
        Assert.All(spoofed.Headers.GetValues("Set-Cookie"), c => Assert.DoesNotContain("secure", c, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task A_guesser_gets_ten_tracking_look_ups_a_minute_and_the_codes_are_too_many_to_find_one_in_a_year()
    {
        using var client = app.CreateClient(new() { AllowAutoRedirect = false, BaseAddress = new Uri("http://guichet.lorval.test") });
        var form = await WebPage.ReadAsync("/suivi", await client.GetAsync("/suivi"));
        var token = ((IHtmlInputElement)form.Form().QuerySelector("input[name=__RequestVerificationToken]")!).Value;
        Task<HttpResponseMessage> Guess(string code, string peer, string? forwardedFor = null)
        {
            var post = new HttpRequestMessage(HttpMethod.Post, "/suivi")
            {
                Content = new FormUrlEncodedContent([new("code", code), new("lastName", "Martin"), new("__RequestVerificationToken", token)]),
            };
            post.Headers.Add(ProxiedApp.PeerHeader, peer);
            if (forwardedFor is not null) post.Headers.Add("X-Forwarded-For", forwardedFor);
            return client.SendAsync(post);
        }
        var random = new Random(42);
        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 60; i++)
        {
            var answer = await Guess(TrackingCode.Generate(random.Next), "198.51.100.20");
            answers.Add(answer.StatusCode);
            if (answer.StatusCode == HttpStatusCode.TooManyRequests) Assert.Contains("Réessayez dans une minute", await answer.Content.ReadAsStringAsync());
        }
        var through = answers.Count(a => a != HttpStatusCode.TooManyRequests);
        Assert.Equal(10, through);
        Assert.All(answers.Where(a => a != HttpStatusCode.TooManyRequests), a => Assert.Equal(HttpStatusCode.NotFound, a));

        // An untrusted peer cannot pick a fresh address per guess to dodge the limit; behind the trusted proxy each
        // citizen is counted by their own forwarded address.
        Assert.Equal(HttpStatusCode.TooManyRequests, (await Guess("BCDFGHJK", "198.51.100.20", forwardedFor: "192.0.2.77")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Guess("BCDFGHJK", ProxiedApp.Proxy, forwardedFor: "192.0.2.78")).StatusCode);
        var proxied = 1;
        while (proxied < 100 && (await Guess("BCDFGHJK", ProxiedApp.Proxy, forwardedFor: "192.0.2.78")).StatusCode != HttpStatusCode.TooManyRequests) proxied++;
        Assert.Equal(10, proxied);

        // The odds, from the alphabet and the limits (a minute's burst, then the day's cap).
        var codes = Math.Pow(TrackingCode.Alphabet.Length, TrackingCode.Length);
        var perDay = 50;
        var guessesPerYear = (double)perDay * 365;
        const double storedRequests = 1_000_000;          // a large platform: every request of many town halls for years
        const double commonestSurnameShare = 0.005;       // "Martin", about 0.4 % of the French: the second proof
        var codeHitsPerYear = guessesPerYear * storedRequests / codes;
        var revealedPerYear = codeHitsPerYear * commonestSurnameShare;
        output.WriteLine($"Tracking codes: {codes:E3} ({Math.Log2(codes):F1} bits); {through} guesses a minute and {perDay} a day per address get through; "
                         + $"{guessesPerYear:N0} guesses a year hit a stored code {codeHitsPerYear:F2} times among {storedRequests:N0} requests "
                         + $"and reveal a request {revealedPerYear:F4} times (code and surname both right)");
        Assert.True(Math.Log2(codes) > 33);
        Assert.True(revealedPerYear < 0.01, $"one address would read {revealedPerYear} requests a year");
    }

    [Fact]
    public async Task Secret_links_opened_by_get_are_limited_to_thirty_look_ups_a_minute_per_address()
    {
        // Each kind of link has its own count (a policy each), with the manage limit: 30 a minute per address.
        string[] links = ["/retrait/inconnu?token=devine", "/liste-attente/offre/inconnu?token=devine", "/mon-espace/jeton-devine", "/rendez-vous/12345678?token=devine"];
        for (var k = 0; k < links.Length; k++)
        {
            using var client = app.ClientFrom($"198.51.100.{40 + k}");
            var answers = new List<HttpStatusCode>();
            for (var i = 0; i < 35; i++) answers.Add((await client.GetAsync(links[k])).StatusCode);
            Assert.True(answers.Take(30).All(a => a != HttpStatusCode.TooManyRequests), $"{links[k]}: {string.Join(",", answers.Select(a => (int)a))}");
            Assert.All(answers.Skip(30), a => Assert.Equal(HttpStatusCode.TooManyRequests, a));
            Assert.Contains("Réessayez dans une minute", await (await client.GetAsync(links[k])).Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public void Every_secret_token_generator_gives_at_least_128_bits()
    {
        // Platform/Secrets.cs: the generators every secret link uses (manage links, waitlist offers, withdrawal
        // choices, calendar feeds, the personal space). Public codes (appointment numbers, tracking codes) are not
        // secrets: a second proof or a token comes with them.
        var tokens = Enumerable.Range(0, 2000).Select(_ => Secrets.NewToken()).ToList();
        Assert.All(tokens, t => Assert.Matches("^[A-Za-z0-9_-]{43}$", t));   // 32 bytes, base64url: 256 bits
        Assert.Equal(tokens.Count, tokens.Distinct().Count());
        var bits = Convert.FromBase64String(tokens[0].Replace('-', '+').Replace('_', '/') + "=").Length * 8;
        Assert.True(bits >= 128, $"{bits} bits");
        // Every bit varies: no constant prefix or zeroed bytes in the generator.
        var bytes = tokens.Select(t => Convert.FromBase64String(t.Replace('-', '+').Replace('_', '/') + "=")).ToList();
        for (var i = 0; i < 32; i++) Assert.True(bytes.Select(b => b[i]).Distinct().Count() > 100, $"byte {i} barely varies");

        // The callers: every secret link is made by Secrets.NewToken, none by NewId (a time-ordered GUID, 74 random bits)
        // or NewDigits, which make ids and public codes.
        var source = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../src/Guichet.Web"));
        var callers = Directory.EnumerateFiles(source, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal))
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (File: Path.GetRelativePath(source, f), Line: i + 1, Text: line)))
            .Where(l => Regex.IsMatch(l.Text, @"Secrets\.New(Token|Id|Digits)\("))
            .ToList();
        var secretCallers = callers.Where(l => l.Text.Contains("Secrets.NewToken(", StringComparison.Ordinal)).ToList();
        output.WriteLine($"{callers.Count} calls of Secrets generators; {secretCallers.Count} make secret tokens (256 bits):");
        foreach (var c in secretCallers) output.WriteLine($"  {c.File}:{c.Line}");
        Assert.True(secretCallers.Count >= 6);
        // A token hash stored next to NewId or NewDigits would mean a short secret: none is.
        // Two "tokens" made by NewId are lease claims of background work (which node holds which rows), not secrets.
        string[] leaseClaims = ["Features/Notifications/OutboxDispatcher.cs", "Features/Ants/AntsSyncRunner.cs"];
        var shortSecrets = callers.Where(l => !l.Text.Contains("NewToken", StringComparison.Ordinal) && !leaseClaims.Contains(l.File)
                                              && Regex.IsMatch(l.Text, @"(?i)(token|secret)\w*\s*=\s*(Platform\.)?Secrets\.New(Id|Digits)")).ToList();
        Assert.True(shortSecrets.Count == 0, "secret made with a short generator:\n" + string.Join("\n", shortSecrets.Select(s => $"{s.File}:{s.Line}: {s.Text.Trim()}")));
        // No other random source for secrets anywhere in the app.
        var otherRandom = Directory.EnumerateFiles(source, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/obj/", StringComparison.Ordinal))
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (File: Path.GetRelativePath(source, f), Line: i + 1, Text: line)))
            .Where(l => Regex.IsMatch(l.Text, @"new Random\(|Random\.Shared|Guid\.NewGuid\(\)") && !l.Text.TrimStart().StartsWith("//", StringComparison.Ordinal))
            .ToList();
        foreach (var o in otherRandom) output.WriteLine($"  other random source (not a secret): {o.File}:{o.Line}: {o.Text.Trim()}");
    }

    [Fact]
    public async Task Every_page_kind_carries_the_security_headers_and_no_form_is_accepted_without_its_antiforgery_token()
    {
        using var admin = new Browser(app);
        Assert.Equal(HttpStatusCode.Redirect, (await admin.SignInAsync("admin@lorval.demo")).Status);
        string[] seeds =
        [
            "/", "/rendez-vous", "/rendez-vous/creneaux?reason=CNI&persons=1", "/pieces-a-fournir", "/demandes", "/demandes/lorval-voirie", "/suivi", "/mon-espace",
            "/liste-attente/inscription?reason=CNI", "/connexion", "/acces-refuse", "/agent", "/agent/semaine", "/agent/reserver", "/agent/demandes", "/agent/demandes/nouvelle",
            "/agent/liste-attente", "/agent/agendas", "/agent/demandes/parapheur", "/admin/agents", "/admin/fermetures", "/admin/horaires", "/admin/motifs", "/admin/rappels",
            "/admin/pieces-a-fournir", "/admin/ants", "/admin/messages/modeles", "/admin/messages/modeles/confirmation-email", "/admin/demandes/services",
            "/admin/demandes/categories", "/admin/demandes/canaux", "/admin/demandes/traitement", "/admin/demandes/donnees", "/supervision/messages", "/agent/appels",
            // Kinds that are not pages: static file, JSON, problem, OpenAPI, error pages, health.
            "/css/site.css", "/api/v1/sites", "/api/v1/inconnu", "/openapi/v1.json", "/cette-page-n-existe-pas", "/health/live", "/health",
        ];
        var queue = new Queue<string>(seeds);
        var seen = new HashSet<string>(seeds);
        var perPath = new Dictionary<string, int>();
        var kinds = new SortedDictionary<string, int>();
        var forms = new Dictionary<string, (string Url, IHtmlFormElement Form)>();
        var failures = new List<string>();
        var fetched = 0;
        while (queue.Count > 0 && fetched < 300)
        {
            var url = queue.Dequeue();
            fetched++;
            using var response = await admin.Http.GetAsync(url);
            var type = response.Content.Headers.ContentType?.MediaType ?? "(none)";
            kinds[$"{(int)response.StatusCode} {type}"] = kinds.GetValueOrDefault($"{(int)response.StatusCode} {type}") + 1;
            var csp = response.Headers.TryGetValues("Content-Security-Policy", out var c) ? c.Single() : "";
            var script = Regex.Match(csp, "script-src ([^;]*)").Groups[1].Value;
            if (!csp.Contains("frame-ancestors 'none'", StringComparison.Ordinal) || script != "'self'" || !csp.Contains("default-src 'self'", StringComparison.Ordinal))
                failures.Add($"{url}: CSP '{csp}'");
            if (!response.Headers.TryGetValues("X-Frame-Options", out var frame) || frame.Single() != "DENY") failures.Add($"{url}: no X-Frame-Options DENY");
            if (!response.Headers.TryGetValues("X-Content-Type-Options", out var sniff) || sniff.Single() != "nosniff") failures.Add($"{url}: no nosniff");
            if (type != "text/html") continue;
            var page = await WebPage.ReadAsync(url, response);
            // CSP forbids inline script: a page relying on one would break, so there must be none.
            foreach (var inline in page.Document.QuerySelectorAll("script:not([src])")) failures.Add($"{url}: inline script {inline.TextContent[..Math.Min(60, inline.TextContent.Length)]}");
            foreach (var element in page.Document.All.Where(e => e.Attributes.Any(a => a.Name.StartsWith("on", StringComparison.Ordinal))))
                failures.Add($"{url}: inline handler on <{element.LocalName}>");
            foreach (var form in page.Document.QuerySelectorAll("form").OfType<IHtmlFormElement>().Where(f => f.Method.Equals("post", StringComparison.OrdinalIgnoreCase)))
            {
                var action = string.IsNullOrEmpty(form.GetAttribute("action")) ? url : form.GetAttribute("action")!;
                var handler = form.QuerySelector("button[formaction]")?.GetAttribute("formaction") ?? "";
                var key = Regex.Replace(action, @"[0-9a-f]{32}", "{id}") + " " + handler;
                forms.TryAdd(key, (action, form));
            }
            foreach (var href in page.Document.QuerySelectorAll("a[href]").Select(a => a.GetAttribute("href")!))
            {
                if (!href.StartsWith('/') || href.StartsWith("//", StringComparison.Ordinal) || href.StartsWith("/deconnexion", StringComparison.Ordinal)) continue;
                var target = href.Split('#')[0];
                var path = Regex.Replace(target.Split('?')[0], @"[0-9a-f]{32}|\d{6,}", "{id}");
                if (perPath.GetValueOrDefault(path) >= 3 || !seen.Add(target)) continue;
                perPath[path] = perPath.GetValueOrDefault(path) + 1;
                queue.Enqueue(target);
            }
        }
        output.WriteLine($"{fetched} addresses fetched, by answer: {string.Join(", ", kinds.Select(k => $"{k.Key}×{k.Value}"))}");
        Assert.True(fetched >= 60, $"only {fetched} addresses reached");

        // Every form posted without its token: refused with 400, whatever the form does.
        var answers = new SortedDictionary<int, int>();
        foreach (var (key, (action, form)) in forms)
        {
            var fields = WebPage.FieldsOf(form).Where(f => f.Key != "__RequestVerificationToken").ToList();
            using var answer = await admin.Http.PostAsync(action, new FormUrlEncodedContent(fields));
            answers[(int)answer.StatusCode] = answers.GetValueOrDefault((int)answer.StatusCode) + 1;
            if (answer.StatusCode != HttpStatusCode.BadRequest) failures.Add($"form {key} without antiforgery token answered {(int)answer.StatusCode}");
        }
        output.WriteLine($"{forms.Count} distinct post forms sent without their antiforgery token: {string.Join(", ", answers.Select(a => $"{a.Key}×{a.Value}"))}");
        Assert.True(forms.Count >= 25, $"only {forms.Count} forms found");
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(30)));
    }
}

/// <summary>Passwords agents are given, and sign-in lock-out that says nothing about which accounts exist.</summary>
public sealed class AccountSecurityTests(GuichetApp app) : IClassFixture<GuichetApp>
{
    [Theory]
    [InlineData("Court-1a", null, "12 caractères")]
    [InlineData("Azerty-2026!", null, "trop courant")]
    [InlineData("Password1234!", null, "trop courant")]
    [InlineData("P@ssw0rd2026", null, "trop courant")]
    [InlineData("MotDePasse-2026", null, "trop courant")]
    [InlineData("Soleil_123456", null, "trop courant")]
    [InlineData("Aaaaaaaaaaa1!", null, "répète")]
    [InlineData("Jeanne.Nouvelle-26", "jeanne.nouvelle@lorval.demo", "adresse e-mail")]
    [InlineData("xx-jeanne.nouvelle@lorval.demo-X1", "jeanne.nouvelle@lorval.demo", "adresse e-mail")]
    [InlineData("toutenminuscule", null, "trois sortes")]
    [InlineData("Un-Mot-De-Passe-2026", "jeanne.nouvelle@lorval.demo", null)]
    [InlineData("Demo-Guichet-2026", "accueil@lorval.demo", null)]
    [InlineData("cheval Batterie agrafe 7", null, null)]
    public void The_password_policy_refuses_short_common_and_e_mail_based_passwords(string password, string? email, string? says)
    {
        var problem = Passwords.CheckPolicy(password, email);
        if (says is null) Assert.Null(problem);
        else Assert.Contains(says, problem);
    }

    [Fact]
    public async Task An_administrator_cannot_give_an_agent_a_common_password_or_one_made_of_the_e_mail()
    {
        using var admin = new Browser(app);
        Assert.Equal(HttpStatusCode.Redirect, (await admin.SignInAsync("admin@lorval.demo")).Status);
        var page = await admin.GetAsync("/admin/agents");
        foreach (var (password, says) in new[] { ("Azerty-2026!!", "trop courant"), ("Lucie.Prevost-2026", "adresse e-mail") })
        {
            var refused = await admin.SubmitAsync(page, values: new Dictionary<string, string?>
            {
                ["displayName"] = "Lucie Prévost", ["email"] = "lucie.prevost@lorval.demo", ["role"] = "Agent", ["password"] = password,
            });
            Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.Status);
            Assert.Contains(says, refused.Text);
        }
        Assert.False(await app.WithDbAsync(db => db.Agents.AnyAsync(a => a.Email == "lucie.prevost@lorval.demo")));
    }

    [Fact]
    public async Task Five_failures_lock_an_unknown_address_exactly_like_a_real_account_so_the_lock_tells_nothing()
    {
        using var browser = new Browser(app);
        async Task<List<(HttpStatusCode Status, string Message)>> FailFive(string email)
        {
            var answers = new List<(HttpStatusCode, string)>();
            for (var i = 0; i < 6; i++)
            {
                var page = await browser.SignInAsync(email, $"mauvais-mot-de-passe-{i}");
                answers.Add((page.Status, page.Document.QuerySelector(".errors[role=alert]")!.TextContent.Trim()));
            }
            return answers;
        }
        var real = await FailFive("prefecture@lorne.demo");
        var nobody = await FailFive("personne-ici@lorne.demo");

        Assert.Equal(real, nobody);
        Assert.All(real, a => Assert.Equal(HttpStatusCode.Unauthorized, a.Status));
        Assert.All(real.Take(4), a => Assert.Equal("Adresse e-mail ou mot de passe incorrect.", a.Message));
        Assert.All(real.Skip(4), a => Assert.StartsWith("Trop d'essais infructueux avec cette adresse : la connexion est bloquée jusqu'à", a.Message));
        // Locked, the right password is refused too; the lock covers only this address.
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.SignInAsync("prefecture@lorne.demo")).Status);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync("mairie@vernay.demo")).Status);
    }
}

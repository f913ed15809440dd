using System.Net;
using Guichet.Web.Tests.Support;

namespace Guichet.Web.Tests;

/// <summary>The citizen's tracking page: the code and the surname, the same answer for any mismatch, rate-limited.</summary>
public sealed class RequestTrackingTests(RequestsApp app) : IClassFixture<RequestsApp>
{
    private static Task<WebPage> TrackAsync(Browser browser, WebPage form, string code, string lastName) =>
        browser.SubmitAsync(form, values: new Dictionary<string, string?> { ["code"] = code, ["lastName"] = lastName });

    [Fact]
    public async Task The_code_typed_in_lower_case_with_a_space_and_the_surname_without_accents_show_the_status_and_its_history()
    {
        using var browser = new Browser(app);
        var code = RequestsApp.CodeOn(await RequestsApp.SendAsync(browser, "lorval-voirie", RequestsApp.Voirie(lastName: "Le Guével")));
        var form = await browser.GetAsync("/suivi");
        Assert.Equal(HttpStatusCode.OK, form.Status);

        var page = await TrackAsync(browser, form, $"{code[..4].ToLowerInvariant()} {code[4..].ToLowerInvariant()}", "LE GUEVEL");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains($"Votre demande {code[..4]} {code[4..]}", page.Text);
        Assert.Contains("État Reçue", page.Text);
        Assert.Contains("Réponse au plus tard le lundi 7 décembre 2026", page.Text);
        Assert.Contains("Demande reçue (Site web).", page.Text);
        Assert.Contains("Accusé de réception envoyé par courriel.", page.Text);
    }

    [Fact]
    public async Task A_wrong_code_and_a_wrong_surname_get_exactly_the_same_answer()
    {
        using var browser = new Browser(app);
        var code = RequestsApp.CodeOn(await RequestsApp.SendAsync(browser, "lorval-voirie", RequestsApp.Voirie(lastName: "Durand")));
        var form = await browser.GetAsync("/suivi");
        var other = code[0] == 'B' ? "C" + code[1..] : "B" + code[1..];

        var wrongName = await TrackAsync(browser, form, code, "Dupont");
        var wrongCode = await TrackAsync(browser, form, other, "Durand");
        var notACode = await TrackAsync(browser, form, "hello", "Durand");
        foreach (var page in new[] { wrongName, wrongCode, notACode })
        {
            Assert.Equal(HttpStatusCode.NotFound, page.Status);
            Assert.Contains("Aucune demande ne correspond à ce code et à ce nom.", page.Text);
        }
        Assert.Equal(Strip(wrongName), Strip(wrongCode));

        // The form gives back what was typed: compare the pages without those values.
        static string Strip(WebPage p) => System.Text.RegularExpressions.Regex.Replace(p.Text, "\\s+", " ");
    }
}

/// <summary>Tight limits: two sends per minute and per address.</summary>
public sealed class RequestLimitsApp : RequestsApp
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Requests:IntakePerMinute"] = "2",
        ["Requests:TrackingPerMinute"] = "2",
    };
}

public sealed class RequestLimitTests(RequestLimitsApp app) : IClassFixture<RequestLimitsApp>
{
    [Fact]
    public async Task Tracking_look_ups_are_limited_per_address_and_reading_the_form_is_not()
    {
        using var browser = new Browser(app);
        var form = await browser.GetAsync("/suivi");
        var values = new Dictionary<string, string?> { ["code"] = "BCDFGHJK", ["lastName"] = "Martin" };
        Assert.Equal(HttpStatusCode.NotFound, (await browser.SubmitAsync(form, values: values)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.SubmitAsync(form, values: values)).Status);
        var third = await browser.SubmitAsync(form, values: values);
        Assert.Equal(HttpStatusCode.TooManyRequests, third.Status);
        Assert.Contains("Réessayez dans une minute", third.Html);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/suivi")).Status);
    }

    [Fact]
    public async Task Sending_requests_is_limited_per_address()
    {
        using var browser = new Browser(app);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++) statuses.Add((await RequestsApp.SendAsync(browser, "lorval-voirie", RequestsApp.Voirie(lastName: $"Limite{i}"))).Status);
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
    }
}

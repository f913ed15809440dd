using System.Net;
using Guichet.Web.Platform;
using Guichet.Web.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Tests;

/// <summary>The convocation PDF and the .ics file, for the citizen (code + token) and for agents (their organisation, or the partner that booked).</summary>
public sealed class ConvocationTests(GuichetApp app) : IClassFixture<GuichetApp>
{
    [Fact]
    public async Task The_citizen_downloads_a_french_pdf_convocation_with_the_code_the_local_time_the_place_the_documents_and_how_to_cancel()
    {
        var created = await BookAsync("lorval-hotel-de-ville", "2026-12-08");
        var answer = await app.Client.GetAsync($"/rendez-vous/{created.Code}/convocation.pdf?token={Uri.EscapeDataString(created.Token)}");

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("application/pdf", answer.Content.Headers.ContentType?.MediaType);
        Assert.Contains($"convocation-{created.Code}.pdf", answer.Content.Headers.ContentDisposition?.ToString());
        Assert.Contains("no-store", answer.Headers.CacheControl?.ToString());
        var pdf = await answer.Content.ReadAsByteArrayAsync();
        Assert.True(PdfText.IsPdf(pdf));
        Assert.True(pdf.Length < 200_000, $"{pdf.Length} bytes");
        var text = PdfText.Of(pdf);
        Assert.Contains(created.Code, text);
        Assert.Contains("Mairie de Lorval", text);
        Assert.Contains("Convocation", text);
        Assert.Contains("Carte nationale d'identité", text);
        Assert.Contains($"le {FrenchDates.DayAndTime(created.Start.DateTime)}", text);
        Assert.Contains("Hôtel de ville de Lorval", text);
        Assert.Contains("2 place de la République, 53120 Lorval", text);
        Assert.Contains("Camille Martin", text);
        Assert.Contains("Pièces à apporter", text);
        Assert.Contains("photo d'identité", text);
        Assert.Contains("/pieces-a-fournir/mairie-lorval?titre=cni", text.Replace("\n", ""));
        Assert.Contains("02 43 98 12 00", text);
        // The citizen's own copy carries the manage link (the token is theirs); wrapped lines are joined to read it.
        Assert.Contains($"/rendez-vous/{created.Code}?token=", text.Replace("\n", ""));
    }

    [Fact]
    public async Task A_wrong_token_or_a_wrong_code_gets_a_404_without_any_pdf_and_a_cancelled_appointment_has_none()
    {
        var created = await BookAsync("lorval-hotel-de-ville", "2026-12-09");
        foreach (var url in new[]
                 {
                     $"/rendez-vous/{created.Code}/convocation.pdf?token=wrong-token",
                     $"/rendez-vous/{created.Code}/convocation.pdf",
                     $"/rendez-vous/99999999/convocation.pdf?token={Uri.EscapeDataString(created.Token)}",
                     $"/rendez-vous/{created.Code}/rendez-vous.ics?token=wrong-token",
                 })
        {
            var answer = await app.Client.GetAsync(url);
            Assert.Equal(HttpStatusCode.NotFound, answer.StatusCode);
            Assert.False(PdfText.IsPdf(await answer.Content.ReadAsByteArrayAsync()), url);
        }

        var cancel = await app.Client.PostAsync($"/api/v1/appointments/{created.Code}/cancel?token={Uri.EscapeDataString(created.Token)}", null);
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        var gone = await app.Client.GetAsync($"/rendez-vous/{created.Code}/convocation.pdf?token={Uri.EscapeDataString(created.Token)}");
        Assert.Equal(HttpStatusCode.Gone, gone.StatusCode);
        Assert.True(Answers.LooksFrench(await gone.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task The_manage_and_confirmation_pages_link_to_the_convocation_and_the_calendar_file_which_opens_in_a_calendar()
    {
        var created = await BookAsync("saint-aubin-mairie", "2026-12-09");
        using var citizen = new Browser(app);
        var page = await citizen.GetAsync($"/rendez-vous/{created.Code}?token={Uri.EscapeDataString(created.Token)}&confirme=1");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        var pdfLink = page.Links("a[href*='convocation.pdf']").Single();
        var icsLink = page.Links("a[href*='.ics']").Single();
        Assert.Contains("convocation", pdfLink.TextContent);

        var pdf = await citizen.Http.GetAsync(pdfLink.GetAttribute("href"));
        Assert.Equal(HttpStatusCode.OK, pdf.StatusCode);
        Assert.Contains(created.Code, PdfText.Of(await pdf.Content.ReadAsByteArrayAsync()));

        var ics = await citizen.Http.GetAsync(icsLink.GetAttribute("href"));
        Assert.Equal(HttpStatusCode.OK, ics.StatusCode);
        Assert.Equal("text/calendar", ics.Content.Headers.ContentType?.MediaType);
        var calendar = Calendar.Parse(await ics.Content.ReadAsByteArrayAsync());
        Assert.Equal("PUBLISH", calendar["METHOD"]);
        Assert.Equal(created.Start.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'"), calendar["DTSTART"]);
        Assert.Contains(created.Code, calendar["DESCRIPTION"]);
        Assert.Contains("Mairie de Saint-Aubin-sur-Lorne", calendar["LOCATION"]);
    }

    [Fact]
    public async Task Agents_of_the_organisation_print_the_convocation_and_other_organisations_get_a_404()
    {
        var created = await BookAsync("lorval-hotel-de-ville", "2026-12-10");
        var url = $"/agent/rendez-vous/{created.Id}/convocation.pdf";

        using var host = await SignedInAsync("accueil@lorval.demo");
        var details = await host.GetAsync($"/agent/rendez-vous/{created.Id}");
        Assert.Equal(url, details.Links("a[href$='convocation.pdf']").Single().GetAttribute("href"));
        var printed = await host.Http.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, printed.StatusCode);
        Assert.Equal("application/pdf", printed.Content.Headers.ContentType?.MediaType);
        var text = PdfText.Of(await printed.Content.ReadAsByteArrayAsync());
        Assert.Contains(created.Code, text);
        // Agents do not hold the citizen's token: the printed copy points to the e-mail and the phone instead.
        Assert.DoesNotContain("token=", text);
        Assert.Contains("02 43 98 12 00", text);

        foreach (var other in new[] { "accueil@saint-aubin.demo", "prefecture@lorne.demo", "mairie@vernay.demo" })
        {
            using var outsider = await SignedInAsync(other);
            var answer = await outsider.Http.GetAsync(url);
            Assert.Equal(HttpStatusCode.NotFound, answer.StatusCode);
            Assert.False(PdfText.IsPdf(await answer.Content.ReadAsByteArrayAsync()), other);
        }

        using var anonymous = new Browser(app);
        var signedOut = await anonymous.Http.GetAsync(url);
        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        Assert.StartsWith("/connexion", signedOut.Headers.Location?.PathAndQuery);
    }

    [Fact]
    public async Task A_partner_town_hall_prints_the_convocation_of_the_appointment_it_booked_and_not_the_host_s_others()
    {
        using var partner = await SignedInAsync("mairie@vernay.demo");
        var list = await partner.GetAsync("/agent/reserver?site=lorval-hotel-de-ville&reason=CNI&persons=1&date=2026-12-11");
        var form = await partner.GetAsync(list.Links("ul.slots a").First().GetAttribute("href")!);
        var sent = await partner.SubmitAsync(form, values: new Dictionary<string, string?>
        {
            ["firstName"] = "Hugo", ["lastName"] = "Vernier", ["phone"] = "07 11 22 33 44",
        });
        Assert.Equal(HttpStatusCode.Redirect, sent.Status);
        var id = sent.Location!.Split('/').Last();
        var code = await app.WithDbAsync(db => db.Appointments.Where(a => a.Id == id).Select(a => a.Code).SingleAsync());

        var printed = await partner.Http.GetAsync($"/agent/rendez-vous/{id}/convocation.pdf");
        Assert.Equal(HttpStatusCode.OK, printed.StatusCode);
        var text = PdfText.Of(await printed.Content.ReadAsByteArrayAsync());
        Assert.Contains(code, text);
        Assert.Contains("Hugo Vernier", text);

        var hostOwn = await BookAsync("lorval-hotel-de-ville", "2026-12-11");
        Assert.Equal(HttpStatusCode.NotFound, (await partner.Http.GetAsync($"/agent/rendez-vous/{hostOwn.Id}/convocation.pdf")).StatusCode);
        // The host's agents print the partner's booking too: it is theirs.
        using var host = await SignedInAsync("accueil@lorval.demo");
        Assert.Equal(HttpStatusCode.OK, (await host.Http.GetAsync($"/agent/rendez-vous/{id}/convocation.pdf")).StatusCode);
    }

    [Theory]
    [InlineData("/rendez-vous/12345678/convocation.pdf?token=%00")]
    [InlineData("/rendez-vous/%3Cscript%3E/convocation.pdf?token=x")]
    [InlineData("/rendez-vous/1234567890123456789012345/rendez-vous.ics?token=x")]
    [InlineData("/rendez-vous/12345678/convocation.pdf?token=' OR '1'='1")]
    public async Task Hostile_download_links_get_a_clear_refusal_never_a_500(string url)
    {
        var answer = await app.Client.GetAsync(url);
        Assert.True(answer.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.BadRequest, $"{url}: {answer.StatusCode}");
        var longToken = await app.Client.GetAsync($"/rendez-vous/12345678/convocation.pdf?token={new string('a', 5000)}");
        Assert.Equal(HttpStatusCode.NotFound, longToken.StatusCode);
    }

    private async Task<ApiCreated> BookAsync(string site, string day)
    {
        var slot = (await app.SlotsAsync(site: site, from: day, to: day)).First();
        var answer = await app.BookAsync(GuichetApp.Booking(slot));
        Assert.Equal(HttpStatusCode.Created, answer.StatusCode);
        return (await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<ApiCreated>(answer.Content, GuichetApp.Json))!;
    }

    private async Task<Browser> SignedInAsync(string email)
    {
        var browser = new Browser(app);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync(email)).Status);
        return browser;
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Guichet.Web.Data;
using Guichet.Web.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Tests;

/// <summary>A citizen at a browser without JavaScript, through the HTML forms only.</summary>
public sealed class CitizenPagesTests(GuichetApp app) : IClassFixture<GuichetApp>
{
    [Fact]
    public async Task A_citizen_books_through_the_forms_sees_the_confirmation_and_cancels()
    {
        using var browser = new Browser(app);
        var start = await browser.GetAsync("/rendez-vous");
        Assert.Equal(HttpStatusCode.OK, start.Status);

        // Step 1: a passport for one person, without pre-request.
        var slots = await browser.SubmitAsync(start, "main form", new Dictionary<string, string?> { ["reason"] = "PASSPORT", ["persons"] = "1", ["pre"] = "0" });
        Assert.Equal(HttpStatusCode.OK, slots.Status);
        Assert.Contains("Passeport, 1 personne.", slots.Text);
        Assert.NotEmpty(slots.Links("ul.slots a"));

        // Step 2: narrow to Montclair from Tuesday 15 December, then take the first slot.
        var montclair = await browser.SubmitAsync(slots, "main form.filters", new Dictionary<string, string?> { ["site"] = "montclair-mairie", ["from"] = "2026-12-15" });
        Assert.Equal(HttpStatusCode.OK, montclair.Status);
        var first = montclair.Links("ul.slots a").First();
        Assert.Contains("9 h", first.TextContent);
        Assert.Contains("mardi 15 décembre 2026", first.TextContent);
        Assert.All(montclair.Links("ul.slots a"), a => Assert.Contains("Montclair", a.TextContent));

        // Step 3: contact details.
        var contact = await browser.GetAsync(first.GetAttribute("href")!);
        Assert.Equal(HttpStatusCode.OK, contact.Status);
        Assert.Contains("mardi 15 décembre 2026 à 9 h", contact.Text);
        Assert.Contains("Mairie de Montclair-en-Bocage", contact.Text);
        var before = await app.CountBookedAsync();
        var sent = await browser.SubmitAsync(contact, values: new Dictionary<string, string?>
        {
            ["firstName"] = "Aïcha", ["lastName"] = "N'Diaye", ["email"] = "aicha.ndiaye@exemple.fr",
        });

        Assert.Equal(HttpStatusCode.Redirect, sent.Status);
        var confirmed = Regex.Match(sent.Location!, @"^/rendez-vous/(?<code>[0-9]{8})\?token=(?<token>[A-Za-z0-9_%-]{40,})&confirme=1$");
        Assert.True(confirmed.Success, sent.Location);
        var code = confirmed.Groups["code"].Value;
        Assert.Equal(before + 1, await app.CountBookedAsync());

        var confirmation = await browser.FollowAsync(sent);
        Assert.Equal(HttpStatusCode.OK, confirmation.Status);
        Assert.Contains("Votre rendez-vous est confirmé", confirmation.Text);
        Assert.Contains(code, confirmation.Text);
        Assert.Contains("mardi 15 décembre 2026 à 9 h", confirmation.Text);
        Assert.Contains("Mairie de Montclair-en-Bocage", confirmation.Text);
        Assert.Contains("1 rue de l'Église, 53300 Montclair-en-Bocage", confirmation.Text);
        Assert.Contains("Aïcha N'Diaye", confirmation.Text);
        Assert.True(confirmation.Response.Headers.CacheControl?.NoStore);

        var stored = await app.WithDbAsync(db => db.Appointments.AsNoTracking().SingleAsync(a => a.Code == code));
        Assert.Equal((Channel.Web, "PASSPORT", "montclair-mairie", "aicha.ndiaye@exemple.fr", 1), (stored.Channel, stored.ReasonCode, stored.SiteId, stored.Email, stored.Persons));
        var nine = new DateTimeOffset(2026, 12, 15, 9, 0, 0, TimeSpan.FromHours(1));
        Assert.DoesNotContain(await app.SlotsAsync("PASSPORT", site: "montclair-mairie", from: "2026-12-15", to: "2026-12-15"), s => s.Start == nine);

        // The manage page's form cancels it, and the slot is offered again at once.
        var cancelled = await browser.SubmitAsync(confirmation);
        Assert.Equal(HttpStatusCode.OK, cancelled.Status);
        Assert.Contains("Ce rendez-vous est annulé", cancelled.Text);
        Assert.Empty(cancelled.Document.QuerySelectorAll("main form[method=post]"));
        Assert.Equal(AppointmentStatus.Cancelled, await app.WithDbAsync(db => db.Appointments.Where(a => a.Code == code).Select(a => a.Status).SingleAsync()));
        Assert.Equal(before, await app.CountBookedAsync());
        Assert.Contains(await app.SlotsAsync("PASSPORT", site: "montclair-mairie", from: "2026-12-15", to: "2026-12-15"), s => s.Start == nine);
    }

    [Fact]
    public async Task A_family_with_pre_requests_gets_a_shorter_appointment_through_the_forms()
    {
        using var browser = new Browser(app);
        var slots = await browser.GetAsync("/rendez-vous/creneaux?reason=CNI&persons=2&pre=1&site=lorval-hotel-de-ville&from=2026-12-17");
        Assert.Equal(HttpStatusCode.OK, slots.Status);
        Assert.Contains("Carte nationale d'identité, 2 personnes, avec pré-demande.", slots.Text);
        var contact = await browser.GetAsync(slots.Links("ul.slots a").First().GetAttribute("href")!);
        Assert.NotNull(contact.Document.QuerySelector("#preRequestNumbers"));

        var sent = await browser.SubmitAsync(contact, values: new Dictionary<string, string?>
        {
            ["firstName"] = "Jean-Loïc", ["lastName"] = "Le Goff", ["phone"] = "06 12 34 56 78", ["preRequestNumbers"] = "ab12cd34ef, GH56IJ78KL",
        });

        Assert.Equal(HttpStatusCode.Redirect, sent.Status);
        var code = Regex.Match(sent.Location!, "/rendez-vous/([0-9]{8})").Groups[1].Value;
        var stored = await app.WithDbAsync(db => db.Appointments.AsNoTracking().SingleAsync(a => a.Code == code));
        // Two persons with a pre-request each: ten minutes each instead of fifteen.
        Assert.Equal(TimeSpan.FromMinutes(20), stored.EndUtc - stored.StartUtc);
        Assert.Equal("AB12CD34EF GH56IJ78KL", stored.PreRequestNumbers);
        Assert.Equal("+33612345678", stored.Phone);
        Assert.Null(stored.Email);
        var page = await browser.FollowAsync(sent);
        Assert.Contains("AB12CD34EF GH56IJ78KL", page.Text);
    }

    [Fact]
    public async Task An_empty_contact_form_answers_422_with_french_messages_linked_to_the_fields()
    {
        using var browser = new Browser(app);
        var contact = await OpenContactPageAsync(browser, "saint-aubin-mairie", "2026-12-18");
        var before = await app.CountBookedAsync();

        var answer = await browser.SubmitAsync(contact, values: new Dictionary<string, string?>
        {
            ["firstName"] = "", ["lastName"] = "", ["email"] = "", ["phone"] = "",
        });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, answer.Status);
        Assert.StartsWith("Erreur", answer.Title);
        var summary = answer.Document.QuerySelector(".errors[role=alert]");
        Assert.NotNull(summary);
        Assert.Contains("Le formulaire contient 3 erreurs", summary!.TextContent);
        var links = summary.QuerySelectorAll("a").ToDictionary(a => a.GetAttribute("href")!, a => a.TextContent.Trim());
        Assert.Equal("Indiquez votre prénom.", links["#firstName"]);
        Assert.Equal("Indiquez votre nom.", links["#lastName"]);
        Assert.Equal("Indiquez une adresse e-mail ou un numéro de portable pour recevoir la confirmation.", links["#email"]);
        foreach (var target in links.Keys)
        {
            // Each link leads to its field, which says it is invalid.
            var field = answer.Document.QuerySelector(target);
            Assert.NotNull(field);
            Assert.Equal("true", field!.GetAttribute("aria-invalid"));
        }
        Assert.Null(answer.Document.QuerySelector("#phone")!.GetAttribute("aria-invalid"));
        // The chosen slot is still shown and the form can be sent again.
        Assert.Contains("vendredi 18 décembre 2026", answer.Text);
        Assert.NotNull(answer.Document.QuerySelector("main form[method=post] input[name=start]"));
        Assert.Equal(before, await app.CountBookedAsync());
    }

    [Fact]
    public async Task Confirming_a_slot_someone_just_took_answers_409_and_offers_another()
    {
        using var browser = new Browser(app);
        var contact = await OpenContactPageAsync(browser, "saint-aubin-mairie", "2026-12-21");
        var start = contact.Form().QuerySelector("input[name=start]")!.GetAttribute("value")!;

        // Someone else books the same slot through the API while the citizen types.
        var rival = await app.BookAsync(GuichetApp.Booking(new ApiSlot("saint-aubin-mairie", DateTimeOffset.Parse(start), default), lastName: "Rapide"));
        Assert.Equal(HttpStatusCode.Created, rival.StatusCode);
        var before = await app.CountBookedAsync();

        var answer = await browser.SubmitAsync(contact, values: new Dictionary<string, string?>
        {
            ["firstName"] = "Louise", ["lastName"] = "Lent", ["email"] = "louise.lent@exemple.fr",
        });

        Assert.Equal(HttpStatusCode.Conflict, answer.Status);
        Assert.Contains("Ce créneau vient d'être pris par quelqu'un d'autre.", answer.Text);
        var other = answer.Links("[role=alert] a").Single();
        Assert.Equal("Choisir un autre créneau", other.TextContent.Trim());
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(other.GetAttribute("href")!)).Status);
        Assert.Equal(before, await app.CountBookedAsync());
    }

    [Fact]
    public async Task Every_citizen_page_is_french_titled_and_light()
    {
        using var browser = new Browser(app);
        var slot = (await app.SlotsAsync(site: "lorval-hotel-de-ville", from: "2026-12-22", to: "2026-12-22")).First();
        var booked = (await (await app.BookAsync(GuichetApp.Booking(slot))).Content.ReadFromJsonAsync<ApiCreated>(GuichetApp.Json))!;
        var contactPage = await OpenContactPageAsync(browser, "montclair-mairie", "2026-12-22");
        string[] urls =
        [
            "/",
            "/rendez-vous",
            "/rendez-vous/creneaux?reason=CNI&persons=1&pre=0",
            "/rendez-vous/creneaux?reason=CNI-PASSPORT&persons=6&pre=1",
            contactPage.Url,
            new Uri(booked.ManageUrl).PathAndQuery,
            "/connexion",
            "/acces-refuse",
            "/rendez-vous/creneaux?reason=PERMIS",
            "/cette-page-n-existe-pas",
        ];

        foreach (var url in urls)
        {
            var page = await browser.GetAsync(url);
            Assert.True(page.Status is HttpStatusCode.OK or HttpStatusCode.BadRequest or HttpStatusCode.Forbidden or HttpStatusCode.NotFound, $"{url}: {page.Status}");
            Assert.Equal("text/html", page.Response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("utf-8", page.Response.Content.Headers.ContentType?.CharSet);
            Assert.Matches("^\\s*<!DOCTYPE html>\\s*<html lang=\"fr\">", page.Html);
            Assert.Equal("fr", page.Document.DocumentElement.GetAttribute("lang"));
            Assert.False(string.IsNullOrWhiteSpace(page.Title), $"{url} has no title");
            Assert.EndsWith("– Guichet", page.Title);
            Assert.Single(page.Document.QuerySelectorAll("h1"));
            Assert.True(Answers.LooksFrench(page.Text), $"{url}: {page.Text}");
            Assert.True(page.Bytes < 100 * 1024, $"{url} weighs {page.Bytes} bytes");
        }
    }

    private static async Task<WebPage> OpenContactPageAsync(Browser browser, string site, string day)
    {
        var slots = await browser.GetAsync($"/rendez-vous/creneaux?reason=CNI&persons=1&pre=0&site={site}&from={day}");
        Assert.Equal(HttpStatusCode.OK, slots.Status);
        var contact = await browser.GetAsync(slots.Links("ul.slots a").First().GetAttribute("href")!);
        Assert.Equal(HttpStatusCode.OK, contact.Status);
        return contact;
    }
}

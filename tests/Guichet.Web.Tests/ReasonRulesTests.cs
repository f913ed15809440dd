using System.Net;
using System.Net.Http.Json;
using Guichet.Web.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Tests;

/// <summary>
/// Booking rules per reason, set by the administrator on /admin/motifs: the earliest and latest booking delays (in
/// working days, French holidays skipped) and the urgent reserve, held from citizens, booked by an agent with a
/// justification, released a set number of hours before. Saint-Aubin opens Monday, Wednesday and Friday.
/// Every test puts the rules back as they were.
/// </summary>
public sealed class ReasonRulesTests(GuichetApp app) : IClassFixture<GuichetApp>
{
    private const string SaintAubin = "saint-aubin-mairie";

    private async Task<Browser> SignedInAsync(string email)
    {
        var browser = new Browser(app);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync(email)).Status);
        return browser;
    }

    private static async Task<WebPage> SetRulesAsync(Browser admin, string code, int earliest = 0, int latest = 366, int percent = 0, int hours = 24)
    {
        var page = await admin.GetAsync($"/admin/motifs?motif={code}");
        Assert.True(page.Status == HttpStatusCode.OK, $"{page.Status} {page.Location} {page.Text[..Math.Min(400, page.Text.Length)]}");
        return await admin.SubmitAsync(page, values: new Dictionary<string, string?>
        {
            ["earliest"] = earliest.ToString(), ["latest"] = latest.ToString(),
            ["urgentPercent"] = percent.ToString(), ["urgentReleaseHours"] = hours.ToString(),
        });
    }

    private async Task<List<DateTimeOffset>> StartsAsync(string from, string to) =>
        (await app.SlotsAsync(site: SaintAubin, from: from, to: to)).Select(s => s.Start).ToList();

    private static DateTimeOffset Paris(string local) => DateTimeOffset.Parse(local + "+01:00");

    [Fact]
    public async Task A_slot_within_the_earliest_delay_or_past_the_latest_is_neither_offered_nor_bookable_across_a_holiday()
    {
        // Thursday 24 December 2026, 8 a.m.: Christmas Friday and the weekend do not count.
        app.Clock.Set(new DateTimeOffset(2026, 12, 24, 7, 0, 0, TimeSpan.Zero));
        try
        {
            // Signed in at the moved clock: a session opened on 30 November would have expired by now.
            using var admin = await SignedInAsync("admin@saint-aubin.demo");
            var before = await StartsAsync("2026-12-24", "2027-01-08");
            Assert.Contains(before, s => s.Day == 28);   // Monday 28 December
            Assert.Contains(before, s => s.Month == 1 && s.Day == 4);

            var saved = await SetRulesAsync(admin, "CNI", earliest: 2, latest: 10);
            Assert.Equal(HttpStatusCode.OK, saved.Status);
            Assert.Contains("Enregistré", saved.Text);
            Assert.Contains("au moins 2 jours ouvrés avant, au plus 10 jours avant", saved.Text);

            // Two working days: Monday 28 (1), Tuesday 29 (2); ten days: until Sunday 3 January. Only Wednesday 30 is left.
            var after = await StartsAsync("2026-12-24", "2027-01-08");
            Assert.NotEmpty(after);
            Assert.All(after, s => Assert.Equal(new DateTime(2026, 12, 30), s.Date));

            var monday = before.First(s => s.Day == 28);
            var early = await app.BookAsync(GuichetApp.Booking(new ApiSlot(SaintAubin, monday, monday.AddMinutes(15))));
            Assert.Equal((HttpStatusCode)422, early.StatusCode);
            var message = Answers.ProblemMessage(await Answers.ProblemAsync(early));
            Assert.Contains("au moins 2 jours ouvrés à l'avance", message);
            Assert.Contains("mardi 29 décembre 2026", message);

            var january = before.First(s => s.Month == 1 && s.Day == 4);
            var late = await app.BookAsync(GuichetApp.Booking(new ApiSlot(SaintAubin, january, january.AddMinutes(15))));
            Assert.Equal((HttpStatusCode)422, late.StatusCode);
            Assert.Contains("au plus 10 jours à l'avance", Answers.ProblemMessage(await Answers.ProblemAsync(late)));

            var inside = await app.BookAsync(GuichetApp.Booking(new ApiSlot(SaintAubin, after[0], after[0].AddMinutes(15))));
            Assert.Equal(HttpStatusCode.Created, inside.StatusCode);
            var created = (await inside.Content.ReadFromJsonAsync<ApiCreated>(GuichetApp.Json))!;
            Assert.Equal(HttpStatusCode.OK, (await app.Client.PostAsync($"/api/v1/appointments/{created.Code}/cancel?token={Uri.EscapeDataString(created.Token)}", null)).StatusCode);
        }
        finally
        {
            app.Clock.Set(GuichetApp.Start);
            using var again = await SignedInAsync("admin@saint-aubin.demo");
            await SetRulesAsync(again, "CNI");
        }
        Assert.Contains(await StartsAsync("2026-12-28", "2026-12-28"), s => s.Day == 28);
    }

    [Fact]
    public async Task The_urgent_reserve_is_held_from_citizens_booked_by_an_agent_with_a_justification_and_released_in_time()
    {
        using var admin = await SignedInAsync("admin@saint-aubin.demo");
        // Wednesday 2 December: 9:00–12:00 and 14:00–17:00, 24 CNI starts; 10 % holds the 10th and the 20th, 11:15 and 15:45.
        var all = await StartsAsync("2026-12-02", "2026-12-02");
        Assert.Equal(24, all.Count);
        var held = Paris("2026-12-02T11:15:00");
        var released = Paris("2026-12-02T15:45:00");
        try
        {
            Assert.Equal(HttpStatusCode.OK, (await SetRulesAsync(admin, "CNI", percent: 10, hours: 24)).Status);
            var offered = await StartsAsync("2026-12-02", "2026-12-02");
            Assert.Equal(22, offered.Count);
            Assert.DoesNotContain(held, offered);
            Assert.DoesNotContain(released, offered);
            // Nor through the territory-wide search, nor by posting the time anyway.
            Assert.DoesNotContain((await app.SlotsAsync(from: "2026-12-02", to: "2026-12-02")), s => s.Site == SaintAubin && s.Start == held);
            var refused = await app.BookAsync(GuichetApp.Booking(new ApiSlot(SaintAubin, held, held.AddMinutes(15))));
            Assert.Equal((HttpStatusCode)422, refused.StatusCode);

            using var agent = await SignedInAsync("accueil@saint-aubin.demo");
            var plain = await agent.GetAsync("/agent/reserver?site=saint-aubin-mairie&reason=CNI&persons=1&channel=Phone&date=2026-12-02");
            Assert.DoesNotContain(plain.Links("ul.slots a"), a => a.GetAttribute("href")!.Contains("2026-12-02T11%3A15"));
            var urgent = await agent.GetAsync("/agent/reserver?site=saint-aubin-mairie&reason=CNI&persons=1&channel=Phone&date=2026-12-02&urgence=1");
            var link = urgent.Links("ul.slots a").Single(a => a.GetAttribute("href")!.Contains("2026-12-02T11%3A15"));
            var form = await agent.GetAsync(link.GetAttribute("href")!);
            Assert.NotNull(form.Document.QuerySelector("textarea#urgentJustification"));

            var missing = await agent.SubmitAsync(form, values: new Dictionary<string, string?> { ["firstName"] = "Aline", ["lastName"] = "Urgence", ["phone"] = "06 12 34 56 78" });
            Assert.Equal((HttpStatusCode)422, missing.Status);
            Assert.Contains("Indiquez la justification de l'urgence", missing.Document.QuerySelector(".errors a[href='#urgentJustification']")!.TextContent);

            var booked = await agent.SubmitAsync(missing, values: new Dictionary<string, string?>
            {
                ["firstName"] = "Aline", ["lastName"] = "Urgence", ["phone"] = "06 12 34 56 78",
                ["urgentJustification"] = "Concours le 10 décembre, convocation vue au guichet",
            });
            Assert.Equal(HttpStatusCode.Redirect, booked.Status);
            var id = booked.Location!.Split('/').Last();
            var stored = await app.WithDbAsync(db => db.Appointments.AsNoTracking().SingleAsync(a => a.Id == id));
            Assert.Equal(("Concours le 10 décembre, convocation vue au guichet", held.UtcDateTime), (stored.UrgentJustification, stored.StartUtc));
            var detail = await agent.FollowAsync(booked);
            Assert.Contains("Réserve d'urgence, justification", detail.Text);
            Assert.Contains("Concours le 10 décembre, convocation vue au guichet", detail.Text);

            // 15:45 is released 24 hours before: Tuesday 1 December at 15:45 Paris, not a minute earlier.
            app.Clock.Set(released.AddHours(-24).AddMinutes(-1));
            Assert.DoesNotContain(released, await StartsAsync("2026-12-02", "2026-12-02"));
            app.Clock.Set(released.AddHours(-24));
            Assert.Contains(released, await StartsAsync("2026-12-02", "2026-12-02"));
            var opened = await app.BookAsync(GuichetApp.Booking(new ApiSlot(SaintAubin, released, released.AddMinutes(15))));
            Assert.Equal(HttpStatusCode.Created, opened.StatusCode);
            Assert.Null(await app.WithDbAsync(db => db.Appointments.Where(a => a.StartUtc == released.UtcDateTime && a.SiteId == SaintAubin)
                .Select(a => a.UrgentJustification).SingleAsync()));
        }
        finally
        {
            app.Clock.Set(GuichetApp.Start);
            using var again = await SignedInAsync("admin@saint-aubin.demo");
            await SetRulesAsync(again, "CNI");
        }
    }

    [Fact]
    public async Task Half_the_starts_held_leaves_every_other_one_to_the_public()
    {
        using var admin = await SignedInAsync("admin@saint-aubin.demo");
        try
        {
            var saved = await SetRulesAsync(admin, "CNI", percent: 50);
            Assert.True(saved.Status == HttpStatusCode.OK && saved.Text.Contains("Enregistré"), $"{saved.Status} {saved.Text[..Math.Min(600, saved.Text.Length)]}");
            var offered = await StartsAsync("2026-12-07", "2026-12-07");
            Assert.Equal(12, offered.Count);   // 24 starts, every other one held
        }
        finally { await SetRulesAsync(admin, "CNI"); }
    }

    [Theory]
    [InlineData("earliest", "-1", "Le délai minimal va de 0 à 60 jours ouvrés.")]
    [InlineData("latest", "abc", "Le délai maximal va de 1 à 366 jours.")]
    [InlineData("urgentPercent", "80", "La réserve d'urgence va de 0 à 50 % des créneaux.")]
    [InlineData("minutesPerPerson", "12", "La durée par personne se compte par tranches de 5 minutes.")]
    [InlineData("maxPersons", "0", "Un rendez-vous accueille de 1 à 20 personnes.")]
    public async Task Wrong_settings_are_refused_in_french_beside_their_field(string field, string value, string message)
    {
        using var admin = await SignedInAsync("admin@saint-aubin.demo");
        var page = await admin.GetAsync("/admin/motifs?motif=PASSPORT");
        var answer = await admin.SubmitAsync(page, values: new Dictionary<string, string?> { [field] = value });
        Assert.Equal((HttpStatusCode)422, answer.Status);
        Assert.Contains(message, answer.Document.QuerySelector($".errors a[href='#{field}']")!.TextContent);
        Assert.NotNull(answer.Document.QuerySelector($"input#{field}[aria-invalid=true]"));
        var reason = await app.WithDbAsync(db => db.Reasons.AsNoTracking().SingleAsync(r => r.Id == "mairie-saint-aubin-passport"));
        Assert.Equal((15, 6, 0, 366, 0), (reason.MinutesPerPerson, reason.MaxPersons, reason.EarliestWorkingDays, reason.LatestDays, reason.UrgentPercent));
    }

    [Fact]
    public async Task An_administrator_sets_the_rules_of_their_own_organisation_only()
    {
        using var lorval = await SignedInAsync("admin@lorval.demo");
        var page = await lorval.GetAsync("/admin/motifs");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("Règles des motifs de Mairie de Lorval", page.Text);
        Assert.DoesNotContain("Saint-Aubin", page.Html);
        try
        {
            var saved = await SetRulesAsync(lorval, "WITHDRAWAL", earliest: 5);
            Assert.Equal(HttpStatusCode.OK, saved.Status);
            var rows = await app.WithDbAsync(db => db.Reasons.AsNoTracking().Where(r => r.Code == "WITHDRAWAL").ToDictionaryAsync(r => r.OrganisationId, r => r.EarliestWorkingDays));
            Assert.Equal(5, rows["mairie-lorval"]);
            Assert.Equal(0, rows["mairie-saint-aubin"]);
            Assert.Equal(0, rows["mairie-montclair"]);
        }
        finally { await SetRulesAsync(lorval, "WITHDRAWAL"); }

        // A code the organisation does not have is not found; agents who are not administrators are refused.
        Assert.Equal(HttpStatusCode.NotFound, (await lorval.GetAsync("/admin/motifs?motif=PERMIS")).Status);
        using var counter = await SignedInAsync("accueil@saint-aubin.demo");
        Assert.Contains("/acces-refuse", (await counter.GetAsync("/admin/motifs")).Location);
        using var partner = await SignedInAsync("mairie@vernay.demo");
        Assert.Contains("/acces-refuse", (await partner.GetAsync("/admin/motifs")).Location);
    }
}

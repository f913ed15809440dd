using System.Net;
using System.Net.Http.Json;
using Guichet.Domain.Scheduling;
using Guichet.Web.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Tests;

/// <summary>
/// Opening hours through the administrator's page at Saint-Aubin (one station, no Saturday opening in the demo):
/// new kinds of rules reach the public slots, the preview shows without saving, removing a rule never strands a
/// booked appointment silently, bad input is refused in French, and another organisation's stations are out of reach.
/// </summary>
public sealed class OpeningRuleTests(GuichetApp app) : IClassFixture<GuichetApp>
{
    private const string SaintAubin = "saint-aubin-mairie";
    private const string Station = "saint-aubin-dr1";

    private async Task<Browser> AdminAsync(string email = "admin@saint-aubin.demo")
    {
        var browser = new Browser(app);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync(email)).Status);
        return browser;
    }

    private static Dictionary<string, string?> Rule(string recurrence, int day, string start, string end, string validFrom,
        string? validUntil = null, string week = "1", string reasons = "CNI") => new()
    {
        ["stationId"] = Station, ["recurrence"] = recurrence, ["day"] = day.ToString(), ["weekOfMonth"] = week,
        ["start"] = start, ["end"] = end, ["validFrom"] = validFrom, ["validUntil"] = validUntil ?? "", ["reasons"] = reasons,
    };

    private static async Task<WebPage> SubmitRuleAsync(Browser admin, Dictionary<string, string?> values, bool preview = false)
    {
        var page = await admin.GetAsync($"/admin/horaires?stationId={Station}");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        var form = page.Form("form#ajouter-plage");
        var fields = new List<KeyValuePair<string, string>> { new("__RequestVerificationToken", form.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!) };
        foreach (var (key, value) in values)
            if (value is not null)
                foreach (var v in key == "reasons" ? value.Split(' ', StringSplitOptions.RemoveEmptyEntries) : [value])
                    fields.Add(new(key, v));
        return await admin.PostAsync("/admin/horaires" + (preview ? "?handler=Preview" : ""), fields);
    }

    private Task<int> RuleCountAsync() => app.WithDbAsync(db => db.OpeningRules.CountAsync(r => r.StationId == Station));

    private async Task<List<string>> StartsAsync(string day) =>
        (await app.SlotsAsync(site: SaintAubin, from: day, to: day)).Select(s => s.Start.ToString("HH:mm")).ToList();

    [Fact]
    public async Task The_first_saturday_of_the_month_opens_those_saturdays_only()
    {
        Assert.Empty(await StartsAsync("2026-12-05"));
        using var admin = await AdminAsync();
        var saved = await SubmitRuleAsync(admin, Rule("MonthlyNth", 6, "09:00", "11:00", "2026-12-01"));
        Assert.Equal(HttpStatusCode.Redirect, saved.Status);
        var page = await admin.FollowAsync(saved);
        Assert.Contains("La plage « Le 1er samedi du mois, depuis le 1 décembre 2026, 9 h – 11 h » est ajoutée", page.Text);
        Assert.Contains("Le 1er samedi du mois", page.Document.QuerySelector("table")!.TextContent);

        Assert.Equal(["09:00", "09:15", "09:30", "09:45", "10:00", "10:15", "10:30", "10:45"], await StartsAsync("2026-12-05"));
        Assert.Empty(await StartsAsync("2026-12-12"));
        Assert.Empty(await StartsAsync("2026-12-26"));
        Assert.NotEmpty(await StartsAsync("2027-01-02"));
        // Only the reasons the rule accepts.
        Assert.Empty((await app.SlotsAsync("PASSPORT", site: SaintAubin, from: "2026-12-05", to: "2026-12-05")));
    }

    [Fact]
    public async Task A_single_date_and_every_other_week_reach_the_public_slots()
    {
        using var admin = await AdminAsync();
        // An exceptional Sunday opening, then every other Tuesday evening from the week of 14 December.
        Assert.Equal(HttpStatusCode.Redirect, (await SubmitRuleAsync(admin, Rule("Once", 0, "10:00", "10:30", "2027-01-10"))).Status);
        Assert.Equal(HttpStatusCode.Redirect, (await SubmitRuleAsync(admin, Rule("EveryOtherWeek", 2, "18:00", "18:30", "2026-12-14"))).Status);

        Assert.Equal(["10:00", "10:15"], await StartsAsync("2027-01-10"));
        Assert.Empty(await StartsAsync("2027-01-17"));
        Assert.Contains("18:00", await StartsAsync("2026-12-15"));
        Assert.DoesNotContain("18:00", await StartsAsync("2026-12-22"));
        Assert.Contains("18:00", await StartsAsync("2026-12-29"));
    }

    [Fact]
    public async Task The_preview_shows_the_days_a_rule_changes_without_saving_it()
    {
        using var admin = await AdminAsync();
        var count = await RuleCountAsync();
        var preview = await SubmitRuleAsync(admin, Rule("Weekly", 4, "17:30", "19:00", "2026-12-01"), preview: true);
        Assert.Equal(HttpStatusCode.OK, preview.Status);
        Assert.Contains("Aperçu avec la nouvelle plage (pas encore enregistrée)", preview.Text);
        var changed = preview.Document.QuerySelectorAll("table.preview tr.changed").Select(r => r.TextContent).ToList();
        Assert.Equal(4, changed.Count);   // the four Thursdays of the coming four weeks
        Assert.All(changed, row => Assert.Contains("jeudi", row));
        Assert.Contains("17 h 30 – 19 h (CNI)", changed[0]);
        // The form keeps what was typed, so the next click saves it.
        Assert.Equal("17:30", preview.Form("form#ajouter-plage").QuerySelector("#start")!.GetAttribute("value"));
        Assert.Equal(count, await RuleCountAsync());
        Assert.DoesNotContain("17:30", await StartsAsync("2026-12-03"));

        // Holidays are shown as such in the preview: Christmas falls on a Friday.
        var page = await admin.GetAsync($"/admin/horaires?stationId={Station}");
        var christmas = page.Document.QuerySelectorAll("table.preview tbody tr").Single(r => r.TextContent.Contains("vendredi 25 décembre 2026"));
        Assert.Contains("férié (Noël)", christmas.TextContent);
    }

    [Fact]
    public async Task Removing_a_rule_first_lists_the_booked_appointments_it_would_leave_outside_the_hours()
    {
        using var admin = await AdminAsync();
        Assert.Equal(HttpStatusCode.Redirect, (await SubmitRuleAsync(admin, Rule("Once", 0, "14:00", "15:00", "2027-01-24"))).Status);
        var slot = (await app.SlotsAsync(site: SaintAubin, from: "2027-01-24", to: "2027-01-24"))[0];
        var booked = await (await app.BookAsync(GuichetApp.Booking(slot))).Content.ReadFromJsonAsync<ApiCreated>(GuichetApp.Json);
        var ruleId = await app.WithDbAsync(db => db.OpeningRules.Where(r => r.StationId == Station && r.Recurrence == RuleRecurrence.Once && r.ValidFrom == new DateOnly(2027, 1, 24)).Select(r => r.Id).SingleAsync());
        var token = await admin.AntiforgeryTokenAsync($"/admin/horaires?stationId={Station}");

        var asked = await admin.PostAsync("/admin/horaires?handler=Delete", [new("__RequestVerificationToken", token), new("ruleId", ruleId)]);
        Assert.Equal(HttpStatusCode.Conflict, asked.Status);
        Assert.Contains("Supprimer cette plage laisserait 1 rendez-vous hors des horaires", asked.Text);
        Assert.Contains(booked!.Code, asked.Text);
        Assert.Equal(1, await app.WithDbAsync(db => db.OpeningRules.CountAsync(r => r.Id == ruleId)));

        var confirmed = await admin.SubmitAsync(asked, "div.errors form[action*='handler=Delete']", new Dictionary<string, string?> { ["confirm"] = "true" });
        Assert.Equal(HttpStatusCode.Redirect, confirmed.Status);
        Assert.Contains($"restent en dehors des horaires : {booked.Code}", (await admin.FollowAsync(confirmed)).Text);
        Assert.Equal(0, await app.WithDbAsync(db => db.OpeningRules.CountAsync(r => r.Id == ruleId)));
        // The appointment itself is untouched: an agent decides what to do with it.
        Assert.Equal("Booked", await app.WithDbAsync(db => db.Appointments.Where(a => a.Id == booked.Id).Select(a => a.Status.ToString()).SingleAsync()));
    }

    [Fact]
    public async Task A_rule_nobody_depends_on_goes_at_once()
    {
        using var admin = await AdminAsync();
        Assert.Equal(HttpStatusCode.Redirect, (await SubmitRuleAsync(admin, Rule("Once", 0, "08:00", "08:30", "2027-02-07"))).Status);
        var ruleId = await app.WithDbAsync(db => db.OpeningRules.Where(r => r.ValidFrom == new DateOnly(2027, 2, 7)).Select(r => r.Id).SingleAsync());
        var token = await admin.AntiforgeryTokenAsync($"/admin/horaires?stationId={Station}");
        var removed = await admin.PostAsync("/admin/horaires?handler=Delete", [new("__RequestVerificationToken", token), new("ruleId", ruleId)]);
        Assert.Equal(HttpStatusCode.Redirect, removed.Status);
        Assert.Contains("Aucun rendez-vous réservé n'en dépendait", (await admin.FollowAsync(removed)).Text);
        Assert.Empty(await StartsAsync("2027-02-07"));
    }

    public static TheoryData<Dictionary<string, string?>, string, string> BadRules => new()
    {
        { Rule("Weekly", 6, "12:00", "09:00", "2026-12-01"), "end", "L'heure de fin doit venir après l'heure de début." },
        { Rule("Weekly", 6, "09:00", "09:05", "2026-12-01"), "end", "10 minutes au moins" },
        { Rule("Weekly", 6, "", "12:00", "2026-12-01"), "start", "Indiquez l'heure de début" },
        { Rule("Weekly", 6, "9h", "12:00", "2026-12-01"), "start", "Indiquez l'heure de début" },
        { Rule("Weekly", 6, "09:00", "25:00", "2026-12-01"), "end", "Indiquez l'heure de fin" },
        { Rule("Weekly", 6, "09:00", "12:00", ""), "validFrom", "Indiquez la date de début de validité." },
        { Rule("Weekly", 6, "09:00", "12:00", "01/12/2026"), "validFrom", "Cette date n'est pas valide" },
        { Rule("Weekly", 6, "09:00", "12:00", "2026-12-01", "2026-11-01"), "validUntil", "La fin de validité doit venir après son début." },
        { Rule("Weekly", 9, "09:00", "12:00", "2026-12-01"), "day", "Choisissez le jour de la semaine." },
        { Rule("Daily", 6, "09:00", "12:00", "2026-12-01"), "recurrence", "Choisissez comment la plage se répète." },
        { Rule("2", 6, "09:00", "12:00", "2026-12-01"), "recurrence", "Choisissez comment la plage se répète." },
        { Rule("MonthlyNth", 6, "09:00", "12:00", "2026-12-01", week: "5"), "weekOfMonth", "1re, 2e, 3e, 4e ou dernière" },
        { Rule("Weekly", 6, "09:00", "12:00", "2026-12-01", reasons: ""), "reasons", "Cochez au moins un motif" },
        { Rule("Weekly", 6, "09:00", "12:00", "2026-12-01", reasons: "VISA"), "reasons", "Ce motif n'existe pas dans votre collectivité." },
    };

    [Theory]
    [MemberData(nameof(BadRules))]
    public async Task Bad_rules_are_refused_in_french_on_their_field_and_nothing_is_saved(Dictionary<string, string?> values, string field, string expected)
    {
        using var admin = await AdminAsync();
        var count = await RuleCountAsync();
        foreach (var preview in new[] { false, true })
        {
            var answer = await SubmitRuleAsync(admin, values, preview);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, answer.Status);
            var link = answer.Document.QuerySelector($".errors a[href='#{field}']");
            Assert.True(link is not null, $"No error on #{field}: {answer.Text}");
            Assert.Contains(expected, link!.TextContent);
        }
        Assert.Equal(count, await RuleCountAsync());
    }

    [Fact]
    public async Task Another_organisations_stations_and_rules_are_out_of_reach()
    {
        using var admin = await AdminAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/admin/horaires?stationId=lorval-dr1")).Status);
        var lorvalRule = await app.WithDbAsync(db => db.OpeningRules.Where(r => r.StationId == "lorval-dr1").Select(r => r.Id).FirstAsync());
        var token = await admin.AntiforgeryTokenAsync($"/admin/horaires?stationId={Station}");
        var delete = await admin.PostAsync("/admin/horaires?handler=Delete", [new("__RequestVerificationToken", token), new("ruleId", lorvalRule), new("confirm", "true")]);
        Assert.Equal(HttpStatusCode.NotFound, delete.Status);
        Assert.Equal(1, await app.WithDbAsync(db => db.OpeningRules.CountAsync(r => r.Id == lorvalRule)));

        var add = Rule("Weekly", 6, "09:00", "12:00", "2026-12-01");
        add["stationId"] = "lorval-dr1";
        var lorvalCount = await app.WithDbAsync(db => db.OpeningRules.CountAsync(r => r.StationId == "lorval-dr1"));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsync("/admin/horaires", [new("__RequestVerificationToken", token), .. add.Select(kv => new KeyValuePair<string, string>(kv.Key, kv.Value ?? ""))])).Status);
        Assert.Equal(lorvalCount, await app.WithDbAsync(db => db.OpeningRules.CountAsync(r => r.StationId == "lorval-dr1")));

        // The page lists only its own stations; counter agents have no access.
        var own = await admin.GetAsync("/admin/horaires");
        Assert.DoesNotContain("lorval-dr1", own.Html);
        using var counter = new Browser(app);
        await counter.SignInAsync("accueil@saint-aubin.demo");
        Assert.NotEqual(HttpStatusCode.OK, (await counter.GetAsync("/admin/horaires")).Status);
    }
}

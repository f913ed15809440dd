using System.Net;
using System.Net.Http.Json;
using System.Text;
using AngleSharp.Html.Dom;
using Guichet.Web.Data;
using Guichet.Web.Features.Closures;
using Guichet.Web.Features.Notifications;
using Guichet.Web.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Tests;

/// <summary>
/// Closures through the administrator's pages: they take slots out of the public search and of booking, never strand
/// a booked appointment silently, import from .ics, refuse bad input in French, and stay inside their organisation.
/// Each test uses its own days at Lorval, so they share one app.
/// </summary>
public sealed class ClosureTests(GuichetApp app) : IClassFixture<GuichetApp>
{
    private const string Lorval = "lorval-hotel-de-ville";
    private const string LorvalAdmin = "admin@lorval.demo";

    private async Task<Browser> AdminAsync(string email = LorvalAdmin)
    {
        var browser = new Browser(app);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync(email)).Status);
        return browser;
    }

    private static Dictionary<string, string?> Form(string startDate, string? endDate = null, string? startTime = null, string? endTime = null,
        string station = "", string kind = "Closure", string reason = "Pont", string? agent = null, string site = Lorval) => new()
    {
        ["siteId"] = site, ["stationId"] = station, ["kind"] = kind, ["startDate"] = startDate, ["endDate"] = endDate ?? startDate,
        ["startTime"] = startTime ?? "", ["endTime"] = endTime ?? "", ["reason"] = reason, ["agentId"] = agent ?? "",
    };

    private static async Task<WebPage> AddAsync(Browser browser, Dictionary<string, string?> values)
    {
        var page = await browser.GetAsync("/admin/fermetures");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        return await browser.SubmitAsync(page, "form#ajouter-fermeture", values);
    }

    private Task<int> ClosureCountAsync() => app.WithDbAsync(db => db.Set<Closure>().CountAsync());

    [Fact]
    public async Task A_site_closure_takes_the_day_out_of_the_public_slots_and_of_booking()
    {
        var before = await app.SlotsAsync(site: Lorval, from: "2026-12-08", to: "2026-12-08");
        Assert.NotEmpty(before);
        using var admin = await AdminAsync();

        var saved = await AddAsync(admin, Form("2026-12-08", reason: "Inventaire des archives"));
        Assert.Equal(HttpStatusCode.Redirect, saved.Status);
        var detail = await admin.FollowAsync(saved);
        Assert.Contains("La fermeture est enregistrée. Aucun rendez-vous réservé n'est touché.", detail.Text);
        Assert.Contains("Fermeture : Inventaire des archives", detail.Text);

        Assert.Empty(await app.SlotsAsync(site: Lorval, from: "2026-12-08", to: "2026-12-08"));
        Assert.NotEmpty(await app.SlotsAsync(site: Lorval, from: "2026-12-07", to: "2026-12-07"));
        Assert.NotEmpty(await app.SlotsAsync(site: Lorval, from: "2026-12-09", to: "2026-12-09"));
        // A slot seen before the closure can no longer be booked: it is not offered any more, so it is refused, not "taken".
        var booked = await app.CountBookedAsync();
        var answer = await app.BookAsync(GuichetApp.Booking(before[0]));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, answer.StatusCode);
        Assert.Contains("n'est pas proposé", await answer.Content.ReadAsStringAsync());
        Assert.Equal(booked, await app.CountBookedAsync());

        // The closure is listed; deleting it offers the day again.
        var list = await admin.GetAsync("/admin/fermetures");
        Assert.Contains("Inventaire des archives", list.Text);
        var deleted = await admin.SubmitAsync(detail, "form[action*='handler=Delete']", new Dictionary<string, string?>());
        Assert.Equal("/admin/fermetures", deleted.Location);
        Assert.Contains("La fermeture est supprimée", (await admin.FollowAsync(deleted)).Text);
        Assert.Equal(before.Select(s => s.Start), (await app.SlotsAsync(site: Lorval, from: "2026-12-08", to: "2026-12-08")).Select(s => s.Start));
    }

    [Fact]
    public async Task A_station_closure_for_a_morning_leaves_the_other_station_and_the_afternoon_open()
    {
        using var admin = await AdminAsync();
        // Tuesday 15 December: station 1 opens at 8:30 and again at 13:30, station 2 at 9:00 and 14:00.
        var saved = await AddAsync(admin, Form("2026-12-15", startTime: "08:00", endTime: "12:00", station: "lorval-dr1", kind: "OutOfOrder", reason: "Maintenance du dispositif"));
        Assert.Equal(HttpStatusCode.Redirect, saved.Status);

        var slots = await app.SlotsAsync(site: Lorval, from: "2026-12-15", to: "2026-12-15");
        var local = slots.Select(s => s.Start.ToString("HH:mm")).ToList();
        Assert.DoesNotContain("08:30", local);     // only station 1 offers it in the morning
        Assert.Contains("09:00", local);           // station 2
        Assert.Contains("13:30", local);           // station 1 again, in the afternoon
        var rows = await app.WithDbAsync(db => db.Set<Closure>().Where(c => c.Reason == "Maintenance du dispositif").ToListAsync());
        var closure = Assert.Single(rows);
        Assert.Equal(("lorval-dr1", ClosureKind.OutOfOrder, ClosureSource.Manual, "agent-admin-lorval-demo"),
            (closure.StationId, closure.Kind, closure.Source, closure.CreatedByAgentId));
        Assert.Equal(new DateTime(2026, 12, 15, 7, 0, 0, DateTimeKind.Utc), closure.StartUtc);
        Assert.Equal(new DateTime(2026, 12, 15, 11, 0, 0, DateTimeKind.Utc), closure.EndUtc);
    }

    [Fact]
    public async Task Appointments_booked_inside_a_new_closure_are_listed_and_cancelled_by_the_town_hall_with_the_citizen_told()
    {
        var slots = await app.SlotsAsync(site: Lorval, from: "2026-12-10", to: "2026-12-10");
        var first = await (await app.BookAsync(GuichetApp.Booking(slots[0], lastName: "Lefèvre"))).Content.ReadFromJsonAsync<ApiCreated>(GuichetApp.Json);
        var second = await (await app.BookAsync(GuichetApp.Booking(slots[^1], lastName: "Bonnet", email: null, phone: "06 12 34 56 78"))).Content.ReadFromJsonAsync<ApiCreated>(GuichetApp.Json);
        var third = await (await app.BookAsync(GuichetApp.Booking(slots[3], lastName: "Roux"))).Content.ReadFromJsonAsync<ApiCreated>(GuichetApp.Json);
        using var admin = await AdminAsync();

        var saved = await AddAsync(admin, Form("2026-12-10", reason: "Élections"));
        var detail = await admin.FollowAsync(saved);
        Assert.Contains("La fermeture est enregistrée. 3 rendez-vous sont réservés pendant cette fermeture", detail.Text);
        foreach (var code in new[] { first!.Code, second!.Code, third!.Code }) Assert.Contains(code, detail.Text);
        Assert.Contains("LEFÈVRE Camille", detail.Text);
        // Booked stays booked until someone decides: nothing is cancelled by the closure itself.
        var ids = new[] { first.Id, second.Id, third.Id };
        Assert.Equal(3, await app.WithDbAsync(db => db.Appointments.CountAsync(a => ids.Contains(a.Id) && a.Status == AppointmentStatus.Booked)));

        var cancelFirst = detail.Document.QuerySelectorAll("form").OfType<IHtmlFormElement>()
            .Single(f => f.QuerySelector($"input[name=appointmentId][value='{first.Id}']") is not null);
        var one = await admin.SubmitAsync(detail, cancelFirst);
        Assert.Equal(HttpStatusCode.Redirect, one.Status);
        var after = await admin.FollowAsync(one);
        Assert.Contains($"Le rendez-vous {first.Code} est annulé", after.Text);
        Assert.DoesNotContain($"({first.Code})", after.Text);

        var all = await admin.SubmitAsync(after, "form[action*='handler=CancelAll']", new Dictionary<string, string?>());
        Assert.Contains("2 rendez-vous annulé(s)", (await admin.FollowAsync(all)).Text);

        var cancelled = await app.WithDbAsync(db => db.Appointments.Where(a => a.Id == first.Id || a.Id == second.Id || a.Id == third.Id).ToListAsync());
        Assert.All(cancelled, a => Assert.Equal((AppointmentStatus.Cancelled, "agent-admin-lorval-demo"), (a.Status, a.CancelledBy)));
        // Those with an e-mail are told, in the outbox written with the cancellation.
        var told = await app.WithDbAsync(db => db.Set<OutboxMessage>().Where(m => m.Kind == MessageKind.Cancellation
            && (m.AppointmentId == first.Id || m.AppointmentId == third.Id)).Select(m => m.Body).ToListAsync());
        Assert.Equal(2, told.Count);
        Assert.All(told, body => Assert.Contains("La mairie a annulé votre rendez-vous.", body));
        // Their minutes are free again, but not offered: the day is closed.
        Assert.Empty(await app.SlotsAsync(site: Lorval, from: "2026-12-10", to: "2026-12-10"));
    }

    [Fact]
    public async Task A_cancel_form_cannot_cancel_an_appointment_outside_its_closure()
    {
        var elsewhere = (await app.SlotsAsync(site: Lorval, from: "2026-12-16", to: "2026-12-16"))[0];
        var outside = await (await app.BookAsync(GuichetApp.Booking(elsewhere))).Content.ReadFromJsonAsync<ApiCreated>(GuichetApp.Json);
        using var admin = await AdminAsync();
        var detail = await admin.FollowAsync(await AddAsync(admin, Form("2026-12-17", reason: "Formation")));
        var token = await admin.AntiforgeryTokenAsync(detail.Url);

        var answer = await admin.PostAsync(detail.Url + "?handler=Cancel", [new("__RequestVerificationToken", token), new("appointmentId", outside!.Id)]);
        Assert.Equal(HttpStatusCode.Conflict, answer.Status);
        Assert.Contains("n'est plus touché par la fermeture", answer.Text);
        Assert.Equal(AppointmentStatus.Booked, await app.WithDbAsync(db => db.Appointments.Where(a => a.Id == outside.Id).Select(a => a.Status).SingleAsync()));
    }

    [Fact]
    public async Task An_ics_calendar_imports_its_closures_once_even_when_imported_again()
    {
        using var admin = await AdminAsync();
        var ics = string.Join("\r\n",
            "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Mairie de Lorval//Fermetures//FR",
            "BEGIN:VEVENT", "UID:pont-2026-12-11@lorval.fr", "SUMMARY:Pont du 11 décembre", "DTSTART;VALUE=DATE:20261211", "DTEND;VALUE=DATE:20261212", "END:VEVENT",
            "BEGIN:VEVENT", "UID:formation-2026-12-14@lorval.fr", "SUMMARY:Formation\\, après-midi", "DTSTART;TZID=Europe/Paris:20261214T133000", "DTEND;TZID=Europe/Paris:20261214T180000", "END:VEVENT",
            "BEGIN:VEVENT", "UID:passe@lorval.fr", "SUMMARY:Passée", "DTSTART;VALUE=DATE:20261101", "END:VEVENT",
            "BEGIN:VEVENT", "UID:repete@lorval.fr", "SUMMARY:Chaque lundi", "DTSTART;VALUE=DATE:20261207", "RRULE:FREQ=WEEKLY", "END:VEVENT",
            "END:VCALENDAR", "");

        var first = await ImportAsync(admin, ics);
        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Contains("Import terminé : 2 ajoutée(s), 0 mise(s) à jour, 1 déjà passée(s) ignorée(s).", first.Text);
        Assert.Contains("« Chaque lundi » (ligne 21) se répète (RRULE)", first.Text);
        Assert.Empty(await app.SlotsAsync(site: Lorval, from: "2026-12-11", to: "2026-12-11"));
        var monday = (await app.SlotsAsync(site: Lorval, from: "2026-12-14", to: "2026-12-14")).Select(s => s.Start.ToString("HH:mm")).ToList();
        Assert.Contains("11:45", monday);
        Assert.DoesNotContain(monday, t => string.CompareOrdinal(t, "13:30") >= 0);

        var again = await ImportAsync(admin, ics.Replace("Pont du 11 décembre", "Pont du 11 décembre (mairie fermée)"));
        Assert.Contains("Import terminé : 0 ajoutée(s), 2 mise(s) à jour", again.Text);
        var imported = await app.WithDbAsync(db => db.Set<Closure>().Where(c => c.Source == ClosureSource.Import).OrderBy(c => c.StartUtc).ToListAsync());
        Assert.Equal(["Pont du 11 décembre (mairie fermée)", "Formation, après-midi"], imported.Select(c => c.Reason));
        Assert.Equal(new DateTime(2026, 12, 14, 12, 30, 0, DateTimeKind.Utc), imported[1].StartUtc);
    }

    [Theory]
    [InlineData("", "Choisissez un fichier .ics")]
    [InlineData("bonjour, ceci n'est pas un agenda", "n'est pas un calendrier iCalendar")]
    [InlineData("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "ne contient aucun événement")]
    [InlineData("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", "n'a pas de date de début lisible")]
    public async Task A_file_that_is_no_usable_calendar_is_refused_in_french(string content, string expected)
    {
        using var admin = await AdminAsync();
        var count = await ClosureCountAsync();
        var answer = await ImportAsync(admin, content);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, answer.Status);
        Assert.Contains(expected, answer.Text);
        Assert.Equal(count, await ClosureCountAsync());
    }

    [Fact]
    public async Task Binary_and_oversized_files_are_refused_without_an_error_page()
    {
        using var admin = await AdminAsync();
        var binary = await ImportAsync(admin, bytes: [0xFF, 0xFE, 0x00, 0x42, 0xC3, 0x28]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, binary.Status);
        Assert.Contains("texte UTF-8 attendu", binary.Text);
        // A UTF-8 byte-order mark, as Windows tools write it, is fine.
        var withBom = await ImportAsync(admin, bytes: [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:bom@lorval.fr\r\nDTSTART;VALUE=DATE:20270105\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")]);
        Assert.Contains("Import terminé : 1 ajoutée(s)", withBom.Text);
        var huge = await ImportAsync(admin, "BEGIN:VCALENDAR\r\n" + new string('X', RecordClosures.MaxImportBytes + 10));
        Assert.True(huge.Status == HttpStatusCode.UnprocessableEntity, $"{huge.Status}: {huge.Text}");
        Assert.Contains("dépasse 1 Mo", huge.Text);
    }

    public static TheoryData<Dictionary<string, string?>, string, string> BadInput => new()
    {
        { Form("2026-12-21", endDate: "2026-12-20"), "endDate", "La fin de la fermeture doit venir après son début." },
        { Form("2026-12-21", startTime: "11:00", endTime: "10:00"), "endDate", "La fin de la fermeture doit venir après son début." },
        { Form(""), "startDate", "Indiquez la date de début." },
        { Form("21/12/2026"), "startDate", "La date de début n'est pas une date valide" },
        { Form("2026-02-30"), "startDate", "La date de début n'est pas une date valide" },
        { Form("9999-12-21"), "startDate", "La date de début n'est pas une date valide" },
        { Form("2026-12-21", startTime: "25:00"), "startTime", "L'heure de début n'est pas une heure valide" },
        { Form("2026-11-02"), "endDate", "Cette fermeture est déjà passée." },
        { Form("2026-12-21", endDate: "2028-12-21"), "endDate", "Une fermeture dure un an au plus" },
        { Form("2031-12-21"), "startDate", "Une fermeture commence dans les 3 ans qui viennent." },
        { Form("2026-12-21", reason: ""), "reason", "Indiquez la raison de la fermeture" },
        { Form("2026-12-21", reason: new string('x', 201)), "reason", "200 caractères au plus" },
        { Form("2026-12-21", reason: "Pont\u0007"), "reason", "caractères invalides" },
        { Form("2026-12-21", kind: "Holiday"), "kind", "Choisissez le type de fermeture." },
        { Form("2026-12-21", kind: "7"), "kind", "Choisissez le type de fermeture." },
        { Form("2026-12-21", kind: "Absence"), "agentId", "Choisissez l'agent absent." },
        { Form("2026-12-21", kind: "Absence", agent: "agent-accueil-saint-aubin-demo"), "agentId", "Cet agent n'existe pas dans votre collectivité." },
        { Form("2026-12-21", station: "saint-aubin-dr1"), "stationId", "Ce poste n'existe pas dans ce lieu." },
        { Form("2026-12-21", station: "inconnu"), "stationId", "Ce poste n'existe pas dans ce lieu." },
        { Form("2026-12-21", site: "saint-aubin-mairie"), "siteId", "Ce lieu n'existe pas dans votre collectivité." },
        { Form("2026-12-21", site: "<script>alert(1)</script>"), "siteId", "Ce lieu n'existe pas dans votre collectivité." },
        { Form("2026-12-21", site: ""), "siteId", "Choisissez un lieu." },
    };

    [Theory]
    [MemberData(nameof(BadInput))]
    public async Task Bad_closure_input_gets_a_french_message_on_its_field_and_saves_nothing(Dictionary<string, string?> values, string field, string expected)
    {
        using var admin = await AdminAsync();
        var count = await ClosureCountAsync();
        var answer = await AddAsync(admin, values);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, answer.Status);
        var link = answer.Document.QuerySelector($".errors a[href='#{field}']");
        Assert.True(link is not null, $"No error on #{field}: {answer.Text}");
        Assert.Contains(expected, link!.TextContent);
        Assert.Equal(count, await ClosureCountAsync());
    }

    [Fact]
    public async Task An_absence_names_the_agent_away()
    {
        using var admin = await AdminAsync();
        var saved = await AddAsync(admin, Form("2026-12-18", kind: "Absence", station: "lorval-dr2", agent: "agent-accueil-lorval-demo", reason: "Congé"));
        var detail = await admin.FollowAsync(saved);
        Assert.Contains("Absence d'un agent : Camille Morvan (accueil)", detail.Text);
        Assert.Contains("Poste 2 (bureau de l'état civil)", detail.Text);
    }

    [Fact]
    public async Task Another_organisations_administrator_neither_sees_nor_touches_a_closure()
    {
        using var lorval = await AdminAsync();
        var saved = await AddAsync(lorval, Form("2026-12-22", reason: "Réunion de service Lorval"));
        var url = saved.Location!;
        var detail = await lorval.FollowAsync(saved);

        using var other = await AdminAsync("admin@saint-aubin.demo");
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync(url)).Status);
        var list = await other.GetAsync("/admin/fermetures");
        Assert.Equal(HttpStatusCode.OK, list.Status);
        Assert.DoesNotContain("Réunion de service Lorval", list.Text);
        Assert.DoesNotContain("Hôtel de ville de Lorval", list.Html);
        var token = await other.AntiforgeryTokenAsync("/admin/fermetures");
        foreach (var handler in new[] { "Delete", "CancelAll", "Cancel" })
            Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsync($"{url}?handler={handler}", [new("__RequestVerificationToken", token)])).Status);
        Assert.Equal(1, await app.WithDbAsync(db => db.Set<Closure>().CountAsync(c => c.Reason == "Réunion de service Lorval")));

        // Counter agents and partner town halls have no access at all.
        foreach (var email in new[] { "accueil@lorval.demo", "mairie@vernay.demo" })
        {
            using var agent = new Browser(app);
            await agent.SignInAsync(email);
            var denied = await agent.GetAsync(url);
            Assert.True(denied.Status is HttpStatusCode.Redirect or HttpStatusCode.Forbidden, $"{email}: {denied.Status}");
            Assert.DoesNotContain("Réunion de service Lorval", denied.Html);
        }
        Assert.Contains("Réunion de service Lorval", detail.Text);
    }

    private static async Task<WebPage> ImportAsync(Browser admin, string? text = null, byte[]? bytes = null)
    {
        var token = await admin.AntiforgeryTokenAsync("/admin/fermetures");
        using var content = new MultipartFormDataContent
        {
            { new StringContent(token), "__RequestVerificationToken" },
            { new StringContent(Lorval), "importSiteId" },
            { new StringContent(""), "importStationId" },
        };
        var payload = bytes ?? Encoding.UTF8.GetBytes(text ?? "");
        if (payload.Length > 0)
        {
            var file = new ByteArrayContent(payload);
            file.Headers.ContentType = new("text/calendar");
            content.Add(file, "file", "fermetures.ics");
        }
        return await WebPage.ReadAsync("/admin/fermetures", await admin.Http.PostAsync("/admin/fermetures?handler=Import", content));
    }
}

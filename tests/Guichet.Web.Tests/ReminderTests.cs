using System.Net;
using System.Net.Http.Json;
using Guichet.Web.Features.Notifications;
using Guichet.Web.Platform;
using Guichet.Web.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Tests;

/// <summary>
/// Reminders through the front door: booked over the API, planned in the outbox, sent by the dispatcher over real SMTP
/// when the fake clock reaches their time. Each test sets the clock first; tests of one class run one after the other.
/// </summary>
public sealed class ReminderTests(MailApp app) : IClassFixture<MailApp>
{
    private static DateTime Utc(int month, int day, int hour, int minute = 0) => new(2026, month, day, hour, minute, 0, DateTimeKind.Utc);

    private List<ReceivedMail> RemindersAbout(string code) =>
        app.MailsAbout(code).Where(m => m.Parsed.DecodedHeader("Subject").StartsWith("Rappel", StringComparison.Ordinal)).ToList();

    private async Task<ApiCreated> BookFirstAsync(string site, string day, string email = "camille.martin@exemple.fr")
    {
        var slot = (await app.SlotsAsync(site: site, from: day, to: day)).First();
        var answer = await app.BookAsync(GuichetApp.Booking(slot, email: email));
        Assert.Equal(HttpStatusCode.Created, answer.StatusCode);
        return (await answer.Content.ReadFromJsonAsync<ApiCreated>(GuichetApp.Json))!;
    }

    private async Task<OutboxMessage?> ReminderOfAsync(string appointmentId) =>
        (await app.OutboxAsync(appointmentId, withReminders: true)).SingleOrDefault(m => m.Kind == MessageKind.Reminder);

    [Fact]
    public async Task A_reminder_is_written_with_the_booking_and_sent_at_its_time_never_before()
    {
        app.Clock.Set(GuichetApp.Start);   // Monday 30 November, 07:00 in Paris
        // Thursday 3 December at 08:30: 48 hours before is Tuesday 08:30, before the window → Monday 19:00 (18:00 UTC).
        var created = await BookFirstAsync("lorval-hotel-de-ville", "2026-12-03");
        Assert.Equal(new TimeSpan(8, 30, 0), created.Start.TimeOfDay);

        var reminder = await ReminderOfAsync(created.Id);
        Assert.NotNull(reminder);
        Assert.Equal((MessageStatus.Pending, MessageChannel.Email), (reminder.Status, reminder.Channel));
        Assert.Equal(Utc(11, 30, 18), reminder.ScheduledUtc);
        Assert.Equal(Utc(11, 30, 18), reminder.NextAttemptUtc);
        Assert.Equal($"{created.Id}:Reminder:20261130T180000.0000000Z", reminder.IdempotencyKey);

        await app.Dispatcher.RunOnceAsync(CancellationToken.None);
        Assert.Single(app.MailsAbout(created.Code));   // the confirmation only
        app.Clock.Set(new DateTimeOffset(2026, 11, 30, 17, 59, 59, TimeSpan.Zero));
        await app.Dispatcher.RunOnceAsync(CancellationToken.None);
        Assert.Empty(RemindersAbout(created.Code));
        Assert.Equal(MessageStatus.Pending, (await ReminderOfAsync(created.Id))!.Status);

        app.Clock.Set(new DateTimeOffset(Utc(11, 30, 18)));
        await app.Dispatcher.RunOnceAsync(CancellationToken.None);
        var mail = Assert.Single(RemindersAbout(created.Code)).Parsed;
        Assert.Equal($"Rappel : votre rendez-vous du {FrenchDates.DayAndTime(created.Start.DateTime)}", mail.DecodedHeader("Subject"));
        Assert.Equal("Rappel : votre rendez-vous du jeudi 3 décembre 2026 à 8 h 30", mail.DecodedHeader("Subject"));
        var text = mail.Find("text/plain")!.Text;
        Assert.True(Answers.LooksFrench(text), text);
        Assert.Contains("Nous vous rappelons votre rendez-vous", text);
        Assert.Contains($"{MailApp.BaseUrl}/rendez-vous/{created.Code}?token={Uri.EscapeDataString(created.Token)}", text);
        Assert.Contains("Hôtel de ville de Lorval", text);
        Assert.Equal(reminder.ProviderReference, mail.Header("Message-ID"));
        Assert.Equal(MessageStatus.Sent, (await ReminderOfAsync(created.Id))!.Status);

        app.Clock.Advance(TimeSpan.FromHours(3));
        await app.Dispatcher.RunOnceAsync(CancellationToken.None);
        Assert.Single(RemindersAbout(created.Code));
    }

    [Fact]
    public async Task An_appointment_booked_less_than_48_hours_ahead_gets_its_confirmation_and_no_reminder()
    {
        app.Clock.Set(GuichetApp.Start);
        var created = await BookFirstAsync("lorval-hotel-de-ville", "2026-12-01");   // Tuesday morning: about 26 hours ahead
        var outbox = await app.OutboxAsync(created.Id, withReminders: true);
        Assert.Equal([MessageKind.Confirmation], outbox.Select(m => m.Kind));
    }

    [Fact]
    public async Task Cancelling_drops_the_pending_reminder_and_it_is_never_sent()
    {
        app.Clock.Set(GuichetApp.Start);
        var created = await BookFirstAsync("saint-aubin-mairie", "2026-12-09");
        Assert.Equal(MessageStatus.Pending, (await ReminderOfAsync(created.Id))!.Status);

        var cancel = await app.Client.PostAsync($"/api/v1/appointments/{created.Code}/cancel?token={Uri.EscapeDataString(created.Token)}", null);
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        var dropped = (await ReminderOfAsync(created.Id))!;
        Assert.Equal(MessageStatus.Dropped, dropped.Status);
        Assert.Equal(AppointmentReminders.DroppedCancelled, dropped.LastError);

        app.Clock.Set(new DateTimeOffset(dropped.ScheduledUtc.AddMinutes(1)));
        await app.Dispatcher.RunOnceAsync(CancellationToken.None);
        Assert.Empty(RemindersAbout(created.Code));
        Assert.Equal(MessageStatus.Dropped, (await ReminderOfAsync(created.Id))!.Status);
    }

    [Fact]
    public async Task After_an_smtp_outage_that_outlasts_the_appointment_s_start_the_reminder_is_dropped_not_sent_late()
    {
        app.Clock.Set(GuichetApp.Start);
        var created = await BookFirstAsync("montclair-mairie", "2026-12-05");   // Saturday 09:00 → Thursday 09:00
        await app.Dispatcher.RunOnceAsync(CancellationToken.None);
        var reminder = (await ReminderOfAsync(created.Id))!;
        await app.Sink.StopAsync();
        try
        {
            app.Clock.Set(new DateTimeOffset(reminder.ScheduledUtc));
            await app.Dispatcher.RunOnceAsync(CancellationToken.None);
            var waiting = (await ReminderOfAsync(created.Id))!;
            Assert.Equal((MessageStatus.Pending, 1), (waiting.Status, waiting.Attempts));
            // The server stays down past the appointment's start.
            app.Clock.Set(created.Start.AddMinutes(1));
        }
        finally
        {
            app.Sink.Restart();
        }
        await app.Dispatcher.RunOnceAsync(CancellationToken.None);
        Assert.Empty(RemindersAbout(created.Code));
        var dropped = (await ReminderOfAsync(created.Id))!;
        Assert.Equal(MessageStatus.Dropped, dropped.Status);
        Assert.Equal(AppointmentReminders.DroppedStarted, dropped.LastError);
    }

    [Fact]
    public async Task An_overseas_site_s_reminder_follows_its_own_time_zone_and_is_moved_to_its_evening()
    {
        app.Clock.Set(GuichetApp.Start);
        await app.WithDbAsync(db => db.Sites.Where(s => s.Id == "lorval-hotel-de-ville")
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.TimeZone, "America/Cayenne")));
        try
        {
            // Friday 4 December 08:30 in Cayenne (11:30 UTC): 48 hours before is Wednesday 08:30 there → Tuesday 19:00
            // in Cayenne, 22:00 UTC (in Paris it would be 23:00, at night: the site's zone is what counts).
            var created = await BookFirstAsync("lorval-hotel-de-ville", "2026-12-04");
            Assert.Equal(Utc(12, 4, 11, 30), created.Start.UtcDateTime);
            Assert.Equal(TimeSpan.FromHours(-3), created.Start.Offset);
            Assert.Equal(Utc(12, 1, 22), (await ReminderOfAsync(created.Id))!.ScheduledUtc);
        }
        finally
        {
            await app.WithDbAsync(db => db.Sites.Where(s => s.Id == "lorval-hotel-de-ville")
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.TimeZone, "Europe/Paris")));
        }
    }

    [Fact]
    public async Task The_administrator_sets_the_organisation_s_delay_which_applies_to_its_bookings_only()
    {
        app.Clock.Set(GuichetApp.Start);
        using var agent = new Browser(app);
        Assert.Equal(HttpStatusCode.Redirect, (await agent.SignInAsync("accueil@lorval.demo")).Status);
        var refused = await agent.GetAsync("/admin/rappels");   // not an administrator
        Assert.StartsWith("/acces-refuse", new Uri(new Uri("http://localhost"), refused.Location!).PathAndQuery);

        using var admin = new Browser(app);
        Assert.Equal(HttpStatusCode.Redirect, (await admin.SignInAsync("admin@lorval.demo")).Status);
        var page = await admin.GetAsync("/admin/rappels");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Equal("48", page.Document.QuerySelector("input#reminderHours")!.GetAttribute("value"));

        var wrong = await admin.SubmitAsync(page, values: new Dictionary<string, string?> { ["reminderHours"] = "deux jours" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, wrong.Status);
        Assert.Contains("nombre d'heures", wrong.Text);
        var tooLong = await admin.SubmitAsync(page, values: new Dictionary<string, string?> { ["reminderHours"] = "500" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, tooLong.Status);
        foreach (var hostile in new[] { "-1", "1e3", "48.5", "４８", "", "99999999999999999999", "<script>" })
            Assert.Equal(HttpStatusCode.UnprocessableEntity, (await admin.SubmitAsync(page, values: new Dictionary<string, string?> { ["reminderHours"] = hostile })).Status);
        var saved = await admin.SubmitAsync(page, values: new Dictionary<string, string?> { ["reminderHours"] = "24", ["organisationId"] = "mairie-saint-aubin" });
        Assert.Equal(HttpStatusCode.OK, saved.Status);
        Assert.Contains("24 heures", saved.Text);
        try
        {
            // Lorval, Thursday 10 December at 10:00: 24 hours before is Wednesday 10:00, inside the window.
            var slots = await app.SlotsAsync(site: "lorval-hotel-de-ville", from: "2026-12-10", to: "2026-12-10");
            var ten = slots.First(s => s.Start.TimeOfDay == new TimeSpan(10, 0, 0));
            var answer = await app.BookAsync(GuichetApp.Booking(ten));
            var lorval = (await answer.Content.ReadFromJsonAsync<ApiCreated>(GuichetApp.Json))!;
            Assert.Equal(Utc(12, 9, 9), (await ReminderOfAsync(lorval.Id))!.ScheduledUtc);   // Wednesday 10:00 in Paris

            // Saint-Aubin keeps its 48 hours: the tampered field did nothing.
            var other = (await app.SlotsAsync(site: "saint-aubin-mairie", from: "2026-12-11", to: "2026-12-11")).First(s => s.Start.TimeOfDay == new TimeSpan(10, 0, 0));
            var answer2 = await app.BookAsync(GuichetApp.Booking(other));
            var saintAubin = (await answer2.Content.ReadFromJsonAsync<ApiCreated>(GuichetApp.Json))!;
            Assert.Equal(Utc(12, 9, 9), (await ReminderOfAsync(saintAubin.Id))!.ScheduledUtc);   // Wednesday 10:00 too, 48 h before Friday

            // 0: no reminder at all.
            await admin.SubmitAsync(await admin.GetAsync("/admin/rappels"), values: new Dictionary<string, string?> { ["reminderHours"] = "0" });
            var none = await BookFirstAsync("lorval-hotel-de-ville", "2026-12-15");
            Assert.Null(await ReminderOfAsync(none.Id));
        }
        finally
        {
            await admin.SubmitAsync(await admin.GetAsync("/admin/rappels"), values: new Dictionary<string, string?> { ["reminderHours"] = "48" });
        }
    }

    [Fact]
    public async Task The_confirmation_e_mail_carries_the_convocation_pdf_and_the_invitation_as_attachments()
    {
        app.Clock.Set(GuichetApp.Start);
        var created = await BookFirstAsync("montclair-mairie", "2026-12-12");
        await app.Dispatcher.RunOnceAsync(CancellationToken.None);

        var mail = app.MailsAbout(created.Code).Single(m => m.Parsed.DecodedHeader("Subject").StartsWith("Confirmation", StringComparison.Ordinal)).Parsed;
        Assert.Equal("multipart/mixed", mail.ContentType);
        var pdf = mail.Find("application/pdf");
        Assert.NotNull(pdf);
        Assert.Equal("base64", pdf.Header("Content-Transfer-Encoding"));
        Assert.StartsWith("attachment", pdf.Header("Content-Disposition"));
        Assert.Equal($"convocation-{created.Code}.pdf", pdf.Parameter("Content-Disposition", "filename"));
        Assert.True(PdfText.IsPdf(pdf.Content));
        var text = PdfText.Of(pdf.Content);
        Assert.Contains(created.Code, text);
        Assert.Contains("Mairie de Montclair-en-Bocage", text);
        Assert.NotNull(mail.Find("text/calendar"));
        Assert.NotNull(mail.Find("text/plain"));
        Assert.NotNull(mail.Find("text/html"));
        Assert.Contains("convocation jointe", mail.Find("text/plain")!.Text);
    }
}

/// <summary>The supervisors' view of messages: counts per channel and kind, of their own organisation only.</summary>
public sealed class MessageReportTests(MailApp app) : IClassFixture<MailApp>
{
    [Fact]
    public async Task Supervisors_see_their_organisation_s_messages_per_channel_and_kind_and_nobody_else_s()
    {
        app.Clock.Set(GuichetApp.Start);
        var slots = await app.SlotsAsync(site: "lorval-hotel-de-ville", from: "2026-12-08", to: "2026-12-08");
        var codes = new List<ApiCreated>();
        foreach (var slot in slots.Take(3))
        {
            var answer = await app.BookAsync(GuichetApp.Booking(slot));
            codes.Add((await answer.Content.ReadFromJsonAsync<ApiCreated>(GuichetApp.Json))!);
        }
        await app.Client.PostAsync($"/api/v1/appointments/{codes[0].Code}/cancel?token={Uri.EscapeDataString(codes[0].Token)}", null);
        await app.Dispatcher.RunOnceAsync(CancellationToken.None);
        // Another organisation's messages, which Lorval must not count.
        var elsewhere = (await app.SlotsAsync(site: "saint-aubin-mairie", from: "2026-12-09", to: "2026-12-09")).First();
        Assert.Equal(HttpStatusCode.Created, (await app.BookAsync(GuichetApp.Booking(elsewhere))).StatusCode);

        using var supervisor = new Browser(app);
        Assert.Equal(HttpStatusCode.Redirect, (await supervisor.SignInAsync("superviseur@lorval.demo")).Status);
        var page = await supervisor.GetAsync("/supervision/messages?from=2026-11-01&to=2026-12-31");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.True(Answers.LooksFrench(page.Text), page.Text);
        var rows = page.Document.QuerySelectorAll("table tbody tr")
            .Select(tr => tr.Children.Select(c => c.TextContent.Trim()).ToArray()).ToList();
        // Columns: channel, kind, sent, failed, pending, dropped, total.
        Assert.Contains(["E-mail", "Confirmation", "3", "0", "0", "0", "3"], rows);
        Assert.Contains(["E-mail", "Annulation", "1", "0", "0", "0", "1"], rows);
        Assert.Contains(["E-mail", "Rappel", "0", "0", "2", "1", "3"], rows);
        Assert.Equal(3, rows.Count);
        Assert.DoesNotContain("camille", page.Html, StringComparison.OrdinalIgnoreCase);

        // An administrator of the same organisation sees the same; the prefecture's supervisor sees none of it.
        using var admin = new Browser(app);
        await admin.SignInAsync("admin@lorval.demo");
        Assert.Contains("3", (await admin.GetAsync("/supervision/messages?from=2026-11-01&to=2026-12-31")).Text);
        using var prefecture = new Browser(app);
        await prefecture.SignInAsync("prefecture@lorne.demo");
        var theirs = await prefecture.GetAsync("/supervision/messages?from=2026-11-01&to=2026-12-31");
        Assert.Equal(HttpStatusCode.OK, theirs.Status);
        Assert.Contains("Aucun message sur cette période.", theirs.Text);

        // Counter agents and partner town halls have no access at all.
        foreach (var email in new[] { "accueil@lorval.demo", "mairie@vernay.demo" })
        {
            using var other = new Browser(app);
            await other.SignInAsync(email);
            var refused = await other.GetAsync("/supervision/messages");
            Assert.Equal(HttpStatusCode.Redirect, refused.Status);
            Assert.StartsWith("/acces-refuse", new Uri(new Uri("http://localhost"), refused.Location!).PathAndQuery);
        }
        using var anonymous = new Browser(app);
        Assert.StartsWith("/connexion", new Uri(new Uri("http://localhost"), (await anonymous.GetAsync("/supervision/messages")).Location!).PathAndQuery);

        var bad = await supervisor.GetAsync("/supervision/messages?from=hier&to=2026-12-31");
        Assert.Equal(HttpStatusCode.BadRequest, bad.Status);
        Assert.Contains("La date de début n'est pas valide", bad.Text);
        foreach (var query in new[] { "from=2026-13-45", "from=2026-12-31&to=2026-12-01", "from=2020-01-01&to=2026-12-31", "to=%00", "from=' OR 1=1 --" })
        {
            var refused = await supervisor.GetAsync("/supervision/messages?" + query);
            Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
            Assert.True(Answers.LooksFrench(refused.Text), refused.Text);
        }
    }
}

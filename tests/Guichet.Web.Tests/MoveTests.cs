using System.Net;
using System.Net.Http.Json;
using Guichet.Web.Data;
using Guichet.Web.Features.Appointments;
using Guichet.Web.Features.Notifications;
using Guichet.Web.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Tests;

/// <summary>
/// Rescheduling through the front door: the JSON API, the citizen's manage page without JavaScript and the agent's
/// appointment page. A move is one transaction: the old slot is let go only when the new one is held.
/// </summary>
public sealed class MoveTests(MailApp app) : IClassFixture<MailApp>
{
    private const string Lorval = "lorval-hotel-de-ville";
    private const string SaintAubin = "saint-aubin-mairie";

    private sealed record ApiMoved(string Id, string Code, string Status, string Site, DateTimeOffset Start, DateTimeOffset End, DateTimeOffset PreviousStart);

    private async Task<List<ApiSlot>> SlotsOfAsync(string site, string day) => await app.SlotsAsync(site: site, from: day, to: day);

    private async Task<ApiCreated> BookAsync(ApiSlot slot, string lastName, string? phone = null)
    {
        var answer = await app.BookAsync(GuichetApp.Booking(slot, lastName: lastName, email: $"{lastName.ToLowerInvariant()}@exemple.fr", phone: phone));
        Assert.True(answer.StatusCode == HttpStatusCode.Created, await answer.Content.ReadAsStringAsync());
        return (await answer.Content.ReadFromJsonAsync<ApiCreated>(GuichetApp.Json))!;
    }

    private Task<HttpResponseMessage> MoveAsync(ApiCreated created, DateTimeOffset start, string? token = null) =>
        app.Client.PostAsJsonAsync($"/api/v1/appointments/{created.Code}/move?token={Uri.EscapeDataString(token ?? created.Token)}",
            new { start = start.ToString("yyyy-MM-ddTHH:mm:sszzz") });

    private Task<Appointment> AppointmentAsync(string id) => app.WithDbAsync(db => db.Appointments.AsNoTracking().SingleAsync(a => a.Id == id));

    private Task<int> ClaimsAsync(string id) => app.WithDbAsync(db => db.SlotClaims.CountAsync(c => c.AppointmentId == id));

    [Fact]
    public async Task A_citizen_moves_over_the_api_keeps_code_and_link_and_the_old_slot_is_free_again()
    {
        var slots = await SlotsOfAsync(SaintAubin, "2026-12-11");
        var created = await BookAsync(slots[0], "Deplace");
        var target = slots[3];

        var answer = await MoveAsync(created, target.Start);
        Assert.True(answer.StatusCode == HttpStatusCode.OK, await answer.Content.ReadAsStringAsync());
        var moved = (await answer.Content.ReadFromJsonAsync<ApiMoved>(GuichetApp.Json))!;
        Assert.Equal((created.Id, created.Code, "booked"), (moved.Id, moved.Code, moved.Status));
        Assert.Equal(target.Start, moved.Start);
        Assert.Equal(created.Start, moved.PreviousStart);

        var after = (await SlotsOfAsync(SaintAubin, "2026-12-11")).Select(s => s.Start).ToList();
        Assert.Contains(created.Start, after);
        Assert.DoesNotContain(target.Start, after);
        // The same manage link still opens it, at its new time.
        var details = await app.Client.GetFromJsonAsync<AppointmentDto>($"/api/v1/appointments/{created.Code}?token={Uri.EscapeDataString(created.Token)}", GuichetApp.Json);
        Assert.Equal(target.Start, details!.Start);
        var history = await app.WithDbAsync(db => db.Set<AppointmentMove>().AsNoTracking().Where(m => m.AppointmentId == created.Id).ToListAsync());
        var row = Assert.Single(history);
        Assert.Equal(("citizen", created.Start.UtcDateTime, target.Start.UtcDateTime), (row.MovedBy, row.FromStartUtc, row.ToStartUtc));
    }

    [Fact]
    public async Task Moving_into_a_slot_just_taken_answers_409_and_the_appointment_keeps_its_old_slot()
    {
        var slots = await SlotsOfAsync(SaintAubin, "2026-12-09");
        var created = await BookAsync(slots[0], "Garde");
        // Saint-Aubin has one station: booking the target takes it.
        await BookAsync(slots[2], "Premier");

        var answer = await MoveAsync(created, slots[2].Start);
        Assert.Equal(HttpStatusCode.Conflict, answer.StatusCode);
        Assert.Equal("application/problem+json", answer.Content.Headers.ContentType?.MediaType);
        var kept = await AppointmentAsync(created.Id);
        Assert.Equal((created.Start.UtcDateTime, AppointmentStatus.Booked), (kept.StartUtc, kept.Status));
        Assert.True(await ClaimsAsync(created.Id) > 0);
        Assert.DoesNotContain(created.Start, (await SlotsOfAsync(SaintAubin, "2026-12-09")).Select(s => s.Start));
        Assert.Empty(await app.WithDbAsync(db => db.Set<AppointmentMove>().Where(m => m.AppointmentId == created.Id).ToListAsync()));
        Assert.DoesNotContain(await app.OutboxAsync(created.Id), m => m.Kind == MessageKind.Moved);
    }

    [Fact]
    public async Task Six_appointments_racing_into_one_slot_leave_exactly_one_there_and_the_five_others_where_they_were()
    {
        // Saint-Aubin has a single station: one slot, one appointment.
        var slots = await SlotsOfAsync(SaintAubin, "2026-12-16");
        var booked = new List<ApiCreated>();
        for (var i = 0; i < 6; i++) booked.Add(await BookAsync(slots[i], "Course" + (char)('a' + i)));
        var target = slots[7];

        var answers = await Task.WhenAll(booked.Select(b => MoveAsync(b, target.Start)));
        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.OK);
        Assert.All(answers.Where(a => a.StatusCode != HttpStatusCode.OK), a => Assert.Equal(HttpStatusCode.Conflict, a.StatusCode));
        var all = await app.WithDbAsync(db => db.Appointments.AsNoTracking().Where(a => booked.Select(b => b.Id).Contains(a.Id)).ToListAsync());
        Assert.Single(all, a => a.StartUtc == target.Start.UtcDateTime);
        foreach (var b in booked)
        {
            var a = all.Single(x => x.Id == b.Id);
            Assert.True(a.StartUtc == b.Start.UtcDateTime || a.StartUtc == target.Start.UtcDateTime);
            Assert.True(await ClaimsAsync(b.Id) > 0);
        }
        // Exactly the claims of six appointments: none lost, none doubled.
        var units = await app.WithDbAsync(db => db.SlotClaims.Where(c => booked.Select(b => b.Id).Contains(c.AppointmentId)).Select(c => c.Unit).ToListAsync());
        Assert.Equal(units.Count, units.Distinct().Count());
    }

    [Fact]
    public async Task A_move_writes_its_confirmation_drops_the_old_reminder_and_plans_a_new_one()
    {
        var before = (await SlotsOfAsync(Lorval, "2026-12-11")).First();
        var target = (await SlotsOfAsync(Lorval, "2026-12-15")).First();
        var created = await BookAsync(before, "Rappel", phone: "06 12 34 56 78");
        var oldReminder = (await app.OutboxAsync(created.Id, withReminders: true)).Single(m => m is { Kind: MessageKind.Reminder, Channel: MessageChannel.Email });

        Assert.Equal(HttpStatusCode.OK, (await MoveAsync(created, target.Start)).StatusCode);

        var outbox = await app.OutboxAsync(created.Id, withReminders: true);
        var mail = Assert.Single(outbox, m => m is { Kind: MessageKind.Moved, Channel: MessageChannel.Email });
        Assert.Equal("Rendez-vous déplacé au mardi 15 décembre 2026 à " + Guichet.Web.Platform.FrenchDates.Time(target.Start.DateTime), mail.Subject);
        Assert.Contains("Ancienne date : le vendredi 11 décembre 2026", mail.Body);
        Assert.Contains(created.ManageUrl.Replace("http://localhost", MailApp.BaseUrl), mail.Body);
        Assert.Contains("SEQUENCE:1", mail.Calendar);
        Assert.True(Answers.LooksFrench(mail.Body), mail.Body);
        var sms = Assert.Single(outbox, m => m is { Kind: MessageKind.Moved, Channel: MessageChannel.Sms });
        Assert.StartsWith("RDV déplacé au mardi 15 décembre à ", sms.Body, StringComparison.Ordinal);
        Assert.Contains(created.Code, sms.Body);

        var reminders = outbox.Where(m => m.Kind == MessageKind.Reminder && m.Channel == MessageChannel.Email).ToList();
        Assert.Equal(MessageStatus.Dropped, reminders.Single(m => m.Id == oldReminder.Id).Status);
        var fresh = reminders.Single(m => m.Id != oldReminder.Id);
        Assert.Equal(MessageStatus.Pending, fresh.Status);
        Assert.True(fresh.ScheduledUtc > oldReminder.ScheduledUtc);
        Assert.True(fresh.ScheduledUtc < target.Start.UtcDateTime);
        Assert.Contains("mardi 15 décembre 2026", fresh.Body);

        // Sent by the dispatcher like any message.
        await app.Dispatcher.RunOnceAsync(CancellationToken.None);
        Assert.Contains(app.MailsAbout(created.Code), m => m.Parsed.DecodedHeader("Subject").StartsWith("Rendez-vous déplacé", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Moving_back_and_forth_on_one_day_keeps_one_pending_reminder_at_a_time()
    {
        var slots = await SlotsOfAsync(Lorval, "2026-12-16");
        var created = await BookAsync(slots[0], "Allerretour");
        Assert.Equal(HttpStatusCode.OK, (await MoveAsync(created, slots[1].Start)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await MoveAsync(created, slots[0].Start)).StatusCode);
        var reminders = (await app.OutboxAsync(created.Id, withReminders: true)).Where(m => m.Kind == MessageKind.Reminder).ToList();
        Assert.Single(reminders, m => m.Status == MessageStatus.Pending);
        Assert.Equal(2, reminders.Count(m => m.Status == MessageStatus.Dropped));
    }

    [Fact]
    public async Task A_wrong_token_a_past_time_or_a_time_not_offered_are_refused_without_moving_anything()
    {
        var slots = await SlotsOfAsync(SaintAubin, "2026-12-14");
        var created = await BookAsync(slots[0], "Refus");
        Assert.Equal(HttpStatusCode.NotFound, (await MoveAsync(created, slots[1].Start, token: "faux-jeton")).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await MoveAsync(created, GuichetApp.Start.AddDays(-1))).StatusCode);
        // 3 a.m. is never open.
        var night = new DateTimeOffset(2026, 12, 14, 3, 0, 0, TimeSpan.FromHours(1));
        var refused = await MoveAsync(created, night);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Contains("pas proposé", await refused.Content.ReadAsStringAsync());
        var bad = await app.Client.PostAsync($"/api/v1/appointments/{created.Code}/move?token={Uri.EscapeDataString(created.Token)}",
            new StringContent("{\"start\": 12}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal(created.Start.UtcDateTime, (await AppointmentAsync(created.Id)).StartUtc);

        Assert.Equal(HttpStatusCode.OK, (await app.Client.PostAsync($"/api/v1/appointments/{created.Code}/cancel?token={Uri.EscapeDataString(created.Token)}", null)).StatusCode);
        var cancelled = await MoveAsync(created, slots[1].Start);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, cancelled.StatusCode);
        Assert.Contains("annulé", await cancelled.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_citizen_moves_from_the_manage_page_without_javascript()
    {
        var slots = await SlotsOfAsync(Lorval, "2026-12-17");
        var created = await BookAsync(slots[0], "Pages");
        using var browser = new Browser(app);
        var manage = await browser.GetAsync(new Uri(created.ManageUrl).PathAndQuery);
        var moveLink = manage.Links("main a").Single(l => l.TextContent.Contains("Déplacer ce rendez-vous"));

        var first = await browser.GetAsync(manage.Href(moveLink)!);
        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Contains("Déplacer mon rendez-vous", first.Text);
        // The list starts today; the citizen looks at the appointment's own day, and picks a later time of it.
        var choose = await browser.GetAsync(manage.Href(moveLink)! + "&from=2026-12-17");
        Assert.Contains("jeudi 17 décembre 2026", choose.Document.QuerySelector("section.day h2")!.TextContent);
        var time = choose.Links("section.day a").Skip(2).First();
        var confirm = await browser.GetAsync(choose.Href(time)!);
        Assert.Contains("Confirmer le nouveau créneau", confirm.Text);
        Assert.Equal(created.Start.UtcDateTime, (await AppointmentAsync(created.Id)).StartUtc);   // nothing moved before confirming

        var done = await browser.SubmitAsync(confirm);
        Assert.Equal(HttpStatusCode.Redirect, done.Status);
        var page = await browser.FollowAsync(done);
        Assert.Contains("Votre rendez-vous est déplacé", page.Text);
        var moved = await AppointmentAsync(created.Id);
        Assert.NotEqual(created.Start.UtcDateTime, moved.StartUtc);
        Assert.Contains(Guichet.Web.Platform.FrenchDates.DayAndTime(Guichet.Web.Platform.FrenchDates.ToLocal(moved.StartUtc, "Europe/Paris")), page.Text);

        // Confirming the same choice again (a second click) changes nothing and says why.
        var again = await browser.SubmitAsync(confirm);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, again.Status);
        Assert.Equal(moved.StartUtc, (await AppointmentAsync(created.Id)).StartUtc);
    }

    [Fact]
    public async Task The_move_page_with_a_wrong_token_finds_nothing()
    {
        var created = await BookAsync((await SlotsOfAsync(Lorval, "2026-12-18")).First(), "Jeton");
        using var browser = new Browser(app);
        var page = await browser.GetAsync($"/rendez-vous/{created.Code}/deplacer?token=faux");
        Assert.Equal(HttpStatusCode.NotFound, page.Status);
        Assert.DoesNotContain("Jeton", page.Text);
    }

    [Fact]
    public async Task An_agent_moves_from_the_appointment_page_and_the_history_says_who_and_from_when()
    {
        var slots = await SlotsOfAsync(Lorval, "2026-12-21");
        var created = await BookAsync(slots[0], "Agent");
        using var browser = new Browser(app);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync("accueil@lorval.demo")).Status);
        var page = await browser.GetAsync($"/agent/rendez-vous/{created.Id}");
        Assert.Contains("Ce rendez-vous n'a jamais été déplacé.", page.Text);
        var link = page.Href(page.Links("main a").Single(l => l.TextContent.Contains("Déplacer ce rendez-vous")))!;
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(link)).Status);
        var choose = await browser.GetAsync(link + "?from=2026-12-21");
        Assert.Equal(HttpStatusCode.OK, choose.Status);
        var confirm = await browser.GetAsync(choose.Href(choose.Links("section.day a").Skip(4).First())!);
        var done = await browser.SubmitAsync(confirm);
        Assert.Equal(HttpStatusCode.Redirect, done.Status);

        var after = await browser.FollowAsync(done);
        Assert.Contains("Le rendez-vous est déplacé", after.Text);
        Assert.Contains("Camille Morvan (accueil)", after.Document.QuerySelector("table.moves")!.TextContent);
        Assert.Contains("lundi 21 décembre 2026", after.Document.QuerySelector("table.moves")!.TextContent);
        var moved = await AppointmentAsync(created.Id);
        Assert.NotEqual(created.Start.UtcDateTime, moved.StartUtc);
        // The citizen's link is unchanged and is the one in the move message.
        Assert.Equal(HttpStatusCode.OK, (await app.Client.GetAsync($"/api/v1/appointments/{created.Code}?token={Uri.EscapeDataString(created.Token)}")).StatusCode);
        var mail = Assert.Single(await app.OutboxAsync(created.Id), m => m is { Kind: MessageKind.Moved, Channel: MessageChannel.Email });
        Assert.Contains("Votre lien reste le même", mail.Body);
        Assert.Contains(Uri.EscapeDataString(created.Token), mail.Body);
        var reminder = (await app.OutboxAsync(created.Id, withReminders: true)).Single(m => m is { Kind: MessageKind.Reminder, Status: MessageStatus.Pending, Channel: MessageChannel.Email });
        Assert.Contains(Uri.EscapeDataString(created.Token), reminder.Body);
    }

    [Fact]
    public async Task Another_organisation_s_agent_can_neither_see_nor_move_the_appointment()
    {
        var slots = await SlotsOfAsync(Lorval, "2026-12-22");
        var created = await BookAsync(slots[0], "Isole");
        using var lorval = new Browser(app);
        await lorval.SignInAsync("accueil@lorval.demo");
        var confirm = await lorval.GetAsync($"/agent/rendez-vous/{created.Id}/deplacer?start={Uri.EscapeDataString(slots[3].Start.ToString("yyyy-MM-ddTHH:mm:sszzz"))}");
        Assert.Equal(HttpStatusCode.OK, confirm.Status);

        using var other = new Browser(app);
        await other.SignInAsync("accueil@saint-aubin.demo");
        var seen = await other.GetAsync($"/agent/rendez-vous/{created.Id}/deplacer");
        Assert.Equal(HttpStatusCode.NotFound, seen.Status);
        Assert.DoesNotContain("Isole", seen.Html);
        // Even with a valid form of its own (its antiforgery token), the post finds nothing.
        var token = await other.AntiforgeryTokenAsync("/agent");
        var post = await other.PostAsync($"/agent/rendez-vous/{created.Id}/deplacer", new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["start"] = slots[3].Start.ToString("yyyy-MM-ddTHH:mm:sszzz"),
        });
        Assert.Equal(HttpStatusCode.NotFound, post.Status);
        Assert.Equal(created.Start.UtcDateTime, (await AppointmentAsync(created.Id)).StartUtc);
    }
}

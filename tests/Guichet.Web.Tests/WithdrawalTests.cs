using System.Net;
using System.Text.RegularExpressions;
using Guichet.Web.Data;
using Guichet.Web.Features.Notifications;
using Guichet.Web.Features.Withdrawals;
using Guichet.Web.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Tests;

/// <summary>Its own app: these tests move the clock to the day of the deposit.</summary>
public sealed class WithdrawalApp : WaitlistApp;

/// <summary>Another, for the title-ready test moves the clock further than the Christmas one.</summary>
public sealed class WithdrawalReadyApp : WaitlistApp;

public sealed partial class WithdrawalTests(WithdrawalApp app) : IClassFixture<WithdrawalApp>
{
    private const string Site = "lorval-hotel-de-ville";

    /// <summary>The administrator sets the CNI's delays on /admin/motifs: 5 working days of instruction, 5 of manufacturing.</summary>
    private async Task SetCniDelaysAsync()
    {
        using var admin = new Browser(app);
        await admin.SignInAsync("admin@lorval.demo");
        var page = await admin.GetAsync("/admin/motifs?motif=CNI");
        var saved = await admin.SubmitAsync(page, values: new Dictionary<string, string?> { ["instructionDays"] = "5", ["manufacturingDays"] = "5" });
        Assert.Equal(HttpStatusCode.OK, saved.Status);
        Assert.Contains("5 + 5 jours ouvrés après le dépôt", saved.Text);
    }

    /// <summary>A CNI appointment at Lorval on <paramref name="day"/>, and the clock moved to ten minutes after its start.</summary>
    private async Task<ApiCreated> HonouredDayAsync(string day, string email, string? phone = null)
    {
        var slot = (await app.SlotsAsync(site: Site, from: day, to: day)).First();
        var created = await app.BookAtAsync(slot, lastName: "Depot", email: email);
        if (phone is not null)
            await app.WithDbAsync(db => db.Appointments.Where(a => a.Id == created.Id).ExecuteUpdateAsync(s => s.SetProperty(a => a.Phone, phone)));
        if (slot.Start.AddMinutes(10) > app.Clock.GetUtcNow()) app.Clock.Set(slot.Start.AddMinutes(10));
        return created;
    }

    private static async Task<WebPage> AgentAsync(Browser agent, string appointmentId) => await agent.GetAsync($"/agent/rendez-vous/{appointmentId}");

    [Fact]
    public async Task Recording_the_deposit_proposes_withdrawal_slots_from_the_delays_counted_in_working_days_across_christmas_and_books_one_on_the_spot()
    {
        await SetCniDelaysAsync();
        var created = await HonouredDayAsync("2026-12-14", "depot.noel@exemple.fr");
        using var agent = new Browser(app);
        await agent.SignInAsync("accueil@lorval.demo");
        var page = await AgentAsync(agent, created.Id);
        var recorded = await agent.SubmitAsync(page, "form[action$='/depot']");
        Assert.Equal(HttpStatusCode.OK, recorded.Status);
        Assert.Contains("Dépôt enregistré", recorded.Text);
        // Monday 14 December + 10 working days: Friday 25 December is Christmas, so Tuesday 29 rather than Monday 28.
        Assert.Equal("mardi 29 décembre 2026", recorded.Document.QuerySelector("#earliest")!.TextContent.Trim());
        var first = recorded.Document.QuerySelector("#withdrawal-slots button")!;
        Assert.StartsWith("mardi 29 décembre 2026 à 8 h 30", first.TextContent.Trim());
        Assert.Equal("Honoured", (await app.WithDbAsync(db => db.Appointments.SingleAsync(a => a.Id == created.Id))).Status.ToString());

        var booked = await agent.SubmitAsync(recorded, "#withdrawal-slots form");
        Assert.Equal(HttpStatusCode.Redirect, booked.Status);
        var deposit = await app.WithDbAsync(db => db.Set<ApplicationDeposit>().AsNoTracking().SingleAsync(d => d.AppointmentId == created.Id));
        var withdrawal = await app.WithDbAsync(db => db.Appointments.AsNoTracking().SingleAsync(a => a.Id == deposit.WithdrawalAppointmentId));
        Assert.Equal(("WITHDRAWAL", "Depot", Channel.Counter), (withdrawal.ReasonCode, withdrawal.LastName, withdrawal.Channel));
        Assert.Equal(new DateTime(2026, 12, 29, 7, 30, 0, DateTimeKind.Utc), withdrawal.StartUtc);
        Assert.Single(await app.WithDbAsync(db => db.OutboxMessages.Where(m => m.AppointmentId == withdrawal.Id && m.Kind == MessageKind.Confirmation).ToListAsync()));

        // A second recording changes nothing: one deposit per appointment.
        var again = await agent.PostAsync($"/agent/rendez-vous/{created.Id}/depot",
            [new("__RequestVerificationToken", await agent.AntiforgeryTokenAsync($"/agent/rendez-vous/{created.Id}/depot"))]);
        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.Equal(1, await app.WithDbAsync(db => db.Set<ApplicationDeposit>().CountAsync(d => d.AppointmentId == created.Id)));
    }

    [Fact]
    public async Task Another_organisation_s_agent_cannot_record_a_deposit_nor_see_its_page()
    {
        var slot = (await app.SlotsAsync(site: Site, from: "2027-01-12", to: "2027-01-12")).First();
        var created = await app.BookAtAsync(slot, lastName: "Ailleurs", email: "ailleurs@exemple.fr");
        using var other = new Browser(app);
        await other.SignInAsync("admin@saint-aubin.demo");
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/agent/rendez-vous/{created.Id}/depot")).Status);
        var token = await other.AntiforgeryTokenAsync("/agent/liste-attente");
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsync($"/agent/rendez-vous/{created.Id}/depot", [new("__RequestVerificationToken", token)])).Status);
        Assert.False(await app.WithDbAsync(db => db.Set<ApplicationDeposit>().AnyAsync(d => d.AppointmentId == created.Id)));
    }

    [GeneratedRegex(@"https://rdv\.lorval\.test/retrait/[0-9a-f]+\?token=[A-Za-z0-9_\-%]+")]
    private static partial Regex LinkRegex();
}

public sealed partial class WithdrawalReadyTests(WithdrawalReadyApp app) : IClassFixture<WithdrawalReadyApp>
{
    private const string Site = "lorval-hotel-de-ville";

    /// <summary>The administrator sets the CNI's delays on /admin/motifs: 5 working days of instruction, 5 of manufacturing.</summary>
    private async Task SetCniDelaysAsync()
    {
        using var admin = new Browser(app);
        await admin.SignInAsync("admin@lorval.demo");
        var page = await admin.GetAsync("/admin/motifs?motif=CNI");
        var saved = await admin.SubmitAsync(page, values: new Dictionary<string, string?> { ["instructionDays"] = "5", ["manufacturingDays"] = "5" });
        Assert.Equal(HttpStatusCode.OK, saved.Status);
        Assert.Contains("5 + 5 jours ouvrés après le dépôt", saved.Text);
    }

    /// <summary>A CNI appointment at Lorval on <paramref name="day"/>, and the clock moved to ten minutes after its start.</summary>
    private async Task<ApiCreated> HonouredDayAsync(string day, string email, string? phone = null)
    {
        var slot = (await app.SlotsAsync(site: Site, from: day, to: day)).First();
        var created = await app.BookAtAsync(slot, lastName: "Depot", email: email);
        if (phone is not null)
            await app.WithDbAsync(db => db.Appointments.Where(a => a.Id == created.Id).ExecuteUpdateAsync(s => s.SetProperty(a => a.Phone, phone)));
        if (slot.Start.AddMinutes(10) > app.Clock.GetUtcNow()) app.Clock.Set(slot.Start.AddMinutes(10));
        return created;
    }

    private static async Task<WebPage> AgentAsync(Browser agent, string appointmentId) => await agent.GetAsync($"/agent/rendez-vous/{appointmentId}");

    [Fact]
    public async Task The_title_ready_message_goes_out_once_over_smtp_and_its_link_books_a_withdrawal_slot_with_the_citizen_s_details_prefilled()
    {
        var created = await HonouredDayAsync("2027-01-04", "titre.pret@exemple.fr", phone: "+33612345670");
        using var agent = new Browser(app);
        await agent.SignInAsync("accueil@lorval.demo");
        var deposit = await agent.SubmitAsync(await AgentAsync(agent, created.Id), "form[action$='/depot']");
        var ready = await agent.SubmitAsync(deposit, "form[action*='handler=Ready']");
        Assert.Contains("l'usager est invité", ready.Text);
        var twice = await agent.PostAsync($"/agent/rendez-vous/{created.Id}/depot?handler=Ready",
            [new("__RequestVerificationToken", await agent.AntiforgeryTokenAsync($"/agent/rendez-vous/{created.Id}/depot"))]);
        Assert.Equal(HttpStatusCode.Conflict, twice.Status);
        Assert.Contains("déjà signalé disponible", twice.Text);

        var outbox = await app.WithDbAsync(db => db.OutboxMessages.AsNoTracking().Where(m => m.AppointmentId == created.Id && m.Kind == MessageKind.WithdrawalReady).ToListAsync());
        Assert.Equal([MessageChannel.Email, MessageChannel.Sms], outbox.Select(m => m.Channel).Order().ToArray());
        Assert.Contains("/retrait/", Assert.Single(outbox, m => m.Channel == MessageChannel.Sms).Body);
        await app.Dispatcher.RunOnceAsync(CancellationToken.None);
        await app.Dispatcher.RunOnceAsync(CancellationToken.None);
        var mails = app.Sink.Messages.Where(m => m.To.Contains("titre.pret@exemple.fr")
            && m.Parsed.Find("text/plain")?.Text.Contains("Votre titre est prêt") == true).ToList();
        var mail = Assert.Single(mails);
        var text = mail.Parsed.Find("text/plain")!.Text;
        var link = LinkRegex().Match(text);
        Assert.True(link.Success, text);

        using var citizen = new Browser(app);
        var slots = await citizen.GetAsync(link.Value[WaitlistApp.BaseUrl.Length..]);
        Assert.Equal(HttpStatusCode.OK, slots.Status);
        var choice = slots.Links("#withdrawal-slots a").First();
        var form = await citizen.GetAsync(slots.Href(choice)!);
        Assert.Equal("titre.pret@exemple.fr", ((AngleSharp.Html.Dom.IHtmlInputElement)form.Document.QuerySelector("#email")!).Value);
        Assert.Equal("Depot", ((AngleSharp.Html.Dom.IHtmlInputElement)form.Document.QuerySelector("#lastName")!).Value);
        var booked = await citizen.SubmitAsync(form);
        Assert.Equal(HttpStatusCode.Redirect, booked.Status);
        var manage = await citizen.FollowAsync(booked);
        Assert.Contains("Votre rendez-vous est confirmé", manage.Text);
        Assert.Contains("Retrait d'un titre", manage.Text);
        var stored = await app.WithDbAsync(db => db.Set<ApplicationDeposit>().AsNoTracking().SingleAsync(d => d.AppointmentId == created.Id));
        Assert.NotNull(stored.WithdrawalAppointmentId);
        var again = await citizen.GetAsync(link.Value[WaitlistApp.BaseUrl.Length..]);
        Assert.Contains("Votre rendez-vous de retrait est pris", again.Text);
        Assert.Equal(HttpStatusCode.NotFound, (await citizen.GetAsync($"/retrait/{stored.Id}?token=faux")).Status);
    }

    [GeneratedRegex(@"https://rdv\.lorval\.test/retrait/[0-9a-f]+\?token=[A-Za-z0-9_\-%]+")]
    private static partial Regex LinkRegex();
}

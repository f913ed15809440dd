using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Guichet.Web.Data;
using Guichet.Web.Features.Notifications;
using Guichet.Web.Features.Waitlist;
using Guichet.Web.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Guichet.Web.Tests;

/// <summary>The app with mail to a local SMTP sink; the outbox dispatcher and the waiting-list worker off: tests run them.</summary>
public class WaitlistApp : GuichetApp, IAsyncLifetime
{
    public SmtpSink Sink { get; } = SmtpSink.Start();
    public const string BaseUrl = "https://rdv.lorval.test";

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Mail:From"] = "ne-pas-repondre@lorval.test",
        ["Mail:Smtp:Host"] = "127.0.0.1",
        ["Mail:Smtp:Port"] = Sink.Port.ToString(CultureInfo.InvariantCulture),
        ["Mail:Smtp:Security"] = "None",
        ["Mail:Smtp:TimeoutSeconds"] = "10",
        ["Notifications:Enabled"] = "false",
        ["Waitlist:Enabled"] = "false",
        ["App:PublicBaseUrl"] = BaseUrl,
    };

    public OutboxDispatcher Dispatcher => Services.GetRequiredService<OutboxDispatcher>();

    /// <summary>One pass of the waiting-list job, as the worker runs it.</summary>
    public async Task<int> OfferAsync()
    {
        await using var scope = Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<OfferFreedSlots>().RunOnceAsync(CancellationToken.None);
    }

    public Task<List<OutboxMessage>> MessagesAsync(MessageKind kind) =>
        WithDbAsync(db => db.OutboxMessages.AsNoTracking().Where(m => m.Kind == kind).OrderBy(m => m.CreatedUtc).ToListAsync());

    public async Task<ApiCreated> BookAtAsync(ApiSlot slot, string lastName = "Martin", string? email = "camille.martin@exemple.fr", string reason = "CNI")
    {
        var answer = await BookAsync(Booking(slot, reason: reason, lastName: lastName, email: email));
        Assert.Equal(HttpStatusCode.Created, answer.StatusCode);
        return (await answer.Content.ReadFromJsonAsync<ApiCreated>(Json))!;
    }

    public async Task CancelAsync(ApiCreated a)
    {
        var answer = await Client.PostAsync($"/api/v1/appointments/{a.Code}/cancel?token={Uri.EscapeDataString(a.Token)}", null);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
    }

    Task IAsyncLifetime.InitializeAsync() => InitializeAsync();

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        await Sink.DisposeAsync();
    }
}

public sealed partial class WaitlistTests(WaitlistApp app) : IClassFixture<WaitlistApp>
{
    private const string Site = "saint-aubin-mairie";

    /// <summary>Joins through the public form, as a citizen without JavaScript; returns the entry page.</summary>
    private async Task<WebPage> JoinAsync(string email, string notAfter, string site = Site, string? notBefore = null, string reason = "CNI")
    {
        using var browser = new Browser(app);
        var form = await browser.GetAsync($"/liste-attente/inscription?reason={reason}&persons=1&site={site}");
        Assert.Equal(HttpStatusCode.OK, form.Status);
        var answer = await browser.SubmitAsync(form, values: new Dictionary<string, string?>
        {
            ["notAfter"] = notAfter, ["notBefore"] = notBefore, ["firstName"] = "Lou", ["lastName"] = "Attente", ["email"] = email, ["phone"] = null,
        });
        Assert.True(answer.Status == HttpStatusCode.Redirect, $"{(int)answer.Status}: {answer.Text}");
        // Request order is the order of the list: each citizen joins a minute after the previous one.
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        return await browser.FollowAsync(answer);
    }

    private static (string Id, string Token) OfferLink(OutboxMessage m)
    {
        var match = OfferRegex().Match(m.Body);
        Assert.True(match.Success, m.Body);
        return (match.Groups[1].Value, Uri.UnescapeDataString(match.Groups[2].Value));
    }

    private async Task<List<OutboxMessage>> OffersToAsync(params string[] emails) =>
        (await app.MessagesAsync(MessageKind.WaitlistOffer)).Where(m => emails.Contains(m.Recipient)).ToList();

    [Fact]
    public async Task A_cancelled_slot_is_offered_to_the_first_three_matching_people_in_order_of_request_and_to_nobody_else()
    {
        var slot = (await app.SlotsAsync(site: Site, from: "2026-12-09", to: "2026-12-09")).First();
        var held = await app.BookAtAsync(slot);
        // Each test's entries ask only for its own days, so that the tests of this class never see each other's.
        var joined = await JoinAsync("a1@exemple.fr", "2026-12-09");
        Assert.Contains("Vous êtes inscrit sur la liste d'attente", joined.Text);
        await JoinAsync("a2@exemple.fr", "2026-12-09");
        await JoinAsync("elsewhere@exemple.fr", "2026-12-09", site: "montclair-mairie");
        await JoinAsync("too-late@exemple.fr", "2026-12-10", notBefore: "2026-12-10");
        await JoinAsync("a3@exemple.fr", "2026-12-09");
        await JoinAsync("a4@exemple.fr", "2026-12-09");

        await app.CancelAsync(held);
        Assert.True(await app.OfferAsync() >= 3);

        var offers = await OffersToAsync("a1@exemple.fr", "a2@exemple.fr", "a3@exemple.fr", "a4@exemple.fr", "elsewhere@exemple.fr", "too-late@exemple.fr");
        Assert.Equal(["a1@exemple.fr", "a2@exemple.fr", "a3@exemple.fr"], offers.Select(m => m.Recipient).Order().ToArray());
        Assert.All(offers, m => Assert.Equal(MessageChannel.Email, m.Channel));
        Assert.All(offers, m => Assert.Contains("mercredi 9 décembre 2026 à 9 h", m.Body));
        Assert.All(offers, m => Assert.StartsWith("Un créneau s'est libéré", m.Subject));
        // A second pass finds nothing left to do: the job was processed once.
        Assert.Equal(0, await app.OfferAsync());
        Assert.Equal(3, (await OffersToAsync("a1@exemple.fr", "a2@exemple.fr", "a3@exemple.fr", "a4@exemple.fr")).Count);
    }

    [Fact]
    public async Task Three_offerees_racing_for_the_freed_slot_leave_exactly_one_booking_and_the_others_read_that_it_was_just_taken()
    {
        var slot = (await app.SlotsAsync(site: Site, from: "2026-12-14", to: "2026-12-14")).First();
        var held = await app.BookAtAsync(slot);
        string[] emails = ["r1@exemple.fr", "r2@exemple.fr", "r3@exemple.fr"];
        foreach (var e in emails) await JoinAsync(e, "2026-12-14", notBefore: "2026-12-14");
        await app.CancelAsync(held);
        await app.OfferAsync();
        var links = (await OffersToAsync(emails)).Select(OfferLink).ToList();
        Assert.Equal(3, links.Count);

        var browsers = links.Select(_ => new Browser(app)).ToList();
        try
        {
            var pages = await Task.WhenAll(links.Select((l, i) => browsers[i].GetAsync($"/liste-attente/offre/{l.Id}?token={Uri.EscapeDataString(l.Token)}")));
            Assert.All(pages, p => Assert.Contains("Prendre ce créneau", p.Text));
            var answers = await Task.WhenAll(pages.Select((p, i) => browsers[i].SubmitAsync(p)));

            var winner = Assert.Single(answers, a => a.Status == HttpStatusCode.Redirect);
            Assert.Contains("confirme=1", winner.Location);
            var losers = answers.Where(a => a != winner).ToList();
            Assert.Equal(2, losers.Count);
            Assert.All(losers, l => Assert.Equal(HttpStatusCode.Conflict, l.Status));
            Assert.All(losers, l => Assert.Contains("Ce créneau vient d'être pris", l.Text));
            Assert.All(losers, l => Assert.Contains("Vous restez sur la liste d'attente", l.Text));
        }
        finally { browsers.ForEach(b => b.Dispose()); }

        var booked = await app.WithDbAsync(db => db.Appointments.CountAsync(a => a.SiteId == Site && a.StartUtc == slot.Start.UtcDateTime && a.Status == AppointmentStatus.Booked));
        Assert.Equal(1, booked);
        var entries = await app.WithDbAsync(db => db.Set<WaitlistEntry>().AsNoTracking().Where(e => emails.Contains(e.Email!)).ToListAsync());
        Assert.Single(entries, e => e.Status == WaitlistStatus.Satisfied);
        Assert.Equal(2, entries.Count(e => e.Status == WaitlistStatus.Active));
    }

    [Fact]
    public async Task An_offeree_who_holds_an_appointment_has_it_moved_earlier_rather_than_getting_a_second_one()
    {
        var late = (await app.SlotsAsync(site: Site, from: "2026-12-28", to: "2026-12-28")).First();
        var mine = await app.BookAtAsync(late, lastName: "Avance", email: "avance@exemple.fr");
        using var browser = new Browser(app);
        var manage = await browser.GetAsync($"/rendez-vous/{mine.Code}?token={Uri.EscapeDataString(mine.Token)}");
        var link = manage.Links("main a").Single(l => l.TextContent.Contains("créneau plus tôt"));
        var form = await browser.GetAsync(manage.Href(link)!);
        Assert.Contains("votre rendez-vous est avancé", form.Text);
        var joined = await browser.FollowAsync(await browser.SubmitAsync(form, values: new Dictionary<string, string?> { ["notBefore"] = "2026-12-16" }));
        Assert.Contains("Vous êtes inscrit", joined.Text);
        app.Clock.Advance(TimeSpan.FromMinutes(1));

        var early = (await app.SlotsAsync(site: Site, from: "2026-12-16", to: "2026-12-16")).First();
        var other = await app.BookAtAsync(early, lastName: "Autre", email: "autre@exemple.fr");
        await app.CancelAsync(other);
        await app.OfferAsync();
        var (id, token) = OfferLink(Assert.Single(await OffersToAsync("avance@exemple.fr")));
        var offer = await browser.GetAsync($"/liste-attente/offre/{id}?token={Uri.EscapeDataString(token)}");
        Assert.Contains("sera avancé à ce créneau", offer.Text);
        var done = await browser.FollowAsync(await browser.SubmitAsync(offer));
        Assert.Contains("Votre rendez-vous est avancé", done.Text);

        var theirs = await app.WithDbAsync(db => db.Appointments.AsNoTracking().Where(a => a.Email == "avance@exemple.fr").ToListAsync());
        var moved = Assert.Single(theirs);
        Assert.Equal((mine.Code, early.Start.UtcDateTime, AppointmentStatus.Booked), (moved.Code, moved.StartUtc, moved.Status));
        Assert.Single(await app.WithDbAsync(db => db.OutboxMessages.Where(m => m.AppointmentId == mine.Id && m.Kind == MessageKind.Moved).ToListAsync()));
        // The move freed the late slot in turn: a job waits for it.
        Assert.True(await app.WithDbAsync(db => db.Set<WaitlistJob>().AnyAsync(j => j.FromUtc == late.Start.UtcDateTime && j.ProcessedUtc == null)));
    }

    [Fact]
    public async Task A_slot_freed_by_a_move_is_offered_and_an_unanswered_offer_expires_and_goes_to_the_next_person()
    {
        var slot = (await app.SlotsAsync(site: Site, from: "2027-01-06", to: "2027-01-06")).First();
        var held = await app.BookAtAsync(slot);
        await JoinAsync("x1@exemple.fr", "2027-01-08", notBefore: "2027-01-06");
        await JoinAsync("x2@exemple.fr", "2027-01-08", notBefore: "2027-01-06");
        await JoinAsync("x3@exemple.fr", "2027-01-08", notBefore: "2027-01-06");
        await JoinAsync("x4@exemple.fr", "2027-01-08", notBefore: "2027-01-06");
        var later = (await app.SlotsAsync(site: Site, from: "2027-01-08", to: "2027-01-08")).First();
        var moved = await app.Client.PostAsJsonAsync($"/api/v1/appointments/{held.Code}/move?token={Uri.EscapeDataString(held.Token)}",
            new { start = later.Start.ToString("yyyy-MM-ddTHH:mm:sszzz") });
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        await app.OfferAsync();
        Assert.Equal(3, (await OffersToAsync("x1@exemple.fr", "x2@exemple.fr", "x3@exemple.fr")).Count);
        Assert.Empty(await OffersToAsync("x4@exemple.fr"));

        app.Clock.Advance(TimeSpan.FromHours(13));   // offers are valid 12 hours by default
        await app.OfferAsync();   // expires them and queues the slot again
        await app.OfferAsync();
        Assert.Single(await OffersToAsync("x4@exemple.fr"));
        var (id, token) = OfferLink((await OffersToAsync("x1@exemple.fr")).Single());
        using var browser = new Browser(app);
        var expired = await browser.GetAsync($"/liste-attente/offre/{id}?token={Uri.EscapeDataString(token)}");
        Assert.Contains("Cette proposition a expiré", expired.Text);
        Assert.DoesNotContain("Prendre ce créneau", expired.Text);
    }

    [Fact]
    public async Task A_citizen_leaves_the_list_with_the_entry_link_and_gets_no_more_offers_and_a_wrong_token_finds_nothing()
    {
        var entry = await JoinAsync("leave@exemple.fr", "2027-01-20", notBefore: "2027-01-18");
        using var browser = new Browser(app);
        var page = await browser.GetAsync(entry.Url);
        var left = await browser.SubmitAsync(page);
        Assert.Contains("Vous avez quitté la liste d'attente", left.Text);
        var slot = (await app.SlotsAsync(site: Site, from: "2027-01-18", to: "2027-01-18")).First();
        await app.CancelAsync(await app.BookAtAsync(slot));
        await app.OfferAsync();
        Assert.Empty(await OffersToAsync("leave@exemple.fr"));
        var wrong = await browser.GetAsync(Regex.Replace(entry.Url, "token=[^&]+", "token=faux"));
        Assert.Equal(HttpStatusCode.NotFound, wrong.Status);
    }

    [Fact]
    public async Task An_entry_expires_after_its_not_after_date()
    {
        await JoinAsync("short@exemple.fr", "2026-12-01");
        var before = app.Clock.GetUtcNow();
        app.Clock.Set(new DateTimeOffset(2026, 12, 2, 7, 0, 0, TimeSpan.Zero) > before ? new DateTimeOffset(2026, 12, 2, 7, 0, 0, TimeSpan.Zero) : before);
        await app.OfferAsync();
        var status = await app.WithDbAsync(db => db.Set<WaitlistEntry>().Where(e => e.Email == "short@exemple.fr").Select(e => e.Status).SingleAsync());
        Assert.Equal(WaitlistStatus.Expired, status);
    }

    [Fact]
    public async Task The_form_refuses_a_request_without_contact_site_or_last_date_with_french_messages()
    {
        using var browser = new Browser(app);
        var form = await browser.GetAsync("/liste-attente/inscription?reason=CNI");
        var answer = await browser.SubmitAsync(form, values: new Dictionary<string, string?>
        {
            ["notAfter"] = "", ["firstName"] = "", ["lastName"] = "Sans", ["email"] = "", ["phone"] = "02 43 00 00 00", ["near"] = "",
        });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, answer.Status);
        Assert.Contains("Choisissez au moins une mairie", answer.Text);
        Assert.Contains("pas après", answer.Text);
        Assert.NotNull(answer.Document.QuerySelector(".errors a[href='#notAfter']"));
    }

    [Fact]
    public async Task Agents_see_the_waiting_list_of_their_own_sites_only()
    {
        await JoinAsync("iso-aubin@exemple.fr", "2027-02-01", notBefore: "2027-01-25");
        using var aubin = new Browser(app);
        await aubin.SignInAsync("admin@saint-aubin.demo");
        var own = await aubin.GetAsync("/agent/liste-attente");
        Assert.Equal(HttpStatusCode.OK, own.Status);
        Assert.Contains("ATTENTE Lou", own.Text);
        Assert.Equal(HttpStatusCode.NotFound, (await aubin.GetAsync("/agent/liste-attente?site=lorval-hotel-de-ville")).Status);

        using var lorval = new Browser(app);
        await lorval.SignInAsync("accueil@lorval.demo");
        var theirs = await lorval.GetAsync("/agent/liste-attente");
        Assert.Equal(HttpStatusCode.OK, theirs.Status);
        Assert.Contains("Hôtel de ville de Lorval", theirs.Text);
        Assert.DoesNotContain("iso-aubin", theirs.Html);
        Assert.Equal(HttpStatusCode.NotFound, (await lorval.GetAsync($"/agent/liste-attente?site={Site}")).Status);
        using var anonymous = new Browser(app);
        Assert.NotEqual(HttpStatusCode.OK, (await anonymous.GetAsync("/agent/liste-attente")).Status);
    }

    [Fact]
    public async Task Lifting_a_closure_offers_its_slots_to_the_waiting_list()
    {
        using var admin = new Browser(app);
        await admin.SignInAsync("admin@saint-aubin.demo");
        var page = await admin.GetAsync("/admin/fermetures");
        var saved = await admin.SubmitAsync(page, "form#ajouter-fermeture", new Dictionary<string, string?>
        {
            ["siteId"] = Site, ["stationId"] = "", ["kind"] = "Closure", ["startDate"] = "2027-01-27", ["endDate"] = "2027-01-27",
            ["startTime"] = "", ["endTime"] = "", ["reason"] = "Inventaire", ["agentId"] = "",
        });
        Assert.Equal(HttpStatusCode.Redirect, saved.Status);
        Assert.Empty(await app.SlotsAsync(site: Site, from: "2027-01-27", to: "2027-01-27"));
        await JoinAsync("closure@exemple.fr", "2027-01-27", notBefore: "2027-01-27");
        await app.OfferAsync();
        Assert.Empty(await OffersToAsync("closure@exemple.fr"));

        var detail = await admin.FollowAsync(saved);
        var deleted = await admin.SubmitAsync(detail, "form[action*='handler=Delete']", new Dictionary<string, string?>());
        Assert.Equal(HttpStatusCode.Redirect, deleted.Status);
        await app.OfferAsync();
        var offer = Assert.Single(await OffersToAsync("closure@exemple.fr"));
        Assert.Contains("mercredi 27 janvier 2027 à 9 h", offer.Body);
    }

    [GeneratedRegex(@"/liste-attente/offre/([0-9a-f]+)\?token=([A-Za-z0-9_\-%]+)")]
    private static partial Regex OfferRegex();
}

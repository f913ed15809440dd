using System.Text.Encodings.Web;
using Guichet.Domain.Contacts;
using Guichet.Domain.Messaging;
using Guichet.Domain.Requests;
using Guichet.Domain.Satisfaction;
using Guichet.Web.Data;
using Guichet.Web.Features.Notifications;
using Guichet.Web.Features.Requests;
using Guichet.Web.Platform;
using Guichet.Web.Platform.Mail;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Satisfaction;

/// <summary>Section "Satisfaction".</summary>
public sealed class SatisfactionOptions
{
    /// <summary>Runs the pass in the background. Tests turn it off and call RunOnceAsync themselves.</summary>
    public bool Enabled { get; set; } = true;
    public int PollSeconds { get; set; } = 300;
    public int BatchSize { get; set; } = 200;
    /// <summary>How long a survey link works.</summary>
    public int ValidityDays { get; set; } = 30;
    /// <summary>How late past its due time a survey is still sent (after an outage); later, it is not sent at all.</summary>
    public int LatenessHours { get; set; } = 72;
    /// <summary>Free comments are removed this many months after the answer; the scores stay, for the results.</summary>
    public int CommentRetentionMonths { get; set; } = 12;

    public TimeSpan Lateness => TimeSpan.FromHours(LatenessHours);

    public IEnumerable<string> Problems()
    {
        if (PollSeconds is < 1 or > 86_400) yield return "Satisfaction:PollSeconds doit être compris entre 1 et 86400.";
        if (BatchSize is < 1 or > 10_000) yield return "Satisfaction:BatchSize doit être compris entre 1 et 10000.";
        if (ValidityDays is < 1 or > 365) yield return "Satisfaction:ValidityDays doit être compris entre 1 et 365.";
        if (LatenessHours is < 1 or > 720) yield return "Satisfaction:LatenessHours doit être compris entre 1 et 720.";
        if (CommentRetentionMonths is < 1 or > 120) yield return "Satisfaction:CommentRetentionMonths doit être compris entre 1 et 120.";
    }
}

/// <summary>
/// The pass that sends surveys: for each organisation that switched them on, the appointments marked honoured and
/// the requests answered or closed a few hours ago get one survey each, written with its message into the outbox in
/// one transaction. The citizen is reached as for the other messages: e-mail first, else a mobile that did not
/// answer STOP; neither, no survey. Two nodes running the pass at once: the unique index on the appointment (or the
/// request) lets one insert win, the other skips. The pass also removes comments past their retention.
/// </summary>
public sealed class SendSurveys(GuichetDb db, SatisfactionOptions options, AppOptions app, MailOptions mail, TimeProvider clock, ILogger<SendSurveys> log)
{
    /// <summary>An arrival marked later than this after the appointment gets no survey (the visit is too far back).</summary>
    public const int MarkedWithinDays = 7;

    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var sent = 0;
        var enabled = await db.Set<SatisfactionSettings>().AsNoTracking().Where(s => s.Enabled).ToListAsync(ct);
        foreach (var settings in enabled)
        {
            var (from, to) = SurveyTiming.CauseWindow(settings.EnabledSinceUtc, settings.DelayHours, options.Lateness, now);
            if (from > to) continue;
            sent += await AppointmentsAsync(settings.OrganisationId, from, to, now, ct);
            sent += await RequestsAsync(settings.OrganisationId, from, to, now, ct);
        }
        await RemoveOldCommentsAsync(now, ct);
        if (sent > 0) log.LogInformation("Satisfaction pass queued {Count} surveys", sent);
        return sent;
    }

    private async Task<int> AppointmentsAsync(string organisationId, DateTime from, DateTime to, DateTime now, CancellationToken ct)
    {
        var surveys = db.Set<SatisfactionSurvey>();
        var due = await db.Appointments.AsNoTracking()
            .Where(a => a.OrganisationId == organisationId && a.Status == AppointmentStatus.Honoured
                && a.OutcomeUtc >= from && a.OutcomeUtc <= to && (a.Email != null || a.Phone != null)
                // An arrival is marked after the start, within days: the bounds let the (organisation, start) index serve.
                && a.StartUtc <= to && a.StartUtc >= from.AddDays(-MarkedWithinDays)
                && !surveys.Any(s => s.AppointmentId == a.Id))
            .OrderBy(a => a.OutcomeUtc).Take(options.BatchSize).ToListAsync(ct);
        if (due.Count == 0) return 0;
        var organisation = await OrganisationNameAsync(organisationId, ct);
        var siteIds = due.Select(a => a.SiteId).Distinct().ToList();
        var sites = await db.Sites.AsNoTracking().Where(s => siteIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, ct);
        var count = 0;
        foreach (var a in due)
        {
            if (await ReachAsync(a.Email, a.Phone, ct) is not { } reach) continue;
            var site = sites[a.SiteId];
            var day = FrenchDates.Day(FrenchDates.ToLocal(a.StartUtc, site.TimeZone));
            var survey = NewSurvey(organisationId, SurveySubject.Appointment, reach.Channel, now, out var token);
            (survey.AppointmentId, survey.SiteId) = (a.Id, a.SiteId);
            var link = Link(token);
            var message = reach.Channel == MessageChannel.Email
                ? Email(organisation, $"{a.FirstName} {a.LastName}", $"Votre avis sur votre rendez-vous du {day}",
                    $"Vous êtes venu le {day} à {site.Name}. Votre avis nous aide à améliorer l'accueil.", link)
                : Sms($"{organisation} : merci de votre visite. Votre avis en 1 minute : {link}");
            if (await SaveAsync(survey, message, organisationId, reach, $"satisfaction:appointment:{a.Id}", now, ct)) count++;
        }
        return count;
    }

    private async Task<int> RequestsAsync(string organisationId, DateTime from, DateTime to, DateTime now, CancellationToken ct)
    {
        var surveys = db.Set<SatisfactionSurvey>();
        // The cause is the first time the request was answered or closed, read from its history.
        var due = await db.Set<RequestEvent>().AsNoTracking()
            .Where(e => e.OrganisationId == organisationId && e.Kind == RequestEventKind.StatusChanged
                && (e.ToStatus == RequestStatus.Answered || e.ToStatus == RequestStatus.Closed) && e.AtUtc >= from && e.AtUtc <= to)
            .Join(db.CitizenRequests.AsNoTracking(), e => e.RequestId, r => r.Id, (e, r) => r)
            .Where(r => r.AnonymisedUtc == null && (r.Email != null || r.Phone != null) && !surveys.Any(s => s.RequestId == r.Id))
            .Select(r => r.Id).Distinct().Take(options.BatchSize).ToListAsync(ct);
        if (due.Count == 0) return 0;
        var organisation = await OrganisationNameAsync(organisationId, ct);
        var requests = await db.CitizenRequests.AsNoTracking().Where(r => due.Contains(r.Id)).ToListAsync(ct);
        var count = 0;
        foreach (var r in requests)
        {
            if (await ReachAsync(r.Email, r.Phone, ct) is not { } reach) continue;
            var code = TrackingCode.Display(r.TrackingCode);
            var survey = NewSurvey(organisationId, SurveySubject.Request, reach.Channel, now, out var token);
            (survey.RequestId, survey.UnitId) = (r.Id, r.UnitId);
            var link = Link(token);
            var message = reach.Channel == MessageChannel.Email
                ? Email(organisation, r.DisplayName, $"Votre avis sur la réponse à votre demande {code}",
                    $"Nous avons répondu à votre demande {code}. Votre avis nous aide à améliorer nos réponses.", link)
                : Sms($"{organisation} : votre demande {code} a reçu une réponse. Votre avis en 1 minute : {link}");
            // The request's prefix: anonymising the request blanks this message too (AnonymiseRequest).
            if (await SaveAsync(survey, message, organisationId, reach, $"request:{r.Id}:satisfaction", now, ct)) count++;
        }
        return count;
    }

    private sealed record Reach(MessageChannel Channel, string Recipient);
    private sealed record Composed(string? Subject, string Text, string? Html);

    /// <summary>E-mail first, as the other messages; else a mobile that did not answer STOP; else nobody.</summary>
    private async Task<Reach?> ReachAsync(string? email, string? phone, CancellationToken ct)
    {
        if (!string.IsNullOrWhiteSpace(email)) return new(MessageChannel.Email, email);
        if (FrenchPhone.Parse(phone) is { IsMobile: true } mobile && !await db.Set<SmsOptOut>().AnyAsync(o => o.Phone == mobile.E164, ct))
            return new(MessageChannel.Sms, mobile.E164);
        return null;
    }

    private SatisfactionSurvey NewSurvey(string organisationId, SurveySubject subject, MessageChannel channel, DateTime now, out string token)
    {
        token = Secrets.NewToken();
        return new SatisfactionSurvey
        {
            Id = Secrets.NewId(), OrganisationId = organisationId, Subject = subject, Channel = channel,
            TokenHash = Secrets.Hash(token), SentUtc = now, ExpiresUtc = now.AddDays(options.ValidityDays),
        };
    }

    private string Link(string token) => $"{app.PublicBaseUrl.TrimEnd('/')}/avis/{token}";

    private Composed Email(string organisation, string name, string subject, string intro, string link)
    {
        var until = $"Le lien est valable {options.ValidityDays} jours. Vos réponses servent à mesurer la qualité du service ; votre commentaire n'est lu que par les agents de {organisation}.";
        var text = $"Bonjour {name},\n\n{intro}\n\nTrois questions, une minute :\n{link}\n\n{until}\n\n{organisation}\nCe message est envoyé automatiquement : merci de ne pas y répondre.\n";
        var h = HtmlEncoder.Default;
        var html = $"""
            <!DOCTYPE html>
            <html lang="fr"><head><meta charset="utf-8"><title>{h.Encode(subject)}</title></head>
            <body>
            <p>Bonjour {h.Encode(name)},</p>
            <p>{h.Encode(intro)}</p>
            <p><a href="{h.Encode(link)}">Donner mon avis (trois questions, une minute)</a></p>
            <p>{h.Encode(until)}</p>
            <p>{h.Encode(organisation)}<br>Ce message est envoyé automatiquement : merci de ne pas y répondre.</p>
            </body></html>
            """;
        return new(subject, text, html);
    }

    /// <summary>GSM-safe, so no accent turns it into UCS-2: one or two segments with the link.</summary>
    private static Composed Sms(string text) => new(null, SmsEncoding.ToGsmSafe(text), null);

    private async Task<bool> SaveAsync(SatisfactionSurvey survey, Composed message, string organisationId, Reach reach, string key, DateTime now, CancellationToken ct)
    {
        var id = Secrets.NewId();
        db.Add(survey);
        db.Add(new OutboxMessage
        {
            Id = id, OrganisationId = organisationId, Kind = MessageKind.SatisfactionSurvey, Channel = reach.Channel,
            Recipient = reach.Recipient, Subject = message.Subject, Body = message.Text, HtmlBody = message.Html,
            ScheduledUtc = now, NextAttemptUtc = now, IdempotencyKey = key, Status = MessageStatus.Pending, CreatedUtc = now,
            ProviderReference = reach.Channel == MessageChannel.Email ? $"<{id}.satisfaction@{mail.Domain}>" : null,
            Segments = reach.Channel == MessageChannel.Sms ? SmsEncoding.Analyze(message.Text).Segments : null,
        });
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            // Another node queued this survey a moment ago.
            db.ChangeTracker.Clear();
            return false;
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    private Task<string> OrganisationNameAsync(string organisationId, CancellationToken ct) =>
        db.Organisations.Where(o => o.Id == organisationId).Select(o => o.Name).FirstAsync(ct);

    private Task<int> RemoveOldCommentsAsync(DateTime now, CancellationToken ct)
    {
        var bound = now.AddMonths(-options.CommentRetentionMonths);
        return db.Set<SatisfactionSurvey>().Where(s => s.Comment != null && s.AnsweredUtc < bound)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Comment, (string?)null).SetProperty(x => x.CommentRemovedUtc, now), ct);
    }
}

/// <summary>Runs <see cref="SendSurveys.RunOnceAsync"/> every few minutes.</summary>
public sealed class SatisfactionWorker(IServiceScopeFactory scopes, SatisfactionOptions options, TimeProvider clock, ILogger<SatisfactionWorker> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.PollSeconds), clock);
        while (await timer.WaitForNextTickAsync(stop))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<SendSurveys>().RunOnceAsync(stop);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogError(e, "Satisfaction pass failed; the next pass tries again");
            }
        }
    }
}

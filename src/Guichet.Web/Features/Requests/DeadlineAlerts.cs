using Guichet.Domain.Calendar;
using Guichet.Domain.Requests;
using Guichet.Web.Data;
using Guichet.Web.Features.Notifications;
using Guichet.Web.Platform;
using Guichet.Web.Platform.Mail;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Requests;

/// <summary>Section "RequestAlerts".</summary>
public sealed class RequestAlertsOptions
{
    /// <summary>Runs the alerts in the background. Tests turn it off and call RunOnceAsync themselves.</summary>
    public bool Enabled { get; set; } = true;
    public int PollMinutes { get; set; } = 15;
    public int BatchSize { get; set; } = 500;

    public IEnumerable<string> Problems()
    {
        if (PollMinutes is < 1 or > 1440) yield return "RequestAlerts:PollMinutes va de 1 à 1440.";
        if (BatchSize is < 1 or > 10000) yield return "RequestAlerts:BatchSize va de 1 à 10000.";
    }
}

/// <summary>
/// Deadline alerts (practice of Maarch's two alarms): once per open request and per threshold — N working days before
/// the due date (organisation setting, default 2) and once overdue — an e-mail to the unit's address and to each
/// supervisor of the organisation, through the outbox. Never twice: each message's idempotency key is
/// (request, threshold, recipient) under the outbox's unique index, so two nodes racing write it once.
/// </summary>
public sealed class DeadlineAlerts(GuichetDb db, AppOptions app, MailOptions mail, RequestAlertsOptions options, TimeProvider clock, ILogger<DeadlineAlerts> log)
{
    public enum Threshold { Soon, Overdue }

    /// <summary>One pass over every organisation; returns the number of messages queued.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var organisations = await db.Organisations.AsNoTracking().ToListAsync(ct);
        var settings = await db.Set<WorkflowSettings>().AsNoTracking().ToDictionaryAsync(s => s.OrganisationId, s => s.AlertDaysBefore, ct);
        var queued = 0;
        foreach (var organisation in organisations)
        {
            var (zone, calendar) = await OrganisationCalendar.ForAsync(db, organisation, ct);
            var today = Deadline.ReceivedOn(clock.GetUtcNow().UtcDateTime, zone);
            var daysBefore = settings.GetValueOrDefault(organisation.Id, WorkflowSettings.DefaultAlertDaysBefore);
            // Due on or before this date: within the warning window (the due day itself still counts as "soon").
            var soonLimit = daysBefore > 0 ? WorkingDays.Add(today, daysBefore, calendar) : today.AddDays(-1);
            RequestStatus[] open = [RequestStatus.Received, RequestStatus.Assigned, RequestStatus.InProgress, RequestStatus.AwaitingApproval];
            var candidates = await db.CitizenRequests.AsNoTracking()
                .Where(r => r.OrganisationId == organisation.Id && open.Contains(r.Status) && r.DueDate <= soonLimit)
                .OrderBy(r => r.DueDate).Take(options.BatchSize).ToListAsync(ct);
            if (candidates.Count == 0) continue;
            var supervisors = await db.Agents.AsNoTracking()
                .Where(a => a.OrganisationId == organisation.Id && a.Active && a.Role == AgentRole.Supervisor)
                .Select(a => new { a.Id, a.Email }).ToListAsync(ct);
            var unitIds = candidates.Select(r => r.UnitId).Distinct().ToList();
            var units = await db.Set<Unit>().AsNoTracking().Where(u => unitIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, ct);
            var categoryIds = candidates.Select(r => r.CategoryId).Distinct().ToList();
            var categories = await db.Set<Category>().AsNoTracking().Where(c => categoryIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Name, ct);
            foreach (var r in candidates)
            {
                var threshold = today > r.DueDate ? Threshold.Overdue : Threshold.Soon;
                if (threshold == Threshold.Soon && daysBefore == 0) continue;
                var unit = units[r.UnitId];
                var recipients = new List<(string Key, string Email)> { ("unit", unit.Email) };
                recipients.AddRange(supervisors.Select(s => (s.Id, s.Email)));
                var keys = recipients.Select(x => Key(r, threshold, x.Key)).ToList();
                var present = (await db.Set<OutboxMessage>().AsNoTracking().Where(m => keys.Contains(m.IdempotencyKey)).Select(m => m.IdempotencyKey).ToListAsync(ct)).ToHashSet();
                foreach (var (key, email) in recipients)
                {
                    if (present.Contains(Key(r, threshold, key))) continue;
                    queued += await AddAsync(r, organisation, unit, categories.GetValueOrDefault(r.CategoryId, ""), threshold, key, email, today, calendar, ct);
                }
            }
        }
        return queued;
    }

    private static string Key(CitizenRequest r, Threshold threshold, string recipient) =>
        $"request:{r.Id}:alert:{(threshold == Threshold.Soon ? "soon" : "overdue")}:{recipient}";

    private async Task<int> AddAsync(CitizenRequest r, Organisation organisation, Unit unit, string category, Threshold threshold, string recipientKey,
        string email, DateOnly today, HolidayCalendar calendar, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var code = TrackingCode.Display(r.TrackingCode);
        var link = app.PublicBaseUrl.TrimEnd('/') + "/agent/demandes/" + Uri.EscapeDataString(r.Id);
        var late = threshold == Threshold.Overdue ? WorkingDays.Count(r.DueDate, today, calendar) : 0;
        var subject = threshold == Threshold.Soon
            ? $"Échéance proche : demande {code} à traiter avant le {Acknowledgement.Date(r.DueDate)}"
            : $"En retard : demande {code}, échéance dépassée du {Acknowledgement.Date(r.DueDate)}";
        // Agents' alert: the request's code, category and dates only, never the citizen's contact details.
        var body = (threshold == Threshold.Soon
                ? $"Bonjour,\n\nLa demande {code} ({category}), confiée au service « {unit.Name} », doit recevoir une réponse au plus tard le {Acknowledgement.Date(r.DueDate)}.\n"
                : $"Bonjour,\n\nLa demande {code} ({category}), confiée au service « {unit.Name} », est en retard : son échéance était le {Acknowledgement.Date(r.DueDate)}"
                  + (late > 0 ? $" ({late} jour(s) ouvré(s) de retard).\n" : ".\n"))
            + $"État : {RequestLifecycle.Label(r.Status)}.\n\nOuvrir la demande : {link}\n\n{organisation.Name}\nMessage automatique de Guichet.\n";
        var id = Secrets.NewId();
        db.Add(new OutboxMessage
        {
            Id = id, OrganisationId = r.OrganisationId, Kind = threshold == Threshold.Soon ? MessageKind.RequestDeadlineSoon : MessageKind.RequestOverdue,
            Channel = MessageChannel.Email, Recipient = email, Subject = subject.Length > 300 ? subject[..300] : subject, Body = body,
            ScheduledUtc = now, IdempotencyKey = Key(r, threshold, recipientKey), Status = MessageStatus.Pending, NextAttemptUtc = now,
            ProviderReference = $"<{id}.alert@{mail.Domain}>", CreatedUtc = now,
        });
        try
        {
            await db.SaveChangesAsync(ct);
            return 1;
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            // Another node queued the same alert first: that one stands.
            log.LogInformation("Alert for request {RequestId} already queued by another node", r.Id);
            return 0;
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }
}

/// <summary>Runs <see cref="DeadlineAlerts.RunOnceAsync"/> every few minutes.</summary>
public sealed class DeadlineAlertWorker(IServiceScopeFactory scopes, RequestAlertsOptions options, TimeProvider clock, ILogger<DeadlineAlertWorker> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(options.PollMinutes), clock);
        // A first pass at start: after a restart or a deployment, alerts do not wait a whole period.
        var first = true;
        while (first || await timer.WaitForNextTickAsync(stop))
        {
            first = false;
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<DeadlineAlerts>().RunOnceAsync(stop);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogError(e, "Deadline alerts pass failed; the next pass tries again");
            }
        }
    }
}

/// <summary>The agents' workflow on requests: approval circuit, deadline alerts, canned answers, merge and split.</summary>
public static class RequestWorkflowFeature
{
    public static WebApplicationBuilder AddRequestWorkflow(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection("RequestAlerts").Get<RequestAlertsOptions>() ?? new RequestAlertsOptions();
        var problems = options.Problems().ToList();
        if (problems.Count > 0) throw new InvalidOperationException("Configuration des alertes de demandes invalide : " + string.Join(" ", problems));
        builder.Services.AddSingleton(options);
        builder.Services.AddScoped<ApproveReply>();
        builder.Services.AddScoped<DeadlineAlerts>();
        builder.Services.AddScoped<MergeRequests>();
        if (options.Enabled) builder.Services.AddHostedService<DeadlineAlertWorker>();
        return builder;
    }

    public static WebApplication MapRequestWorkflow(this WebApplication app)
    {
        // A request's history as CSV, for agents of its organisation only; the export itself is an event of the history.
        app.MapGet("/agent/demandes/{id}/historique.csv", async (string id, CurrentAgent current, GuichetDb db, TimeProvider clock, CancellationToken ct) =>
        {
            var agent = await current.GetAsync(ct);
            if (agent is null) return Results.NotFound();
            var request = await db.CitizenRequests.FirstOrDefaultAsync(r => r.Id == id && r.OrganisationId == agent.OrganisationId, ct);
            if (request is null) return Results.NotFound();
            var organisation = await db.Organisations.AsNoTracking().FirstAsync(o => o.Id == agent.OrganisationId, ct);
            var (zone, _) = await OrganisationCalendar.ForAsync(db, organisation, ct);
            var events = (await db.Set<RequestEvent>().AsNoTracking().Where(e => e.RequestId == id).ToListAsync(ct))
                .OrderBy(e => e.AtUtc).ThenBy(e => e.Id, StringComparer.Ordinal).ToList();
            var agentIds = events.Select(e => e.AgentId).OfType<string>().Distinct().ToList();
            var names = await db.Agents.AsNoTracking().Where(a => agentIds.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => a.DisplayName, ct);
            var csv = new System.Text.StringBuilder("date;qui;quoi;vu par l'usager\r\n");
            static string Cell(string v) => "\"" + (v.Length > 0 && v[0] is '=' or '+' or '-' or '@' ? "'" + v : v).Replace("\"", "\"\"") + "\"";
            foreach (var e in events)
                csv.Append(Cell(FrenchDates.ToLocal(e.AtUtc, zone.Id).ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture))).Append(';')
                    .Append(Cell(e.AgentId is null ? "usager ou plateforme" : names.GetValueOrDefault(e.AgentId, "agent"))).Append(';')
                    .Append(Cell(RequestDetailModel.Describe(e))).Append(';').Append(e.Public ? "oui" : "non").Append("\r\n");
            RequestHistory.Add(db, request, RequestEventKind.Exported, agent.Id, clock.GetUtcNow().UtcDateTime, "Historique exporté (CSV).", isPublic: false);
            await db.SaveChangesAsync(ct);
            return Results.File(System.Text.Encoding.UTF8.GetPreamble().Concat(System.Text.Encoding.UTF8.GetBytes(csv.ToString())).ToArray(),
                "text/csv; charset=utf-8", $"demande-{request.TrackingCode}-historique.csv");
        }).RequireAuthorization("agenda");
        return app;
    }
}

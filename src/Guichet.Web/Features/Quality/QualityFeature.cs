using System.Globalization;
using Guichet.Domain.Quality;
using Guichet.Domain.Requests;
using Guichet.Domain.Scheduling;
using Guichet.Web.Data;
using Guichet.Web.Platform;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Quality;

/// <summary>Quality indicators: the supervisors' dashboard (/agent/qualite), the public transparency page (/transparence/{organisation}) and GET /api/v1/indicators.</summary>
public static class QualityFeature
{
    public const int DefaultPeriodDays = 30;

    public static WebApplicationBuilder AddQuality(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection("Quality").Get<QualityOptions>() ?? new QualityOptions();
        if (options.SlotDelayCacheSeconds is < 0 or > 3600)
            throw new InvalidOperationException("Quality:SlotDelayCacheSeconds va de 0 à 3600.");
        builder.Services.AddSingleton(options);
        builder.Services.AddMemoryCache();
        builder.Services.AddScoped<QualityIndicators>();
        // The demo's past activity, once the demo territory is seeded (Development only, like the demo itself).
        if (builder.Environment.IsDevelopment()) builder.Services.AddHostedService<QualityDemo>();
        return builder;
    }

    /// <summary>Reads a period typed by a person or a program: dates as 2026-11-30; missing ones default to the last 30 days.</summary>
    public static (DateOnly From, DateOnly To, List<FieldError> Errors) ParsePeriod(string? from, string? to, DateOnly today, string fromField = "from", string toField = "to")
    {
        var errors = new List<FieldError>();
        DateOnly? Parse(string? v, string field)
        {
            if (string.IsNullOrWhiteSpace(v)) return null;
            if (DateOnly.TryParseExact(v.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) return d;
            errors.Add(new FieldError(field, $"La date « {(v.Length > 20 ? v[..20] : v)} » n'est pas valide (format attendu : 2026-11-30)."));
            return null;
        }
        var t = Parse(to, toField) ?? (string.IsNullOrWhiteSpace(from) ? today : null);
        var f = Parse(from, fromField);
        var end = t ?? (f is { } ff && ff.DayNumber + DefaultPeriodDays - 1 <= DateOnly.MaxValue.DayNumber ? ff.AddDays(DefaultPeriodDays - 1) : today);
        var start = f ?? (end.DayNumber >= DefaultPeriodDays ? end.AddDays(-(DefaultPeriodDays - 1)) : DateOnly.MinValue);
        if (errors.Count == 0 && QualityMath.CheckPeriod(start, end) is { } error) errors.Add(new FieldError(toField, error));
        return (start, end, errors);
    }

    public static void MapQuality(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").WithTags("API publique v1").RequireRateLimiting("public-api");
        api.MapGet("/indicators", async (HttpRequest http, GuichetDb db, QualityIndicators indicators, TimeProvider clock, CancellationToken ct) =>
        {
            var q = http.Query;
            string? organisation = q["organisation"].FirstOrDefault(), site = q["site"].FirstOrDefault();
            if (string.IsNullOrWhiteSpace(organisation) && string.IsNullOrWhiteSpace(site))
                return Problems.Validation("organisation", "Indiquez l'organisation (paramètre organisation) ou un lieu (paramètre site).");
            if (!string.IsNullOrWhiteSpace(site))
            {
                var owner = await db.Sites.AsNoTracking().Where(s => s.Id == site).Select(s => s.OrganisationId).FirstOrDefaultAsync(ct);
                if (owner is null) return Problems.NotFound("Ce lieu d'accueil n'existe pas.");
                if (!string.IsNullOrWhiteSpace(organisation) && organisation != owner)
                    return Problems.Validation("site", "Ce lieu n'appartient pas à cette organisation.");
                organisation = owner;
            }
            if (!await db.Organisations.AnyAsync(o => o.Id == organisation, ct)) return Problems.NotFound("Cette organisation n'existe pas.");
            var (zone, _) = RequestStamps.CalendarOf(db, organisation!);
            var today = Deadline.ReceivedOn(clock.GetUtcNow().UtcDateTime, zone);
            if (q["from"].Count == 0 || q["to"].Count == 0)
                return Problems.Validation(q["from"].Count == 0 ? "from" : "to", "Indiquez la période : paramètres from et to (format 2026-11-30).");
            var (from, to, errors) = ParsePeriod(q["from"], q["to"], today);
            if (errors.Count > 0) return Problems.Validation(errors);
            var report = await indicators.ComputeAsync(new IndicatorFilter(organisation!, from, to, string.IsNullOrWhiteSpace(site) ? null : site), ct);
            return report is null ? Problems.NotFound("Cette organisation n'existe pas.") : Results.Ok(IndicatorsDto.Of(report));
        })
        .WithSummary("Indicateurs de qualité d'une organisation sur une période (données ouvertes, sans donnée personnelle)")
        .WithDescription("Paramètres : from et to (dates 2026-11-30, 366 jours au plus), organisation (identifiant) ou site (identifiant d'un lieu : son organisation, et les rendez-vous de ce lieu seulement). Mêmes chiffres que le tableau de bord des responsables.")
        .Produces<IndicatorsDto>()
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);
    }
}

public sealed record IndicatorsDto(
    string Organisation, string OrganisationName, DateOnly From, DateOnly To, string? Site, DateOnly Today,
    RequestsDto Requests, CallsDto Calls, IReadOnlyList<CallsDto> CallsByUnit, AppointmentsDto Appointments,
    IReadOnlyList<SatisfactionDto> Satisfaction)
{
    public static IndicatorsDto Of(QualityReport r) => new(
        r.Filter.OrganisationId, r.OrganisationName, r.Filter.From, r.Filter.To, r.Filter.SiteId, r.Today,
        new RequestsDto(r.Requests.InTime, r.Requests.Counted, r.Requests.InTimePercent,
            r.Requests.Deadlines.Select(d => new DeadlineDto(d.UnitId, d.UnitName, d.Channel.ToString(), d.InTime, d.Late, d.OverdueUnanswered, d.InTimePercent)).ToList(),
            new DurationDto(r.Requests.TimeToAnswer.Count, r.Requests.TimeToAnswer.Mean, r.Requests.TimeToAnswer.P90),
            new DurationDto(r.Requests.FirstResponse.Count, r.Requests.FirstResponse.Mean, r.Requests.FirstResponse.P90),
            r.Requests.Open, r.Requests.Overdue,
            r.Requests.Backlog.Select(b => new BacklogDto(b.UnitId, b.UnitName, b.Open, b.Overdue)).ToList()),
        CallsDto.Of(r.CallsTotal), r.Calls.Select(CallsDto.Of).ToList(),
        new AppointmentsDto(
            r.Appointments.SlotDelays.Select(s => new SlotDelayDto(s.SiteId, s.SiteName, s.ReasonCode, s.FirstFree, s.DelayDays)).ToList(),
            r.Appointments.Bookings.ToDictionary(b => b.Channel.ToString().ToLowerInvariant(), b => b.Count),
            r.Appointments.Outcomes.Select(o => new SiteOutcomeDto(o.SiteId, o.SiteName, o.Booked, o.Honoured, o.NoShow, o.Excused, o.Cancelled, o.NoShowPercent, o.CancelledPercent)).ToList(),
            r.Appointments.UrgentBookings,
            new DurationDto(r.Appointments.DepositToWithdrawal.Count, r.Appointments.DepositToWithdrawal.Mean, r.Appointments.DepositToWithdrawal.P90)),
        // Scores only: the free comments are for the organisation's agents, never in open data.
        r.Satisfaction.Select(q => new SatisfactionDto(q.Question, q.Label, q.Answers, q.Mean,
            q.Mean is null ? null : q.Distribution.ToDictionary(d => d.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), d => d.Value),
            q.SurveysSent, q.ResponseRate)).ToList());
}

/// <summary>One survey question: answers, mean score (1–5), answers per score, surveys sent and response rate (%).</summary>
public sealed record SatisfactionDto(string Question, string Label, int Answers, double? Mean, IReadOnlyDictionary<string, int>? AnswersPerScore,
    int SurveysSent, double? ResponseRate);

/// <summary>Working days (requests) or calendar days (withdrawals): how many, the mean, and the 90th percentile.</summary>
public sealed record DurationDto(long Count, double? MeanDays, int? P90Days);
public sealed record DeadlineDto(string UnitId, string Unit, string Channel, long AnsweredInTime, long AnsweredLate, long OverdueUnanswered, double? InTimePercent);
public sealed record BacklogDto(string UnitId, string Unit, long Open, long Overdue);
public sealed record RequestsDto(long InTime, long Counted, double? InTimePercent, IReadOnlyList<DeadlineDto> ByUnitAndChannel,
    DurationDto TimeToAnswer, DurationDto FirstResponse, long Open, long Overdue, IReadOnlyList<BacklogDto> BacklogByUnit);
public sealed record CallsDto(string? UnitId, string Unit, long Received, long Answered, long Abandoned, long Transferred, long MessagesLeft, long Unfinished,
    double? AnsweredPercent, int TargetPercent, bool? MeetsTarget)
{
    public static CallsDto Of(CallRow c) => new(c.UnitId, c.Label, c.Received, c.Answered, c.Abandoned, c.Transferred, c.Messages, c.Unfinished,
        c.AnsweredPercent, QualityTargets.AnsweredCallsMinPercent, c.MeetsTarget);
}
public sealed record SlotDelayDto(string SiteId, string Site, string Reason, DateOnly? FirstFreeDay, int? DelayDays);
public sealed record SiteOutcomeDto(string SiteId, string Site, long Booked, long Honoured, long NoShow, long Excused, long Cancelled, double? NoShowPercent, double? CancelledPercent);
public sealed record AppointmentsDto(IReadOnlyList<SlotDelayDto> FirstFreeSlot, IReadOnlyDictionary<string, long> BookingsByChannel,
    IReadOnlyList<SiteOutcomeDto> BySite, long UrgentReserveBookings, DurationDto DepositToWithdrawal);

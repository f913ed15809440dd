using Guichet.Domain.Satisfaction;
using Guichet.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Satisfaction;

/// <summary>
/// The figures of one question over a period. Scored questions have a mean (1–5, two decimals) and the count of each
/// score; the comment question counts the comments left, with no mean. The response rate is this question's answers
/// over the surveys sent in the period (in %, one decimal; null when none was sent).
/// </summary>
public sealed record SurveyQuestionResult(
    string Question, string Label, int Answers, double? Mean, IReadOnlyDictionary<int, int> Distribution, int SurveysSent, double? ResponseRate);

/// <summary>One free comment, for agents of the organisation only (never public, never in the open-data figures).</summary>
public sealed record SurveyComment(DateTime AnsweredUtc, SurveySubject Subject, string Where, int Overall, string Text);

/// <summary>
/// Satisfaction results of one organisation: surveys sent between two local days (inclusive, in the organisation's
/// zone: that of its first site, Paris when it has none), optionally for one site (then only appointments count:
/// requests belong to no site). Counted in the database, never loaded row by row.
/// </summary>
public static class SatisfactionResults
{
    public static async Task<IReadOnlyList<SurveyQuestionResult>> ComputeAsync(
        GuichetDb db, string organisationId, DateOnly from, DateOnly to, string? siteId, CancellationToken ct)
    {
        var surveys = await InPeriodAsync(db, organisationId, from, to, siteId, ct);
        // One pass over the period's surveys (conditional counts), not one query per question: a year of a big
        // organisation is hundreds of thousands of rows. A score is set only with its answer.
        var c = await surveys.GroupBy(s => s.OrganisationId).Select(g => new
        {
            Sent = g.Count(),
            O1 = g.Count(s => s.Overall == 1), O2 = g.Count(s => s.Overall == 2), O3 = g.Count(s => s.Overall == 3), O4 = g.Count(s => s.Overall == 4), O5 = g.Count(s => s.Overall == 5),
            D1 = g.Count(s => s.Delay == 1), D2 = g.Count(s => s.Delay == 2), D3 = g.Count(s => s.Delay == 3), D4 = g.Count(s => s.Delay == 4), D5 = g.Count(s => s.Delay == 5),
            C1 = g.Count(s => s.Clarity == 1), C2 = g.Count(s => s.Clarity == 2), C3 = g.Count(s => s.Clarity == 3), C4 = g.Count(s => s.Clarity == 4), C5 = g.Count(s => s.Clarity == 5),
            Comments = g.Count(s => s.AnsweredUtc != null && (s.Comment != null || s.CommentRemovedUtc != null)),
        }).FirstOrDefaultAsync(ct);
        static IReadOnlyDictionary<int, int> Scores(params int[] n) => n.Select((count, i) => (Score: i + 1, count)).ToDictionary(p => p.Score, p => p.count);
        var sent = c?.Sent ?? 0;
        var overall = c is null ? Scores() : Scores(c.O1, c.O2, c.O3, c.O4, c.O5);
        var delay = c is null ? Scores() : Scores(c.D1, c.D2, c.D3, c.D4, c.D5);
        var clarity = c is null ? Scores() : Scores(c.C1, c.C2, c.C3, c.C4, c.C5);
        var comments = c?.Comments ?? 0;

        var results = new List<SurveyQuestionResult>();
        foreach (var q in SurveyQuestions.All)
        {
            if (!q.Scored)
            {
                results.Add(new(q.Key, q.Label, comments, null, new Dictionary<int, int>(), sent, ScoreSummary.Rate(comments, sent)));
                continue;
            }
            var summary = ScoreSummary.From(q.Key switch { SurveyQuestions.Overall => overall, SurveyQuestions.Delay => delay, _ => clarity });
            results.Add(new(q.Key, q.Label, summary.Answers, summary.Mean, summary.Distribution, sent, ScoreSummary.Rate(summary.Answers, sent)));
        }
        return results;
    }

    /// <summary>The comments of the period, newest first, at most <paramref name="limit"/>.</summary>
    public static async Task<IReadOnlyList<SurveyComment>> CommentsAsync(
        GuichetDb db, string organisationId, DateOnly from, DateOnly to, string? siteId, int limit, CancellationToken ct)
    {
        var surveys = await InPeriodAsync(db, organisationId, from, to, siteId, ct);
        var rows = await surveys.Where(s => s.AnsweredUtc != null && s.Comment != null)
            .OrderByDescending(s => s.AnsweredUtc).ThenBy(s => s.Id).Take(limit)
            .Select(s => new { s.AnsweredUtc, s.Subject, s.SiteId, s.UnitId, s.Overall, s.Comment })
            .ToListAsync(ct);
        var sites = await db.Sites.AsNoTracking().Where(s => s.OrganisationId == organisationId).ToDictionaryAsync(s => s.Id, s => s.Name, ct);
        var units = await db.Set<Requests.Unit>().AsNoTracking().Where(u => u.OrganisationId == organisationId).ToDictionaryAsync(u => u.Id, u => u.Name, ct);
        return rows.Select(r => new SurveyComment(r.AnsweredUtc!.Value, r.Subject,
            r.Subject == SurveySubject.Appointment
                ? "Rendez-vous, " + (r.SiteId is { } s && sites.TryGetValue(s, out var site) ? site : "lieu inconnu")
                : "Demande, " + (r.UnitId is { } u && units.TryGetValue(u, out var unit) ? unit : "service inconnu"),
            r.Overall ?? 0, r.Comment!)).ToList();
    }

    /// <summary>The zone an organisation's days are counted in.</summary>
    public static async Task<TimeZoneInfo> ZoneAsync(GuichetDb db, string organisationId, CancellationToken ct)
    {
        var zoneId = await db.Sites.Where(s => s.OrganisationId == organisationId).OrderBy(s => s.Id).Select(s => s.TimeZone).FirstOrDefaultAsync(ct);
        return TimeZoneInfo.FindSystemTimeZoneById(zoneId ?? "Europe/Paris");
    }

    private static async Task<IQueryable<SatisfactionSurvey>> InPeriodAsync(
        GuichetDb db, string organisationId, DateOnly from, DateOnly to, string? siteId, CancellationToken ct)
    {
        var zone = await ZoneAsync(db, organisationId, ct);
        var fromUtc = TimeZoneInfo.ConvertTimeToUtc(from.ToDateTime(TimeOnly.MinValue), zone);
        var toUtc = TimeZoneInfo.ConvertTimeToUtc(to.AddDays(1).ToDateTime(TimeOnly.MinValue), zone);
        var q = db.Set<SatisfactionSurvey>().AsNoTracking()
            .Where(s => s.OrganisationId == organisationId && s.SentUtc >= fromUtc && s.SentUtc < toUtc);
        return string.IsNullOrEmpty(siteId) ? q : q.Where(s => s.SiteId == siteId);
    }
}

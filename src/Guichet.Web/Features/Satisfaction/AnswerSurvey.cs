using Guichet.Domain.Satisfaction;
using Guichet.Domain.Scheduling;
using Guichet.Web.Data;
using Guichet.Web.Platform;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Satisfaction;

/// <summary>What a survey link leads to.</summary>
public abstract record SurveyLink
{
    public sealed record Open(SatisfactionSurvey Survey, string OrganisationName) : SurveyLink;
    public sealed record Answered(string OrganisationName) : SurveyLink;
    public sealed record Expired(string OrganisationName) : SurveyLink;
    public sealed record Unknown : SurveyLink;
}

public abstract record AnswerResult
{
    public sealed record Recorded : AnswerResult;
    public sealed record Refused(IReadOnlyList<FieldError> Errors) : AnswerResult;
    /// <summary>Answered, expired or unknown since the page was shown.</summary>
    public sealed record Closed(SurveyLink Link) : AnswerResult;
}

/// <summary>
/// The citizen's side of a survey: what the link shows, and the answer, recorded once. The answer is one conditional
/// UPDATE (still unanswered, not expired), so two submissions racing each other leave exactly one answer.
/// </summary>
public sealed class AnswerSurvey(GuichetDb db, TimeProvider clock, ILogger<AnswerSurvey> log)
{
    /// <summary>Longer than any token we issue, so a huge path is refused before it is hashed.</summary>
    private const int MaxTokenLength = 100;

    public async Task<SurveyLink> FindAsync(string? token, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(token) || token.Length > MaxTokenLength) return new SurveyLink.Unknown();
        var hash = Secrets.Hash(token);
        var survey = await db.Set<SatisfactionSurvey>().AsNoTracking().FirstOrDefaultAsync(s => s.TokenHash == hash, ct);
        if (survey is null) return new SurveyLink.Unknown();
        var name = await db.Organisations.Where(o => o.Id == survey.OrganisationId).Select(o => o.Name).FirstAsync(ct);
        if (survey.AnsweredUtc is not null) return new SurveyLink.Answered(name);
        if (!SurveyTiming.IsOpen(survey.ExpiresUtc, survey.AnsweredUtc, clock.GetUtcNow().UtcDateTime)) return new SurveyLink.Expired(name);
        return new SurveyLink.Open(survey, name);
    }

    public async Task<AnswerResult> RunAsync(string? token, string? overall, string? delay, string? clarity, string? comment, CancellationToken ct)
    {
        if (await FindAsync(token, ct) is not SurveyLink.Open open) return new AnswerResult.Closed(await FindAsync(token, ct));
        if (SurveyQuestions.Check(overall, delay, clarity, comment) is SurveyAnswerCheck.Invalid invalid) return new AnswerResult.Refused(invalid.Errors);
        var answer = ((SurveyAnswerCheck.Valid)SurveyQuestions.Check(overall, delay, clarity, comment)).Answer;
        var now = clock.GetUtcNow().UtcDateTime;
        var id = open.Survey.Id;
        var recorded = await db.Set<SatisfactionSurvey>()
            .Where(s => s.Id == id && s.AnsweredUtc == null && s.ExpiresUtc > now)
            .ExecuteUpdateAsync(s => s
                .SetProperty(x => x.AnsweredUtc, now)
                .SetProperty(x => x.Overall, answer.Overall)
                .SetProperty(x => x.Delay, answer.Delay)
                .SetProperty(x => x.Clarity, answer.Clarity)
                .SetProperty(x => x.Comment, answer.Comment), ct);
        if (recorded == 0) return new AnswerResult.Closed(await FindAsync(token, ct));
        log.LogInformation("Satisfaction survey {SurveyId} of organisation {OrganisationId} answered", id, open.Survey.OrganisationId);
        return new AnswerResult.Recorded();
    }
}

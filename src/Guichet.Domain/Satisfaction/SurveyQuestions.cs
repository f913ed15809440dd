using Guichet.Domain.Scheduling;

namespace Guichet.Domain.Satisfaction;

/// <summary>What a survey is about: it changes the wording of the delay question only.</summary>
public enum SurveySubject { Appointment, Request }

/// <summary>One question of the survey. Scored questions take 1 (not at all satisfied) to 5 (very satisfied).</summary>
public sealed record SurveyQuestion(string Key, string Label, string AppointmentWording, string RequestWording, bool Scored, bool Required)
{
    public string Wording(SurveySubject subject) => subject == SurveySubject.Appointment ? AppointmentWording : RequestWording;
}

/// <summary>A citizen's answer once checked: scores 1–5 (null when skipped) and the comment, trimmed.</summary>
public sealed record SurveyAnswer(int Overall, int? Delay, int? Clarity, string? Comment);

public abstract record SurveyAnswerCheck
{
    public sealed record Valid(SurveyAnswer Answer) : SurveyAnswerCheck;
    public sealed record Invalid(IReadOnlyList<FieldError> Errors) : SurveyAnswerCheck;
}

/// <summary>
/// The survey: three scored questions and an optional comment, short enough to answer in a minute (Marianne and
/// Services Publics+ ask for the results, not for a long questionnaire). The keys are stable: results and the CSV use them.
/// </summary>
public static class SurveyQuestions
{
    public const int MinScore = 1;
    public const int MaxScore = 5;
    public const int MaxCommentLength = 1000;

    public const string Overall = "overall";
    public const string Delay = "delay";
    public const string Clarity = "clarity";
    public const string Comment = "comment";

    public static readonly IReadOnlyList<SurveyQuestion> All =
    [
        new(Overall, "Satisfaction générale",
            "Dans l'ensemble, êtes-vous satisfait de votre rendez-vous ?",
            "Dans l'ensemble, êtes-vous satisfait de la réponse à votre demande ?", Scored: true, Required: true),
        new(Delay, "Délai",
            "Le délai pour obtenir un rendez-vous et l'attente sur place vous ont-ils convenu ?",
            "Le délai de réponse vous a-t-il convenu ?", Scored: true, Required: false),
        new(Clarity, "Clarté des informations",
            "Les informations reçues (pièces à apporter, lieu, horaires) étaient-elles claires ?",
            "La réponse reçue était-elle claire ?", Scored: true, Required: false),
        new(Comment, "Commentaire libre",
            "Voulez-vous ajouter un commentaire ?",
            "Voulez-vous ajouter un commentaire ?", Scored: false, Required: false),
    ];

    public static IEnumerable<SurveyQuestion> Scored => All.Where(q => q.Scored);

    /// <summary>What each score means, read beside its radio button.</summary>
    public static string ScoreLabel(int score) => score switch
    {
        1 => "Pas du tout satisfait",
        2 => "Peu satisfait",
        3 => "Moyennement satisfait",
        4 => "Satisfait",
        5 => "Très satisfait",
        _ => score.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>Checks the form's raw values: a score is a digit 1–5, the first question is required, the comment is limited.</summary>
    public static SurveyAnswerCheck Check(string? overall, string? delay, string? clarity, string? comment)
    {
        var errors = new List<FieldError>();
        var o = Score(overall, Overall, required: true, errors);
        var d = Score(delay, Delay, required: false, errors);
        var c = Score(clarity, Clarity, required: false, errors);
        var text = comment?.Replace("\0", "").Trim();
        if (string.IsNullOrEmpty(text)) text = null;
        // Counted in characters as the citizen sees them (a line break typed in a browser arrives as \r\n).
        if (text is not null && text.Replace("\r\n", "\n").Length > MaxCommentLength)
            errors.Add(new(Comment, $"Votre commentaire est trop long : {MaxCommentLength} caractères au plus."));
        return errors.Count > 0 ? new SurveyAnswerCheck.Invalid(errors) : new SurveyAnswerCheck.Valid(new SurveyAnswer(o!.Value, d, c, text?.Replace("\r\n", "\n")));
    }

    private static int? Score(string? raw, string field, bool required, List<FieldError> errors)
    {
        var t = raw?.Trim();
        if (string.IsNullOrEmpty(t))
        {
            if (required) errors.Add(new(field, "Choisissez une réponse à la première question, de 1 à 5."));
            return null;
        }
        if (t.Length == 1 && t[0] >= '0' + MinScore && t[0] <= '0' + MaxScore) return t[0] - '0';
        errors.Add(new(field, "Choisissez une note de 1 à 5 dans la liste."));
        return null;
    }
}

/// <summary>The figures of one scored question, from the count of each score: mean and distribution.</summary>
public sealed record ScoreSummary(int Answers, double? Mean, IReadOnlyDictionary<int, int> Distribution)
{
    public static ScoreSummary From(IReadOnlyDictionary<int, int> counts)
    {
        var distribution = Enumerable.Range(SurveyQuestions.MinScore, SurveyQuestions.MaxScore)
            .ToDictionary(v => v, v => counts.TryGetValue(v, out var n) ? n : 0);
        var answers = distribution.Values.Sum();
        double? mean = answers == 0 ? null : Math.Round((double)distribution.Sum(p => (long)p.Key * p.Value) / answers, 2, MidpointRounding.AwayFromZero);
        return new ScoreSummary(answers, mean, distribution);
    }

    /// <summary>Answers over surveys sent, as a share rounded to 0.1 %; null when none was sent.</summary>
    public static double? Rate(int answers, int sent) =>
        sent == 0 ? null : Math.Round(100.0 * answers / sent, 1, MidpointRounding.AwayFromZero);
}

/// <summary>When a survey is due, and until when its link works. Pure: the instants come in.</summary>
public static class SurveyTiming
{
    public const int MinDelayHours = 1;
    public const int MaxDelayHours = 168;
    public const int DefaultDelayHours = 3;

    /// <summary>
    /// A survey is due <paramref name="delayHours"/> after its cause (arrival marked, answer sent), never for a cause
    /// older than the moment the organisation switched surveys on, and never later than <paramref name="lateness"/>
    /// past its due time (after an outage, a survey about last month's visit would only puzzle the citizen).
    /// </summary>
    public static bool IsDue(DateTime causeUtc, DateTime enabledSinceUtc, int delayHours, TimeSpan lateness, DateTime nowUtc)
    {
        if (causeUtc < enabledSinceUtc) return false;
        var due = causeUtc.AddHours(delayHours);
        return due <= nowUtc && nowUtc <= due + lateness;
    }

    /// <summary>The window of causes <see cref="IsDue"/> accepts now, for a query: [from, to].</summary>
    public static (DateTime From, DateTime To) CauseWindow(DateTime enabledSinceUtc, int delayHours, TimeSpan lateness, DateTime nowUtc)
    {
        var to = nowUtc.AddHours(-delayHours);
        var from = to - lateness;
        return (from < enabledSinceUtc ? enabledSinceUtc : from, to);
    }

    public static bool IsOpen(DateTime expiresUtc, DateTime? answeredUtc, DateTime nowUtc) => answeredUtc is null && nowUtc < expiresUtc;
}

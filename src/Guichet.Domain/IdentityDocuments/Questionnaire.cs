using Guichet.Domain.Scheduling;

namespace Guichet.Domain.IdentityDocuments;

/// <summary>
/// What the answers establish about a request. Rule rows are written against these facts only, so a row
/// never needs to know how a question was worded or which value carried the fact.
/// </summary>
public enum Fact
{
    IdCard, Passport,
    FirstRequest, Renewal, Loss, Theft, Damage,
    Adult, Minor, Aged15To17, Under15,
    UsageName, NameChanged, Moved,
    HasRecentTitle, NoRecentTitle,
    BirthRecordOnline, BirthRecordOnPaper, BirthRecordUnknown,
    NationalityByBirth, NationalityToProve,
    ParentsSeparated,
    /// <summary>Derived, not asked: at least one fiscal stamp of a non-zero amount is due.</summary>
    StampDue,
}

/// <summary>One possible answer: its value in the query string, its French label, the facts it establishes.</summary>
public sealed record Option(string Value, string Label, params Fact[] Facts);

/// <summary>
/// One question of the questionnaire. <paramref name="AskedWhen"/> null: always required; otherwise required
/// only when an earlier answer established that fact (without JavaScript every question is on the page, so
/// the hint says when it applies). <paramref name="Default"/> is pre-selected on the form.
/// </summary>
public sealed record Question(string Key, string Legend, string? Hint, string Missing, IReadOnlyList<Option> Options,
    Fact? AskedWhen = null, string? Default = null)
{
    /// <summary>The id of the first radio button: error summaries link there.</summary>
    public string FirstInputId => $"{Key}-{Options[0].Value}";
}

/// <summary>The answers read from a query string: the values kept, the facts they establish, the refusals.</summary>
public sealed record ChecklistAnswers(IReadOnlyDictionary<string, string> Values, IReadOnlySet<Fact> Facts, IReadOnlyList<FieldError> Errors)
{
    public bool IsValid => Errors.Count == 0;
}

/// <summary>The guided questionnaire, as data: the pages draw it, the voice server can read it, the engine gets its facts.</summary>
public static class Questionnaire
{
    public const int MaxValueLength = 40;

    private static readonly Option Yes = new("oui", "Oui");
    private static readonly Option No = new("non", "Non");

    public static readonly IReadOnlyList<Question> Questions =
    [
        new("titre", "Quel titre demandez-vous ?", null,
            "Choisissez le titre demandé : carte d'identité, passeport ou les deux.",
            [new("cni", "Une carte nationale d'identité", Fact.IdCard), new("passeport", "Un passeport", Fact.Passport),
             new("les-deux", "Une carte d'identité et un passeport", Fact.IdCard, Fact.Passport)]),
        new("situation", "Pour quelle raison ?", null,
            "Indiquez la raison de la demande : première demande, renouvellement, perte, vol ou titre abîmé.",
            [new("premiere", "Première demande", Fact.FirstRequest), new("renouvellement", "Renouvellement (titre expiré ou bientôt expiré, changement d'état civil ou d'adresse)", Fact.Renewal),
             new("perte", "Perte", Fact.Loss), new("vol", "Vol", Fact.Theft), new("deterioration", "Titre abîmé (détérioré)", Fact.Damage)]),
        new("age", "Quel âge a la personne qui demande le titre ?", "Pour un enfant, c'est l'âge de l'enfant qui compte.",
            "Indiquez l'âge de la personne qui demande le titre.",
            [new("majeur", "18 ans ou plus", Fact.Adult), new("15-17", "De 15 à 17 ans", Fact.Minor, Fact.Aged15To17),
             new("moins-15", "Moins de 15 ans", Fact.Minor, Fact.Under15)]),
        new("titre-recent", "La personne a-t-elle une carte d'identité ou un passeport, valide ou périmé depuis moins de 5 ans ?",
            "Répondez non si ce titre est celui qui a été perdu ou volé et que vous n'en avez pas d'autre.",
            "Indiquez si la personne a une carte d'identité ou un passeport valide ou périmé depuis moins de 5 ans.",
            [new("oui", "Oui", Fact.HasRecentTitle), new("non", "Non", Fact.NoRecentTitle)]),
        new("naissance", "Sa commune de naissance transmet-elle les actes de naissance en ligne (service COMEDEC) ?",
            "Seulement si la réponse précédente est non. La liste des communes reliées est sur le site de l'ANTS ; les personnes nées à l'étranger sont reliées par le service central d'état civil.",
            "Indiquez si la commune de naissance transmet les actes en ligne, ou répondez « je ne sais pas ».",
            [new("en-ligne", "Oui", Fact.BirthRecordOnline), new("papier", "Non", Fact.BirthRecordOnPaper),
             new("inconnu", "Je ne sais pas", Fact.BirthRecordUnknown)],
            AskedWhen: Fact.NoRecentTitle),
        new("nationalite", "La personne est-elle née en France d'un parent lui-même né en France ?",
            "Seulement si la personne n'a pas de titre récent : sinon, sa nationalité française est déjà établie.",
            "Indiquez si la personne est née en France d'un parent né en France.",
            [new("oui", "Oui", Fact.NationalityByBirth), new("non", "Non, ou je ne sais pas", Fact.NationalityToProve)],
            AskedWhen: Fact.NoRecentTitle),
        new("nom-usage", "Souhaitez-vous faire figurer un nom d'usage (nom d'époux ou d'épouse, nom de l'autre parent) ?", null,
            "Indiquez si un nom d'usage doit figurer sur le titre.",
            [Yes with { Facts = [Fact.UsageName] }, No], Default: "non"),
        new("changement-nom", "Le nom a-t-il changé depuis le dernier titre (mariage, divorce, décision de changement de nom) ?", null,
            "Indiquez si le nom a changé depuis le dernier titre.",
            [Yes with { Facts = [Fact.NameChanged] }, No], Default: "non"),
        new("demenagement", "La personne a-t-elle changé d'adresse depuis le dernier titre ?", null,
            "Indiquez si la personne a changé d'adresse.",
            [Yes with { Facts = [Fact.Moved] }, No], Default: "non"),
        new("parents-separes", "Les parents de l'enfant sont-ils séparés ou divorcés ?", "Seulement pour un enfant mineur.",
            "Indiquez si les parents de l'enfant sont séparés ou divorcés.",
            [Yes with { Facts = [Fact.ParentsSeparated] }, No], AskedWhen: Fact.Minor, Default: "non"),
    ];

    /// <summary>
    /// Reads the answers in question order. A missing (without default) or unknown value of a question that applies is an error
    /// in French, linked to the question's first radio button; a question that does not apply is ignored.
    /// </summary>
    public static ChecklistAnswers Read(Func<string, string?> get)
    {
        var values = new Dictionary<string, string>();
        var facts = new HashSet<Fact>();
        var errors = new List<FieldError>();
        foreach (var question in Questions)
        {
            // A yes/no question with a default may be left out of a shared link; a wrong value is still an error.
            var raw = get(question.Key)?.Trim() is { Length: > 0 } given ? given : question.Default;
            var option = raw is { Length: > 0 and <= MaxValueLength }
                ? question.Options.FirstOrDefault(o => string.Equals(o.Value, raw, StringComparison.OrdinalIgnoreCase))
                : null;
            var applies = question.AskedWhen is not { } when || facts.Contains(when);
            if (!applies) continue;
            if (option is null)
            {
                errors.Add(new FieldError(question.FirstInputId, question.Missing));
                continue;
            }
            values[question.Key] = option.Value;
            facts.UnionWith(option.Facts);
        }
        return new ChecklistAnswers(values, facts, errors);
    }

    public static ChecklistAnswers Read(IReadOnlyDictionary<string, string> answers) =>
        Read(key => answers.TryGetValue(key, out var v) ? v : null);
}

using System.Globalization;

namespace Guichet.Domain.IdentityDocuments;

public enum RuleKind
{
    /// <summary>A document to bring.</summary>
    Document,
    /// <summary>A fiscal stamp; its amount is in euros.</summary>
    Stamp,
    /// <summary>A common reason a file is refused at the counter.</summary>
    Refusal,
    /// <summary>A question of the FAQ: the text is the question, the detail the answer.</summary>
    Faq,
}

/// <summary>
/// When a row applies: every fact of <see cref="All"/>, at least one of <see cref="Any"/> (when it has any),
/// none of <see cref="None"/>. No condition at all: always.
/// </summary>
public sealed record Condition(IReadOnlyList<Fact> All, IReadOnlyList<Fact> Any, IReadOnlyList<Fact> None)
{
    public static readonly Condition Always = new([], [], []);

    public static Condition If(params Fact[] all) => new(all, [], []);

    public Condition AnyOf(params Fact[] any) => this with { Any = any };

    public Condition Unless(params Fact[] none) => this with { None = none };

    public bool Holds(IReadOnlySet<Fact> facts) =>
        All.All(facts.Contains) && (Any.Count == 0 || Any.Any(facts.Contains)) && !None.Any(facts.Contains);
}

/// <summary>
/// One row of a rule set. <see cref="Short"/> is the plain sentence the voice server reads; <see cref="Extra"/>
/// marks a row an organisation added to the national ones.
/// </summary>
public sealed record ChecklistRule(string Id, RuleKind Kind, string Text, Condition When, string? Short = null,
    string? Detail = null, decimal? Amount = null, bool Disabled = false, bool Extra = false)
{
    public const int MaxTextLength = 500;
    public const decimal MaxAmount = 1000m;
}

/// <summary>An organisation's change to a national row: turned off, or another stamp amount.</summary>
public sealed record RuleOverride(string RuleId, bool Disabled, decimal? Amount);

public sealed record ChecklistLine(string RuleId, string Text, string? Detail, string Short);

public sealed record StampLine(string RuleId, string Text, decimal Amount);

/// <summary>What one citizen must bring, pay and avoid.</summary>
public sealed record Checklist(IReadOnlyList<ChecklistLine> Documents, IReadOnlyList<StampLine> Stamps, IReadOnlyList<string> Refusals)
{
    public decimal StampTotal => Stamps.Sum(s => s.Amount);

    /// <summary>Plain sentences for the voice server: the documents, then what to pay.</summary>
    public IReadOnlyList<string> Short =>
    [
        .. Documents.Select(d => d.Short),
        StampTotal > 0 ? $"Un timbre fiscal de {Euros(StampTotal)} euros au total." : "Aucun timbre fiscal n'est demandé.",
    ];

    /// <summary>86 → "86", 42.5 → "42,50": how French pages write euros.</summary>
    public static string Euros(decimal amount) =>
        amount == decimal.Truncate(amount)
            ? amount.ToString("0", CultureInfo.InvariantCulture)
            : amount.ToString("0.00", CultureInfo.GetCultureInfo("fr-FR"));
}

/// <summary>A list of rule rows and the small engine that evaluates them against the facts of the answers.</summary>
public sealed record RuleSet(IReadOnlyList<ChecklistRule> Rules)
{
    public ChecklistRule? Find(string id) => Rules.FirstOrDefault(r => r.Id == id);

    /// <summary>
    /// The organisation's rule set: national rows changed by its overrides (unknown ids are ignored: a national
    /// row may have been retired since), then its extra rows.
    /// </summary>
    public RuleSet With(IEnumerable<RuleOverride> overrides, IEnumerable<ChecklistRule> extras)
    {
        var byId = overrides.GroupBy(o => o.RuleId).ToDictionary(g => g.Key, g => g.Last());
        var rows = Rules.Select(r => byId.TryGetValue(r.Id, out var o)
            ? r with { Disabled = o.Disabled, Amount = r.Kind == RuleKind.Stamp && o.Amount is { } a ? a : r.Amount }
            : r);
        return new RuleSet([.. rows, .. extras.Where(e => Find(e.Id) is null).Select(e => e with { Extra = true })]);
    }

    /// <summary>
    /// Stamps are evaluated first, because whether one is due (<see cref="Fact.StampDue"/>) decides some
    /// documents and refusal reasons. Rows keep their order; disabled rows never apply.
    /// </summary>
    public Checklist Evaluate(IReadOnlySet<Fact> facts)
    {
        var active = Rules.Where(r => !r.Disabled).ToList();
        var stamps = active.Where(r => r.Kind == RuleKind.Stamp && r.When.Holds(facts) && r.Amount is > 0)
            .Select(r => new StampLine(r.Id, r.Text, r.Amount!.Value)).ToList();
        var all = stamps.Count > 0 ? new HashSet<Fact>(facts) { Fact.StampDue } : facts;
        var documents = active.Where(r => r.Kind == RuleKind.Document && r.When.Holds(all))
            .Select(r => new ChecklistLine(r.Id, r.Text, r.Detail, r.Short ?? r.Text)).ToList();
        var refusals = active.Where(r => r.Kind == RuleKind.Refusal && r.When.Holds(all)).Select(r => r.Text).ToList();
        return new Checklist(documents, stamps, refusals);
    }

    public Checklist Evaluate(ChecklistAnswers answers) => Evaluate(answers.Facts);

    public IReadOnlyList<ChecklistRule> Faq => Rules.Where(r => r.Kind == RuleKind.Faq && !r.Disabled).ToList();
}

using System.Globalization;
using Guichet.Domain.Scheduling;

namespace Guichet.Domain.Requests;

public enum FieldKind { Text, Choice, Date, Location, Attachment }

/// <summary>One question of a category's form. Location and attachment fields switch on the form's map/address block and file input.</summary>
public sealed record FormField(FieldKind Kind, string Label, bool Required, IReadOnlyList<string> Choices)
{
    /// <summary>The input's name on the form, by position: values are stored with their label, so reordering never mislabels old ones.</summary>
    public static string InputName(int index) => $"champ{index + 1}";
}

/// <summary>An answer as stored with the request: the label as it was asked, and the value.</summary>
public sealed record FieldValue(string Label, string Value);

public sealed record FormParse(IReadOnlyList<FormField> Fields, IReadOnlyList<string> Problems);

/// <summary>
/// A category's own form fields. Administrators write them one per line, e.g.
/// <c>choix ; Type de problème ; obligatoire ; Nid-de-poule | Éclairage | Autre</c>; the same text is shown back for
/// editing. Citizens' answers are checked against them.
/// </summary>
public static class RequestForm
{
    public const int MaxFields = 12;
    public const int MaxLabelLength = 120;
    public const int MaxChoices = 20;
    public const int MaxTextLength = 1000;

    private static readonly (string Word, FieldKind Kind)[] Words =
    [
        ("texte", FieldKind.Text), ("choix", FieldKind.Choice), ("date", FieldKind.Date),
        ("lieu", FieldKind.Location), ("pièce jointe", FieldKind.Attachment), ("piece jointe", FieldKind.Attachment),
    ];

    public static string Word(FieldKind kind) => kind switch
    {
        FieldKind.Text => "texte",
        FieldKind.Choice => "choix",
        FieldKind.Date => "date",
        FieldKind.Location => "lieu",
        FieldKind.Attachment => "pièce jointe",
        _ => kind.ToString(),
    };

    public static FormParse Parse(string? text)
    {
        var fields = new List<FormField>();
        var problems = new List<string>();
        var lines = (text ?? "").Replace("\r\n", "\n").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0) continue;
            var n = i + 1;
            var parts = line.Split(';').Select(p => p.Trim()).ToArray();
            var kind = Words.Where(w => string.Equals(w.Word, parts[0], StringComparison.OrdinalIgnoreCase)).Select(w => (FieldKind?)w.Kind).FirstOrDefault();
            if (kind is null) { problems.Add($"Ligne {n} : le type « {parts[0]} » n'existe pas (texte, choix, date, lieu ou pièce jointe)."); continue; }
            if (parts.Length < 2 || parts[1].Length == 0) { problems.Add($"Ligne {n} : il manque le libellé de la question."); continue; }
            if (parts[1].Length > MaxLabelLength) { problems.Add($"Ligne {n} : le libellé dépasse {MaxLabelLength} caractères."); continue; }
            var required = false;
            if (parts.Length >= 3 && parts[2].Length > 0)
            {
                if (string.Equals(parts[2], "obligatoire", StringComparison.OrdinalIgnoreCase)) required = true;
                else if (!string.Equals(parts[2], "facultatif", StringComparison.OrdinalIgnoreCase))
                { problems.Add($"Ligne {n} : écrivez « obligatoire » ou « facultatif » en troisième position."); continue; }
            }
            var choices = parts.Length >= 4
                ? parts[3].Split('|').Select(c => c.Trim()).Where(c => c.Length > 0).Distinct(StringComparer.Ordinal).ToList()
                : [];
            if (kind == FieldKind.Choice && choices.Count < 2) { problems.Add($"Ligne {n} : un choix propose au moins deux réponses, séparées par « | »."); continue; }
            if (kind != FieldKind.Choice && choices.Count > 0) { problems.Add($"Ligne {n} : seul un champ « choix » a des réponses proposées."); continue; }
            if (choices.Count > MaxChoices || choices.Any(c => c.Length > MaxLabelLength)) { problems.Add($"Ligne {n} : au plus {MaxChoices} réponses de {MaxLabelLength} caractères."); continue; }
            if (kind is FieldKind.Location or FieldKind.Attachment && fields.Any(f => f.Kind == kind))
            { problems.Add($"Ligne {n} : un formulaire a au plus un champ « {Word(kind.Value)} »."); continue; }
            fields.Add(new FormField(kind.Value, parts[1], required, choices));
        }
        if (fields.Count > MaxFields) problems.Add($"Au plus {MaxFields} champs par formulaire.");
        return new(fields, problems);
    }

    public static string Format(IEnumerable<FormField> fields) => string.Join('\n', fields.Select(f =>
        $"{Word(f.Kind)} ; {f.Label} ; {(f.Required ? "obligatoire" : "facultatif")}" + (f.Choices.Count > 0 ? " ; " + string.Join(" | ", f.Choices) : "")));

    /// <summary>
    /// Checks the answers to the text, choice and date fields (location and attachments are the caller's, since they
    /// are not plain text). <paramref name="answers"/> is keyed by <see cref="FormField.InputName"/>.
    /// </summary>
    public static (IReadOnlyList<FieldValue> Values, IReadOnlyList<FieldError> Errors) Check(
        IReadOnlyList<FormField> fields, IReadOnlyDictionary<string, string?> answers)
    {
        var values = new List<FieldValue>();
        var errors = new List<FieldError>();
        for (var i = 0; i < fields.Count; i++)
        {
            var field = fields[i];
            if (field.Kind is FieldKind.Location or FieldKind.Attachment) continue;
            var name = FormField.InputName(i);
            var answer = answers.GetValueOrDefault(name)?.Trim() ?? "";
            if (answer.Length == 0)
            {
                if (field.Required) errors.Add(new(name, $"Répondez à la question « {field.Label} »."));
                continue;
            }
            switch (field.Kind)
            {
                case FieldKind.Text when answer.Length > MaxTextLength:
                    errors.Add(new(name, $"La réponse à « {field.Label} » dépasse {MaxTextLength} caractères."));
                    continue;
                case FieldKind.Choice when !field.Choices.Contains(answer, StringComparer.Ordinal):
                    errors.Add(new(name, $"Choisissez une des réponses proposées pour « {field.Label} »."));
                    continue;
                case FieldKind.Date when !DateOnly.TryParseExact(answer, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _):
                    errors.Add(new(name, $"La date de « {field.Label} » n'est pas lisible : écrivez-la sous la forme 2026-12-24."));
                    continue;
            }
            values.Add(new(field.Label, answer));
        }
        return (values, errors);
    }
}

using System.Text;

namespace Guichet.Domain.Messaging;

/// <summary>A field a template may name, with the words that explain it to the administrator.</summary>
public sealed record TemplateField(string Name, string Description);

/// <summary>
/// A message text with fields between braces: "Bonjour {prenom}". A field name is lower-case letters (a–z) and "_";
/// "{{" and "}}" write a brace. Rendering rule: a line that names at least one field, all of them empty for this
/// message (a checklist link that does not exist), is left out whole, so optional lines need no conditional syntax.
/// </summary>
public sealed class MessageTemplate
{
    public const int MaxLength = 4000;

    private abstract record Part;
    private sealed record Literal(string Text) : Part;
    private sealed record Field(string Name) : Part;

    private readonly IReadOnlyList<IReadOnlyList<Part>> lines;

    private MessageTemplate(IReadOnlyList<IReadOnlyList<Part>> lines) => this.lines = lines;

    /// <summary>The fields the text names, in order of first appearance.</summary>
    public IReadOnlyList<string> Fields => lines.SelectMany(l => l).OfType<Field>().Select(f => f.Name).Distinct().ToList();

    /// <summary>
    /// Reads <paramref name="text"/> and checks every field against <paramref name="allowed"/>. Returns the template,
    /// or the problems in French (one per mistake, each saying where and what to write instead).
    /// </summary>
    public static TemplateParse Parse(string? text, IReadOnlyCollection<TemplateField> allowed, bool singleLine = false)
    {
        var errors = new List<string>();
        text = (text ?? "").Replace("\r\n", "\n").Replace('\r', '\n');
        if (string.IsNullOrWhiteSpace(text)) return new TemplateParse(null, ["Le texte est vide : écrivez le message, ou revenez au texte par défaut."]);
        if (text.Length > MaxLength) errors.Add($"Le texte est trop long : {text.Length} caractères pour {MaxLength} au plus.");
        if (singleLine && text.Contains('\n')) errors.Add("L'objet tient sur une seule ligne.");
        var names = allowed.Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        var list = string.Join(", ", allowed.Select(f => "{" + f.Name + "}"));

        var result = new List<IReadOnlyList<Part>>();
        var line = new List<Part>();
        var literal = new StringBuilder();
        void Flush() { if (literal.Length > 0) { line.Add(new Literal(literal.ToString())); literal.Clear(); } }

        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\n') { Flush(); result.Add(line); line = []; continue; }
            if (c == '}')
            {
                if (i + 1 < text.Length && text[i + 1] == '}') { literal.Append('}'); i++; continue; }
                errors.Add($"Accolade fermante « }} » sans accolade ouvrante (caractère {i + 1}) : pour écrire une accolade, doublez-la « }}}} ».");
                continue;
            }
            if (c != '{') { literal.Append(c); continue; }
            if (i + 1 < text.Length && text[i + 1] == '{') { literal.Append('{'); i++; continue; }
            var close = text.IndexOfAny(['}', '{', '\n'], i + 1);
            if (close < 0 || text[close] != '}')
            {
                var start = text[i..Math.Min(text.Length, close < 0 ? i + 15 : close)];
                errors.Add($"Le champ « {start} » n'est pas fermé (caractère {i + 1}) : terminez-le par « }} », par exemple {{prenom}}.");
                continue;
            }
            var name = text[(i + 1)..close];
            if (name.Length == 0)
                errors.Add($"Accolades vides « {{}} » (caractère {i + 1}) : écrivez le nom d'un champ, par exemple {{prenom}}.");
            else if (!name.All(ch => ch is >= 'a' and <= 'z' or '_'))
                errors.Add($"« {{{name}}} » n'est pas un nom de champ (caractère {i + 1}) : les noms s'écrivent en minuscules sans accents, parmi {list}.");
            else if (!names.Contains(name))
                errors.Add($"Le champ « {{{name}}} » n'existe pas pour ce message (caractère {i + 1}). Champs possibles : {list}.");
            else { Flush(); line.Add(new Field(name)); }
            i = close;
        }
        Flush();
        result.Add(line);
        return errors.Count > 0 ? new TemplateParse(null, errors) : new TemplateParse(new MessageTemplate(result), []);
    }

    /// <summary>The text with its fields filled in; a missing value counts as empty.</summary>
    public string Render(IReadOnlyDictionary<string, string> values) =>
        string.Join("\n", KeptLines(values).Select(l => string.Concat(l.Select(p => p switch
        {
            Literal t => t.Text,
            Field f => Value(values, f.Name),
            _ => "",
        }))));

    /// <summary>
    /// The same message as an HTML fragment: every character of the text and of the values is encoded (a name
    /// written "&lt;script&gt;" stays text), a value that is a web address becomes a link, blank lines separate
    /// paragraphs and single line breaks become &lt;br&gt;.
    /// </summary>
    public string RenderHtml(IReadOnlyDictionary<string, string> values)
    {
        var html = new StringBuilder();
        var paragraph = new List<string>();
        void Close()
        {
            if (paragraph.Count > 0) html.Append("<p>").Append(string.Join("<br>\n", paragraph)).Append("</p>\n");
            paragraph.Clear();
        }
        foreach (var l in KeptLines(values))
        {
            var rendered = string.Concat(l.Select(p => p switch
            {
                Literal t => Encode(t.Text),
                Field f => Html(Value(values, f.Name)),
                _ => "",
            }));
            if (rendered.Trim().Length == 0) Close();
            else paragraph.Add(rendered);
        }
        Close();
        return html.ToString();
    }

    private static string Html(string value)
    {
        var encoded = Encode(value);
        var isLink = (value.StartsWith("https://", StringComparison.Ordinal) || value.StartsWith("http://", StringComparison.Ordinal))
            && !value.Any(char.IsWhiteSpace);
        return isLink ? $"<a href=\"{encoded}\">{encoded}</a>" : encoded;
    }

    /// <summary>The five characters that matter in text and in a quoted attribute; accents stay as they are (UTF-8).</summary>
    public static string Encode(string text)
    {
        var b = new StringBuilder(text.Length);
        foreach (var c in text)
            b.Append(c switch { '&' => "&amp;", '<' => "&lt;", '>' => "&gt;", '"' => "&quot;", '\'' => "&#39;", _ => c.ToString() });
        return b.ToString();
    }

    private IEnumerable<IReadOnlyList<Part>> KeptLines(IReadOnlyDictionary<string, string> values) =>
        lines.Where(l => !l.OfType<Field>().Any() || l.OfType<Field>().Any(f => Value(values, f.Name).Length > 0));

    private static string Value(IReadOnlyDictionary<string, string> values, string name) =>
        values.TryGetValue(name, out var v) ? v : "";
}

/// <summary>The outcome of <see cref="MessageTemplate.Parse"/>: a template, or the reasons it was refused.</summary>
public sealed record TemplateParse(MessageTemplate? Template, IReadOnlyList<string> Errors)
{
    public bool IsValid => Template is not null;
}

using PdfSharp.Fonts;

namespace Guichet.Web.Features.Appointments;

/// <summary>Section "Convocation": where the PDF's fonts are.</summary>
public sealed class ConvocationOptions
{
    /// <summary>DejaVu Sans, from Debian's fonts-dejavu-core package (Bitstream Vera licence, free to embed).</summary>
    public string FontDirectory { get; set; } = "/usr/share/fonts/truetype/dejavu";

    public const string Regular = "DejaVuSans.ttf";
    public const string Bold = "DejaVuSans-Bold.ttf";

    public IEnumerable<string> Problems()
    {
        foreach (var file in new[] { Regular, Bold })
            if (!File.Exists(Path.Combine(FontDirectory, file)))
                yield return $"Convocation:FontDirectory ({FontDirectory}) ne contient pas {file} : installez le paquet Debian fonts-dejavu-core ou indiquez le dossier de ces polices.";
    }
}

/// <summary>
/// PDFsharp 6 finds no system fonts on Linux: this resolver hands it DejaVu Sans, regular and bold. PDFsharp allows
/// one resolver per process, set before any drawing, so it is installed once and every app instance shares it.
/// </summary>
public sealed class ConvocationFonts : IFontResolver
{
    public const string Family = "DejaVu Sans";
    private static readonly Lock Gate = new();
    private static ConvocationFonts? installed;
    private readonly Dictionary<string, byte[]> faces;

    private ConvocationFonts(ConvocationOptions options) => faces = new()
    {
        [ConvocationOptions.Regular] = File.ReadAllBytes(Path.Combine(options.FontDirectory, ConvocationOptions.Regular)),
        [ConvocationOptions.Bold] = File.ReadAllBytes(Path.Combine(options.FontDirectory, ConvocationOptions.Bold)),
    };

    public static void Install(ConvocationOptions options)
    {
        lock (Gate)
        {
            if (installed is not null) return;
            installed = new ConvocationFonts(options);
            GlobalFontSettings.FontResolver = installed;
        }
    }

    public FontResolverInfo? ResolveTypeface(string familyName, bool bold, bool italic) =>
        // One family only; italics are not used in the convocation.
        new(bold ? ConvocationOptions.Bold : ConvocationOptions.Regular);

    public byte[]? GetFont(string faceName) => faces.GetValueOrDefault(faceName);
}

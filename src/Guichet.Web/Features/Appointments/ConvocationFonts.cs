using PdfSharp.Fonts;

namespace Guichet.Web.Features.Appointments;

/// <summary>Section "Convocation": where the PDF's fonts are.</summary>
public sealed class ConvocationOptions
{
    /// <summary>
    /// DejaVu Sans (Bitstream Vera licence, free to embed), shipped with the app in Fonts/ beside its licence, so a
    /// fresh machine needs no font package; another folder holding the same two files may be named instead.
    /// </summary>
    public string FontDirectory { get; set; } = Path.Combine(AppContext.BaseDirectory, "Fonts");

    public const string Regular = "DejaVuSans.ttf";
    public const string Bold = "DejaVuSans-Bold.ttf";

    public IEnumerable<string> Problems()
    {
        foreach (var file in new[] { Regular, Bold })
            if (!File.Exists(Path.Combine(FontDirectory, file)))
                yield return $"Convocation:FontDirectory ({FontDirectory}) ne contient pas {file} : indiquez un dossier qui les contient (par exemple /usr/share/fonts/truetype/dejavu du paquet Debian fonts-dejavu-core).";
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

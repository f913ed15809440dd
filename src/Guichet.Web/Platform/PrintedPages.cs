using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace Guichet.Web.Platform;

/// <summary>
/// A4 pages of a document Guichet prints (the convocation, the acknowledgement letter): text written top to bottom
/// with word wrapping, a new page when one is full, labelled values in two columns, and blocks at fixed places.
/// </summary>
public sealed class PrintedPages
{
    public const double Margin = 56;
    // WinAnsi covers French (accents, œ, «», €) and keeps the drawn text as plain strings in the file.
    private static readonly XPdfFontOptions Encoding = new(PdfFontEncoding.WinAnsi);

    private readonly PdfDocument document;
    private readonly XFont body, strong;
    private readonly double labelWidth;
    private XGraphics graphics = null!;
    private double width, bottom, y;

    /// <param name="body">the font of labelled values</param>
    /// <param name="strong">the font of their labels</param>
    /// <param name="labelWidth">the width of the labels' column, in points</param>
    public PrintedPages(PdfDocument document, XFont body, XFont strong, double labelWidth)
    {
        (this.document, this.body, this.strong, this.labelWidth) = (document, body, strong, labelWidth);
        Next();
    }

    /// <summary>A font of the printed documents (DejaVu Sans, embedded, WinAnsi).</summary>
    public static XFont Font(double size, bool bold = false) =>
        new(Features.Appointments.ConvocationFonts.Family, size, bold ? XFontStyleEx.Bold : XFontStyleEx.Regular, Encoding);

    public static double Mm(double mm) => mm * 72 / 25.4;

    private void Next()
    {
        graphics?.Dispose();
        var page = document.AddPage();
        page.Size = PdfSharp.PageSize.A4;
        graphics = XGraphics.FromPdfPage(page);
        width = page.Width.Point - 2 * Margin;
        bottom = page.Height.Point - Margin;
        y = Margin;
    }

    private static double Height(XFont font) => font.Size * 1.35;

    private void Room(double height)
    {
        if (y + height > bottom) Next();
    }

    /// <summary>Lines at a fixed place (an address block), whatever was written so far.</summary>
    public void At(double x, double top, IReadOnlyList<(string Text, XFont Font)> lines)
    {
        var at = top;
        foreach (var (text, font) in lines)
        {
            graphics.DrawString(text, font, XBrushes.Black, new XPoint(x, at + font.Size));
            at += Height(font);
        }
    }

    /// <summary>Goes on writing no higher than <paramref name="top"/>.</summary>
    public void MoveTo(double top) => y = Math.Max(y, top);

    public void Space(double points) => y += points;

    public void Line(string text, XFont font, double after = 2)
    {
        Room(Height(font));
        graphics.DrawString(text, font, XBrushes.Black, new XPoint(Margin, y + font.Size));
        y += Height(font) + after;
    }

    public void Label(string label, string value)
    {
        var lines = Wrap(value, body, width - labelWidth);
        var labels = Wrap(label, strong, labelWidth - 8);
        Room(Height(body) * Math.Max(lines.Count, labels.Count));
        var top = y;
        foreach (var l in labels)
        {
            graphics.DrawString(l, strong, XBrushes.Black, new XPoint(Margin, y + body.Size));
            y += Height(body);
        }
        y = top;
        foreach (var line in lines)
        {
            graphics.DrawString(line, body, XBrushes.Black, new XPoint(Margin + labelWidth, y + body.Size));
            y += Height(body);
        }
        y = Math.Max(y, top + labels.Count * Height(body)) + 2;
    }

    public void Paragraph(string text, XFont font, double indent = 0)
    {
        foreach (var line in Wrap(text, font, width - indent))
        {
            Room(Height(font));
            graphics.DrawString(line, font, XBrushes.Black, new XPoint(Margin + indent, y + font.Size));
            y += Height(font);
        }
        y += 3;
    }

    private List<string> Wrap(string text, XFont font, double max)
    {
        var lines = new List<string>();
        var line = "";
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = line.Length == 0 ? word : line + " " + word;
            if (line.Length > 0 && graphics.MeasureString(candidate, font).Width > max)
            {
                lines.Add(line);
                line = word;
            }
            else line = candidate;
            // A word longer than the line (a long link) is cut where it must be.
            while (graphics.MeasureString(line, font).Width > max && line.Length > 1)
            {
                var cut = line.Length - 1;
                while (cut > 1 && graphics.MeasureString(line[..cut], font).Width > max) cut--;
                lines.Add(line[..cut]);
                line = line[cut..];
            }
        }
        if (line.Length > 0) lines.Add(line);
        return lines.Count == 0 ? [""] : lines;
    }
}

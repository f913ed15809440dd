using Guichet.Domain.Requests;
using Guichet.Web.Data;
using Guichet.Web.Features.Appointments;
using Guichet.Web.Platform;
using Microsoft.EntityFrameworkCore;
using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace Guichet.Web.Features.Requests;

/// <summary>
/// The acknowledgement as an A4 letter (CRPA R112-5), for requests that came by post and for anyone who wants it on
/// paper: the organisation and the unit's address as sender, the citizen's postal address where a window envelope
/// shows it (French DL/C5 window: 110 mm from the left, 45 mm from the top), then every legal item, the implicit
/// decision and appeal routes, the tracking code and link. Rendered on demand, never stored; same fonts as the
/// convocation (DejaVu Sans, WinAnsi), so the text stays readable in the file.
/// </summary>
public sealed class AcknowledgementLetter(GuichetDb db, RequestMessages messages, TimeProvider clock)
{
    public static string FileName(CitizenRequest request) => $"accuse-reception-{request.TrackingCode}.pdf";

    public async Task<byte[]> PdfAsync(CitizenRequest request, CancellationToken ct)
    {
        var organisation = await db.Organisations.AsNoTracking().FirstAsync(o => o.Id == request.OrganisationId, ct);
        var category = await db.Set<Category>().AsNoTracking().FirstAsync(c => c.Id == request.CategoryId, ct);
        var unit = await db.Set<Unit>().AsNoTracking().FirstAsync(u => u.Id == request.UnitId, ct);
        var (zone, _) = await OrganisationCalendar.ForAsync(db, organisation, ct);
        var ack = messages.Acknowledgement(request, Deadline.ReceivedOn(request.ReceivedUtc, zone), organisation, category, unit);
        var today = Deadline.ReceivedOn(clock.GetUtcNow().UtcDateTime, zone);
        return Render(ack, request, unit, today);
    }

    private static byte[] Render(Acknowledgement ack, CitizenRequest request, Unit unit, DateOnly today)
    {
        using var document = new PdfDocument();
        document.Info.Title = ack.Subject;
        document.Info.Author = ack.OrganisationName;
        document.Info.Creator = "Guichet";
        document.Language = "fr-FR";
        var page = new Letter(document);

        // Sender, top left.
        page.At(Letter.Margin, Letter.Margin,
        [
            (ack.OrganisationName, Letter.Strong),
            (unit.Name, Letter.Body),
            (unit.Address, Letter.Body),
            ($"{unit.PostalCode} {unit.City}", Letter.Body),
            ($"Tél. {unit.Phone}", Letter.Body),
            (unit.Email, Letter.Body),
        ]);
        // Recipient, in the envelope's window.
        var recipient = new List<(string, XFont)> { (request.DisplayName, Letter.Body) };
        foreach (var line in (request.PostalAddress ?? "").Split([',', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            recipient.Add((line, Letter.Body));
        page.At(Letter.Mm(110), Letter.Mm(45), recipient);

        page.MoveTo(Letter.Mm(100));
        page.Paragraph($"{unit.City}, le {Acknowledgement.Date(today)}", Letter.Body);
        page.Space(8);
        page.Paragraph(ack.Subject, Letter.Heading);
        page.Space(4);
        page.Paragraph($"Bonjour {request.DisplayName},", Letter.Body);
        page.Paragraph($"{ack.OrganisationName} a bien reçu votre demande. Voici son accusé de réception, prévu par les articles L112-3 et R112-5 du code des relations entre le public et l'administration.", Letter.Body);
        page.Space(4);
        foreach (var (label, value) in ack.Items) page.Label(label, value);
        page.Space(6);
        page.Paragraph("Décision implicite et voies de recours", Letter.Heading);
        foreach (var p in ack.DecisionParagraphs(ack.OrganisationName)) page.Paragraph(p, Letter.Body, indent: p.StartsWith('•') ? 10 : 0);
        page.Space(6);
        page.Paragraph("Code de suivi", Letter.Body);
        page.Paragraph(TrackingCode.Display(ack.TrackingCode), Letter.Code);
        page.Paragraph($"Gardez ce code : avec votre nom de famille, il permet de suivre la demande à l'adresse {ack.TrackingUrl}, ou en appelant le service au {unit.Phone}.", Letter.Body);
        page.Paragraph(ack.HelpLine, Letter.Body);
        page.Space(8);
        page.Paragraph($"Document établi le {Acknowledgement.Date(today)} par {ack.OrganisationName}.", Letter.Small);

        using var output = new MemoryStream();
        document.Save(output, closeStream: false);
        return output.ToArray();
    }

    /// <summary>A4 pages: blocks at fixed positions (addresses), then text written downwards with word wrapping.</summary>
    private sealed class Letter
    {
        private static readonly XPdfFontOptions Encoding = new(PdfFontEncoding.WinAnsi);
        public static readonly XFont Heading = new(ConvocationFonts.Family, 12, XFontStyleEx.Bold, Encoding);
        public static readonly XFont Body = new(ConvocationFonts.Family, 10, XFontStyleEx.Regular, Encoding);
        public static readonly XFont Strong = new(ConvocationFonts.Family, 10, XFontStyleEx.Bold, Encoding);
        public static readonly XFont Code = new(ConvocationFonts.Family, 20, XFontStyleEx.Bold, Encoding);
        public static readonly XFont Small = new(ConvocationFonts.Family, 8, XFontStyleEx.Regular, Encoding);
        public const double Margin = 56;
        private const double LabelWidth = 150;

        public static double Mm(double mm) => mm * 72 / 25.4;

        private readonly PdfDocument document;
        private XGraphics graphics = null!;
        private double width, bottom, y;

        public Letter(PdfDocument document)
        {
            this.document = document;
            Next();
        }

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

        public void At(double x, double top, IReadOnlyList<(string Text, XFont Font)> lines)
        {
            var at = top;
            foreach (var (text, font) in lines)
            {
                graphics.DrawString(text, font, XBrushes.Black, new XPoint(x, at + font.Size));
                at += Height(font);
            }
        }

        public void MoveTo(double top) => y = Math.Max(y, top);

        public void Space(double points) => y += points;

        public void Label(string label, string value)
        {
            var lines = Wrap(value, Body, width - LabelWidth);
            var labels = Wrap(label, Strong, LabelWidth - 8);
            Room(Height(Body) * Math.Max(lines.Count, labels.Count));
            var top = y;
            foreach (var l in labels)
            {
                graphics.DrawString(l, Strong, XBrushes.Black, new XPoint(Margin, y + Body.Size));
                y += Height(Body);
            }
            y = top;
            foreach (var line in lines)
            {
                graphics.DrawString(line, Body, XBrushes.Black, new XPoint(Margin + LabelWidth, y + Body.Size));
                y += Height(Body);
            }
            y = Math.Max(y, top + labels.Count * Height(Body)) + 2;
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
}

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
        var page = new PrintedPages(document, Letter.Body, Letter.Strong, labelWidth: 150);

        // Sender, top left.
        page.At(PrintedPages.Margin, PrintedPages.Margin,
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
        page.At(PrintedPages.Mm(110), PrintedPages.Mm(45), recipient);

        page.MoveTo(PrintedPages.Mm(100));
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

    /// <summary>The letter's fonts.</summary>
    private static class Letter
    {
        public static readonly XFont Heading = PrintedPages.Font(12, bold: true);
        public static readonly XFont Body = PrintedPages.Font(10);
        public static readonly XFont Strong = PrintedPages.Font(10, bold: true);
        public static readonly XFont Code = PrintedPages.Font(20, bold: true);
        public static readonly XFont Small = PrintedPages.Font(8);
    }
}

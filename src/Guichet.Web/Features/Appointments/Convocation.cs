using Guichet.Domain.IdentityDocuments;
using Guichet.Web.Data;
using Guichet.Web.Features.IdentityDocuments;
using Guichet.Web.Features.Notifications;
using Guichet.Web.Platform;
using Guichet.Web.Platform.Mail;
using Microsoft.EntityFrameworkCore;
using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace Guichet.Web.Features.Appointments;

/// <summary>
/// The convocation: the PDF a citizen brings or is handed (organisation, reason, date and time in the site's time
/// zone, place, persons, code, the documents to bring, how to cancel), and the same appointment as an .ics file.
/// Rendered on demand from the appointment, never stored. The manage link is printed only when the caller holds the
/// token (the citizen's own download); agents and the e-mail attachment point to the phone and the e-mail instead.
/// </summary>
public sealed class Convocation(GuichetDb db, LoadChecklist checklists, AppOptions app, MailOptions mail, TimeProvider clock)
{
    private sealed record Facts(Appointment Appointment, Organisation Organisation, Site Site, string ReasonName,
        IReadOnlyList<string> Documents, string? ChecklistUrl);

    public async Task<byte[]> PdfAsync(Appointment appointment, string? manageUrl, CancellationToken ct)
    {
        var facts = await LoadAsync(appointment, ct);
        return Render(facts, manageUrl, clock.GetUtcNow().UtcDateTime);
    }

    public static string FileName(Appointment appointment) => $"convocation-{appointment.Code}.pdf";

    /// <summary>
    /// An .ics to open in a calendar (METHOD:PUBLISH: a file, not an invitation). Same UID as the e-mailed invitation,
    /// so importing both leaves one event.
    /// </summary>
    public async Task<string> CalendarAsync(Appointment a, string? manageUrl, CancellationToken ct)
    {
        var f = await LoadAsync(a, ct);
        var e = new CalendarEvent(
            Uid: $"{a.Id}@{mail.Domain}",
            StampUtc: clock.GetUtcNow().UtcDateTime,
            StartUtc: a.StartUtc,
            EndUtc: a.EndUtc,
            Summary: $"Rendez-vous {f.ReasonName} – {f.Site.Name}",
            Location: $"{f.Site.Name}, {f.Site.Address}, {f.Site.PostalCode} {f.Site.City}",
            Description: $"Code du rendez-vous : {a.Code}" + (manageUrl is null ? "" : $"\nVoir ou annuler : {manageUrl}"),
            Url: manageUrl,
            Sequence: 0,
            OrganizerName: f.Organisation.Name,
            OrganizerEmail: mail.From,
            AttendeeEmail: null);
        return ICalendar.Write(e, "PUBLISH");
    }

    private async Task<Facts> LoadAsync(Appointment a, CancellationToken ct)
    {
        var organisation = await db.Organisations.AsNoTracking().FirstAsync(o => o.Id == a.OrganisationId, ct);
        var site = await db.Sites.AsNoTracking().FirstAsync(s => s.Id == a.SiteId, ct);
        var reasonName = await db.Reasons.AsNoTracking()
            .Where(r => r.OrganisationId == a.OrganisationId && r.Code == a.ReasonCode)
            .Select(r => r.Name).FirstOrDefaultAsync(ct) ?? a.ReasonCode;
        // The appointment knows the title asked for, not the citizen's situation: the convocation lists what every
        // applicant for that title brings, and links to the questionnaire for the rest.
        IReadOnlyList<string> documents = [];
        string? checklistUrl = null;
        if (LoadChecklist.TitleOfReason(a.ReasonCode) is { } title)
        {
            var facts = Questionnaire.Questions[0].Options.First(o => o.Value == title).Facts.ToHashSet();
            var rules = await checklists.RuleSetAsync(a.OrganisationId, ct);
            var list = rules.Evaluate(facts);
            documents = list.Documents.Select(d => d.Text).ToList();
            checklistUrl = $"{app.PublicBaseUrl.TrimEnd('/')}/pieces-a-fournir/{Uri.EscapeDataString(a.OrganisationId)}?titre={title}";
        }
        return new Facts(a, organisation, site, reasonName, documents, checklistUrl);
    }

    private static byte[] Render(Facts f, string? manageUrl, DateTime nowUtc)
    {
        var a = f.Appointment;
        var local = FrenchDates.ToLocal(a.StartUtc, f.Site.TimeZone);
        using var document = new PdfDocument();
        document.Info.Title = $"Convocation – rendez-vous {a.Code}";
        document.Info.Author = f.Organisation.Name;
        document.Info.Subject = $"{f.ReasonName}, le {FrenchDates.DayAndTime(local)}";
        document.Info.Creator = "Guichet";
        document.Language = "fr-FR";
        var page = new PrintedPages(document, Page.Body, Page.Strong, labelWidth: 130);

        page.Line(f.Organisation.Name, Page.Heading);
        page.Line("Convocation à un rendez-vous", Page.Title, after: 14);

        page.Label("Motif", f.ReasonName + $", {a.Persons} personne{(a.Persons > 1 ? "s" : "")}");
        page.Label("Date et heure", $"le {FrenchDates.DayAndTime(local)}");
        page.Label("Lieu", f.Site.Name);
        page.Label("Adresse", $"{f.Site.Address}, {f.Site.PostalCode} {f.Site.City}");
        page.Label("Au nom de", $"{a.FirstName} {a.LastName}");
        if (a.PreRequestNumbers.Length > 0) page.Label("Pré-demandes ANTS", a.PreRequestNumbers.Replace(" ", ", "));
        page.Space(6);
        page.Line("Code du rendez-vous", Page.Body);
        page.Line(a.Code, Page.Code, after: 12);

        page.Paragraph("Présentez-vous à l'heure, avec toutes les personnes concernées et cette convocation (imprimée ou sur votre téléphone).", Page.Body);
        if (f.Documents.Count > 0)
        {
            page.Space(6);
            page.Line("Pièces à apporter dans tous les cas", Page.Heading);
            foreach (var d in f.Documents) page.Paragraph("• " + d, Page.Body, indent: 10);
            if (f.ChecklistUrl is not null)
                page.Paragraph("D'autres pièces dépendent de votre situation (âge, perte ou vol, changement de nom ou d'adresse…). " +
                               "Trouvez la liste complète pour votre demande à cette adresse : " + f.ChecklistUrl, Page.Body);
        }
        page.Space(6);
        page.Line("Vous ne pouvez pas venir ?", Page.Heading);
        page.Paragraph("Annulez le rendez-vous : le créneau sera proposé à une autre personne.", Page.Body);
        page.Paragraph(manageUrl is not null
            ? "Pour voir ou annuler votre rendez-vous, ouvrez ce lien : " + manageUrl
            : "Pour l'annuler, utilisez le lien reçu par e-mail lors de la réservation.", Page.Body);
        var phone = f.Site.Phone ?? f.Organisation.Phone;
        if (phone is not null) page.Paragraph($"Vous pouvez aussi appeler la mairie au {phone}.", Page.Body);
        page.Space(10);
        page.Paragraph($"Document établi le {FrenchDates.Day(FrenchDates.ToLocal(nowUtc, f.Site.TimeZone))} par {f.Organisation.Name}.", Page.Small);

        using var output = new MemoryStream();
        document.Save(output, closeStream: false);
        return output.ToArray();
    }

    /// <summary>The convocation's fonts.</summary>
    private static class Page
    {
        public static readonly XFont Title = PrintedPages.Font(18, bold: true);
        public static readonly XFont Heading = PrintedPages.Font(12, bold: true);
        public static readonly XFont Body = PrintedPages.Font(10.5);
        public static readonly XFont Strong = PrintedPages.Font(10.5, bold: true);
        public static readonly XFont Code = PrintedPages.Font(22, bold: true);
        public static readonly XFont Small = PrintedPages.Font(8.5);
    }
}

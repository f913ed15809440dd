using Guichet.Domain.Messaging;
using Guichet.Domain.Scheduling;
using Guichet.Web.Data;
using Guichet.Web.Platform;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Notifications;

/// <summary>
/// An organisation's own text for one kind of message on one channel. No row: the default text, which is the
/// text the code wrote before templates existed, so an organisation that edits nothing sees nothing change.
/// </summary>
public sealed class OrganisationTemplate
{
    public required string OrganisationId { get; set; }
    public MessageKind Kind { get; set; }
    public MessageChannel Channel { get; set; }
    /// <summary>E-mail only.</summary>
    public string? Subject { get; set; }
    public required string Body { get; set; }
    /// <summary>SMS only: characters outside GSM 03.38 rewritten before sending (’ → ', ô → o…).</summary>
    public bool GsmSafe { get; set; } = true;
    public DateTime UpdatedUtc { get; set; }
    public string? UpdatedByAgentId { get; set; }

    internal static void Map(ModelBuilder b) => b.Entity<OrganisationTemplate>(e =>
    {
        e.ToTable("message_templates");
        e.HasKey(x => new { x.OrganisationId, x.Kind, x.Channel });
        e.Property(x => x.OrganisationId).HasMaxLength(64);
        e.Property(x => x.Kind).HasConversion<string>().HasMaxLength(32);
        e.Property(x => x.Channel).HasConversion<string>().HasMaxLength(16);
        e.Property(x => x.Subject).HasMaxLength(TemplateCatalog.MaxSubjectLength);
        e.Property(x => x.Body).HasMaxLength(MessageTemplate.MaxLength);
        e.HasOne<Organisation>().WithMany().HasForeignKey(x => x.OrganisationId).OnDelete(DeleteBehavior.Cascade);
    });
}

/// <summary>One editable message: its kind and channel, the fields it offers and its default text.</summary>
public sealed record TemplateSpec(MessageKind Kind, MessageChannel Channel, string Slug, string Title,
    IReadOnlyList<TemplateField> Fields, string? DefaultSubject, string DefaultBody)
{
    public bool IsSms => Channel == MessageChannel.Sms;
}

/// <summary>A message rendered from a template: the e-mail's subject, text and HTML; an SMS has only its text.</summary>
public sealed record RenderedMessage(string? Subject, string Text, string? Html);

/// <summary>
/// The messages an administrator may rewrite, their fields and their defaults. SMS offer neither the name nor the
/// reason: an SMS shows on a locked screen. Dates differ by channel as they always did: "mardi 8 décembre 2026" and
/// "9 h 30" in e-mails, "mardi 8 décembre" and "9h30" in SMS, where every character counts.
/// </summary>
public static class TemplateCatalog
{
    public const int MaxSubjectLength = 200;
    private const string Footer = "{mairie}\nCe message est envoyé automatiquement : merci de ne pas y répondre.\n";

    private static readonly TemplateField Prenom = new("prenom", "prénom de l'usager");
    private static readonly TemplateField Nom = new("nom", "nom de l'usager");
    private static readonly TemplateField Motif = new("motif", "motif du rendez-vous, par exemple « Carte nationale d'identité »");
    private static readonly TemplateField EmailDate = new("date", "jour du rendez-vous, par exemple « mardi 8 décembre 2026 »");
    private static readonly TemplateField EmailTime = new("heure", "heure du rendez-vous, par exemple « 9 h 30 »");
    private static readonly TemplateField SmsDate = new("date", "jour du rendez-vous sans l'année, par exemple « mardi 8 décembre »");
    private static readonly TemplateField SmsTime = new("heure", "heure du rendez-vous, par exemple « 9h30 »");
    private static readonly TemplateField Lieu = new("lieu", "nom du lieu d'accueil");
    private static readonly TemplateField Adresse = new("adresse", "adresse du lieu : rue, code postal et ville");
    private static readonly TemplateField Code = new("code", "code du rendez-vous (8 chiffres)");
    private static readonly TemplateField Mairie = new("mairie", "nom de la collectivité");
    private static readonly TemplateField Personnes = new("personnes", "nombre de personnes");
    private static readonly TemplateField ManageLink = new("lien", "lien pour voir ou annuler le rendez-vous");
    private static readonly TemplateField BookLink = new("lien", "lien pour prendre un autre rendez-vous");
    private static readonly TemplateField Convocation = new("convocation", "lien de la convocation (PDF)");
    private static readonly TemplateField Pieces = new("pieces", "lien de la liste des pièces à apporter ; vide pour un motif sans liste, et la ligne disparaît");
    private static readonly TemplateField EmailWhy = new("annulation", "qui a annulé : « Votre rendez-vous a bien été annulé, comme vous l'avez demandé. » ou « La mairie a annulé votre rendez-vous. »");
    private static readonly TemplateField SmsWhy = new("annulation", "qui a annulé : « comme demandé » ou « par la mairie »");
    private static readonly TemplateField OfferLink = new("lien", "lien pour prendre le créneau proposé");
    private static readonly TemplateField EmailUntil = new("expiration", "jusqu'à quand la proposition vaut, par exemple « lundi 30 novembre 2026 à 19 h »");
    private static readonly TemplateField SmsUntil = new("expiration", "jusqu'à quand la proposition vaut, par exemple « lundi 30 novembre à 19h »");
    private static readonly TemplateField WithdrawalLink = new("lien", "lien pour choisir le créneau de retrait");
    private static readonly TemplateField EmailFrom = new("date", "premier jour de retrait possible, par exemple « mardi 29 décembre 2026 »");
    private static readonly TemplateField SmsFrom = new("date", "premier jour de retrait possible sans l'année, par exemple « mardi 29 décembre »");
    private static readonly TemplateField Reply = new("reponse", "« ou répondez ANNULER » et le code, précédé d'une espace, quand le fournisseur reçoit les réponses ; vide sinon");

    public static readonly IReadOnlyList<TemplateSpec> All =
    [
        new(MessageKind.Confirmation, MessageChannel.Email, "confirmation-email", "Confirmation par e-mail",
            [Prenom, Nom, Motif, EmailDate, EmailTime, Lieu, Adresse, Personnes, Code, ManageLink, Mairie],
            "Confirmation de votre rendez-vous du {date} à {heure}",
            "Bonjour {prenom} {nom},\n\nVotre rendez-vous est confirmé.\n\n"
            + "Motif : {motif}\nDate : le {date} à {heure}\nLieu : {lieu}\nAdresse : {adresse}\nNombre de personnes : {personnes}\nCode du rendez-vous : {code}\n\n"
            + "Pour voir ou annuler votre rendez-vous, ouvrez ce lien :\n{lien}\n\n"
            + "Vous ne pouvez pas venir ? Annulez le rendez-vous avec ce lien : le créneau sera proposé à une autre personne.\n"
            + "La convocation jointe (PDF) reprend ces informations et la liste des pièces à apporter.\n"
            + "Le fichier joint « rendez-vous.ics » ajoute le rendez-vous à votre agenda.\n\n" + Footer),
        new(MessageKind.Reminder, MessageChannel.Email, "rappel-email", "Rappel par e-mail",
            [Prenom, Nom, Motif, EmailDate, EmailTime, Lieu, Adresse, Code, ManageLink, Convocation, Pieces, Mairie],
            "Rappel : votre rendez-vous du {date} à {heure}",
            "Bonjour {prenom} {nom},\n\nNous vous rappelons votre rendez-vous.\n\n"
            + "Motif : {motif}\nDate : le {date} à {heure}\nLieu : {lieu}\nAdresse : {adresse}\nCode du rendez-vous : {code}\n\n"
            + "Les pièces à apporter : {pieces}\nVotre convocation (PDF) : {convocation}\n\n"
            + "Vous ne pouvez pas venir ? Annulez le rendez-vous avec ce lien, le créneau sera proposé à une autre personne :\n{lien}\n\n" + Footer),
        new(MessageKind.Cancellation, MessageChannel.Email, "annulation-email", "Annulation par e-mail",
            [Prenom, Nom, Motif, EmailDate, EmailTime, Lieu, Adresse, Code, EmailWhy, BookLink, Mairie],
            "Annulation de votre rendez-vous du {date} à {heure}",
            "Bonjour {prenom} {nom},\n\n{annulation}\n\n"
            + "Motif : {motif}\nDate : le {date} à {heure}\nLieu : {lieu}, {adresse}\nCode du rendez-vous : {code}\n\n"
            + "Pour prendre un autre rendez-vous : {lien}\n\n" + Footer),
        new(MessageKind.Confirmation, MessageChannel.Sms, "confirmation-sms", "Confirmation par SMS",
            [SmsDate, SmsTime, Lieu, Adresse, Code, ManageLink, Reply, Mairie], null,
            "RDV confirmé le {date} à {heure}, {lieu}. Code {code}. Voir ou annuler : {lien}{reponse}"),
        new(MessageKind.Reminder, MessageChannel.Sms, "rappel-sms", "Rappel par SMS",
            [SmsDate, SmsTime, Lieu, Adresse, Code, ManageLink, Reply, Mairie], null,
            "Rappel : RDV le {date} à {heure}, {lieu}. Code {code}. Empêché ? Annulez : {lien}{reponse}"),
        new(MessageKind.Cancellation, MessageChannel.Sms, "annulation-sms", "Annulation par SMS",
            [SmsDate, SmsTime, Lieu, Adresse, Code, SmsWhy, BookLink, Mairie], null,
            "RDV du {date} à {heure} ({lieu}, code {code}) annulé {annulation}. Nouveau RDV : {lien}"),
        new(MessageKind.WaitlistOffer, MessageChannel.Email, "liste-attente-email", "Proposition de la liste d'attente par e-mail",
            [Prenom, Nom, Motif, EmailDate, EmailTime, Lieu, Adresse, OfferLink, EmailUntil, Mairie],
            "Un créneau s'est libéré le {date} à {heure}",
            "Bonjour {prenom} {nom},\n\nVous êtes sur la liste d'attente : un créneau vient de se libérer.\n\n"
            + "Motif : {motif}\nDate : le {date} à {heure}\nLieu : {lieu}\nAdresse : {adresse}\n\n"
            + "Pour le prendre, ouvrez ce lien avant le {expiration} :\n{lien}\n\n"
            + "Ce créneau est proposé à plusieurs personnes : la première qui le prend l'obtient.\n"
            + "Si vous avez déjà un rendez-vous, il est avancé à ce créneau ; vous n'en aurez pas deux.\n"
            + "Le même lien permet de quitter la liste d'attente.\n\n" + Footer),
        new(MessageKind.WaitlistOffer, MessageChannel.Sms, "liste-attente-sms", "Proposition de la liste d'attente par SMS",
            [SmsDate, SmsTime, Lieu, Adresse, OfferLink, SmsUntil, Mairie], null,
            "Créneau libéré le {date} à {heure}, {lieu}. Le 1er qui le prend l'obtient. Avant le {expiration} : {lien}"),
        new(MessageKind.WithdrawalReady, MessageChannel.Email, "titre-disponible-email", "Titre disponible par e-mail",
            [Prenom, Nom, Motif, EmailFrom, Lieu, Adresse, WithdrawalLink, Mairie],
            "Votre titre est disponible : choisissez votre créneau de retrait",
            "Bonjour {prenom} {nom},\n\nVotre titre est prêt ({motif}). Vous pouvez venir le retirer à partir du {date}.\n\n"
            + "Lieu : {lieu}\nAdresse : {adresse}\n\n"
            + "Choisissez votre créneau de retrait avec ce lien :\n{lien}\n\n"
            + "Venez en personne, avec votre ancien titre s'il vous en reste un.\n\n" + Footer),
        new(MessageKind.WithdrawalReady, MessageChannel.Sms, "titre-disponible-sms", "Titre disponible par SMS",
            [SmsFrom, Lieu, Adresse, WithdrawalLink, Mairie], null,
            "Votre titre est disponible à {lieu} dès le {date}. Choisissez votre créneau de retrait : {lien}"),
    ];

    public static TemplateSpec? Find(string slug) => All.FirstOrDefault(s => s.Slug == slug);

    public static TemplateSpec Of(MessageKind kind, MessageChannel channel) => All.First(s => s.Kind == kind && s.Channel == channel);

    /// <summary>The administrator's text checked field by field; the errors name the form fields "subject" and "body".</summary>
    public static List<FieldError> Validate(TemplateSpec spec, string? subject, string? body)
    {
        var errors = new List<FieldError>();
        if (!spec.IsSms)
        {
            if ((subject ?? "").Trim().Length > MaxSubjectLength)
                errors.Add(new("subject", $"L'objet est trop long : {MaxSubjectLength} caractères au plus."));
            else errors.AddRange(MessageTemplate.Parse(subject?.Trim(), spec.Fields, singleLine: true).Errors.Select(e => new FieldError("subject", "Objet : " + e)));
        }
        errors.AddRange(MessageTemplate.Parse(body, spec.Fields).Errors.Select(e => new FieldError("body", "Texte : " + e)));
        return errors;
    }

    /// <summary>
    /// Renders a valid template; null when it no longer parses (a field withdrawn since it was saved), so the caller
    /// falls back to the default rather than send a broken message.
    /// </summary>
    public static RenderedMessage? Render(TemplateSpec spec, string? subject, string body, bool gsmSafe, IReadOnlyDictionary<string, string> values)
    {
        var text = MessageTemplate.Parse(body, spec.Fields).Template;
        if (text is null) return null;
        if (spec.IsSms)
        {
            var sms = text.Render(values);
            return new RenderedMessage(null, gsmSafe ? SmsEncoding.ToGsmSafe(sms) : sms, null);
        }
        if (MessageTemplate.Parse(subject?.Trim(), spec.Fields, singleLine: true).Template is not { } title) return null;
        var renderedSubject = title.Render(values);
        var html = $"""
            <!DOCTYPE html>
            <html lang="fr"><head><meta charset="utf-8"><title>{MessageTemplate.Encode(renderedSubject)}</title></head>
            <body>
            {text.RenderHtml(values)}</body></html>
            """;
        return new RenderedMessage(renderedSubject, text.Render(values), html);
    }

    /// <summary>The values every message of an appointment shares, written as its channel writes dates.</summary>
    public static Dictionary<string, string> Values(Appointment a, Site site, string? reasonName, MessageChannel channel)
    {
        var local = FrenchDates.ToLocal(a.StartUtc, site.TimeZone);
        return new Dictionary<string, string>
        {
            ["prenom"] = a.FirstName,
            ["nom"] = a.LastName,
            ["motif"] = reasonName ?? "",
            ["date"] = channel == MessageChannel.Sms ? local.ToString("dddd d MMMM", FrenchDates.Culture) : FrenchDates.Day(local),
            ["heure"] = channel == MessageChannel.Sms
                ? $"{local.Hour}h{(local.Minute == 0 ? "" : local.Minute.ToString("00", FrenchDates.Culture))}"
                : FrenchDates.Time(local),
            ["lieu"] = site.Name,
            ["adresse"] = $"{site.Address}, {site.PostalCode} {site.City}",
            ["code"] = a.Code,
            ["personnes"] = a.Persons.ToString(FrenchDates.Culture),
        };
    }

    public static string CancelledWhy(Appointment a, MessageChannel channel)
    {
        var byCitizen = a.CancelledBy is null or "citizen";
        return channel == MessageChannel.Sms
            ? byCitizen ? "comme demandé" : "par la mairie"
            : byCitizen ? "Votre rendez-vous a bien été annulé, comme vous l'avez demandé." : "La mairie a annulé votre rendez-vous.";
    }
}

/// <summary>
/// What the message writers ask before writing their own default: the organisation's template for this message,
/// rendered, or null when it has none (one small read per message, at booking time as before).
/// </summary>
public sealed class MessageTemplates(GuichetDb db, ILogger<MessageTemplates> log)
{
    public async Task<RenderedMessage?> RenderAsync(string organisationId, MessageKind kind, MessageChannel channel,
        Dictionary<string, string> values, CancellationToken ct)
    {
        var stored = await db.Set<OrganisationTemplate>().AsNoTracking()
            .FirstOrDefaultAsync(t => t.OrganisationId == organisationId && t.Kind == kind && t.Channel == channel, ct);
        if (stored is null) return null;
        values["mairie"] = await db.Organisations.Where(o => o.Id == organisationId).Select(o => o.Name).FirstAsync(ct);
        var rendered = TemplateCatalog.Render(TemplateCatalog.Of(kind, channel), stored.Subject, stored.Body, stored.GsmSafe, values);
        if (rendered is null)
            log.LogWarning("Template {Kind}/{Channel} of organisation {OrganisationId} no longer parses: the default text is used", kind, channel, organisationId);
        return rendered;
    }
}

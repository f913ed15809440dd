using System.Text.Encodings.Web;
using Guichet.Domain.Contacts;
using Guichet.Domain.Requests;
using Guichet.Web.Data;
using Guichet.Web.Features.Notifications;
using Guichet.Web.Platform;
using Guichet.Web.Platform.Mail;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Requests;

/// <summary>
/// Writes a request's messages into the outbox (the caller's SaveChanges saves them with the request): the
/// acknowledgement at once, by e-mail when the citizen gave one, by SMS when only a mobile; agents' replies later.
/// </summary>
public sealed class RequestMessages(GuichetDb db, AppOptions app, MailOptions mail, RequestsOptions options, TimeProvider clock)
{
    private OutboxMessage? acknowledgement;
    private string? greeting;

    public string TrackingUrl => app.PublicBaseUrl.TrimEnd('/') + "/suivi";

    /// <param name="receivedOn">the local day of receipt in the organisation's zone (OrganisationCalendar).</param>
    public Acknowledgement Acknowledgement(CitizenRequest request, DateOnly receivedOn, Organisation organisation, Category category, Unit unit) => new(
        organisation.Name, category.Name, request.Channel, receivedOn, request.DueDate, unit.ToDomain(), request.TrackingCode, TrackingUrl, options.FranceServicesUrl,
        Decision(request, receivedOn), request.Awaited);

    /// <summary>
    /// The implicit decision the request was received with (its own stored date, whatever the category says today), its
    /// months counted from the day the delays run from (receipt, or the missing documents: L114-5).
    /// </summary>
    public static ImplicitDecision? Decision(CitizenRequest request, DateOnly receivedOn)
    {
        if (request is not { SilenceRule: not SilenceRule.None, ImplicitDecisionOn: { } on }) return null;
        var from = request.DelaysFrom ?? receivedOn;
        return new ImplicitDecision(request.SilenceRule, (on.Year - from.Year) * 12 + on.Month - from.Month, on);
    }

    /// <summary>Adds the acknowledgement; returns its channel, or null when the citizen gave neither e-mail nor mobile.</summary>
    public async Task<MessageChannel?> AddAcknowledgementAsync(CitizenRequest request, Acknowledgement ack, CancellationToken ct)
    {
        greeting = request.DisplayName;
        if (request.Email is { } email)
        {
            acknowledgement = Add(request, MessageKind.RequestAcknowledgement, MessageChannel.Email, email, ack.Subject, ack.Text(greeting), Html(ack, greeting), "ack");
            await RequestMailThreads.ThreadAsync(db, acknowledgement, request, acknowledging: true, clock, ct);
            return MessageChannel.Email;
        }
        if (await MobileAsync(request, ct) is { } mobile)
        {
            acknowledgement = Add(request, MessageKind.RequestAcknowledgement, MessageChannel.Sms, mobile, null, ack.Sms(), null, "ack");
            return MessageChannel.Sms;
        }
        return null;
    }

    /// <summary>After the tracking code was redrawn: the unsent acknowledgement says the new one.</summary>
    public void Retarget(CitizenRequest request, Acknowledgement ack)
    {
        if (acknowledgement is null) return;
        acknowledgement.Subject = acknowledgement.Channel == MessageChannel.Email ? ack.Subject : null;
        acknowledgement.Body = acknowledgement.Channel == MessageChannel.Email ? ack.Text(greeting) : ack.Sms();
        acknowledgement.HtmlBody = acknowledgement.Channel == MessageChannel.Email ? Html(ack, greeting) : null;
    }

    /// <summary>An agent's public reply, on the channel the citizen can be reached by (e-mail first, then a mobile).</summary>
    public async Task<MessageChannel?> AddReplyAsync(CitizenRequest request, Organisation organisation, Unit unit, string reply, string eventId, CancellationToken ct)
    {
        var code = TrackingCode.Display(request.TrackingCode);
        var text = $"Bonjour {request.DisplayName},\n\n{unit.Name} répond à votre demande {code} :\n\n{reply}\n\n"
            + $"Suivre votre demande : {TrackingUrl} (code {code} et votre nom de famille).\n"
            + $"{unit.Name}, {unit.ToDomain().PostalAddress}, {unit.Phone}\n\n{organisation.Name}\n";
        var h = HtmlEncoder.Default;
        var paragraphs = string.Concat(reply.Replace("\r\n", "\n").Split("\n\n").Select(p => $"<p>{h.Encode(p).Replace("\n", "<br>")}</p>"));
        var html = $"""
            <!DOCTYPE html>
            <html lang="fr"><head><meta charset="utf-8"><title>Réponse à votre demande {h.Encode(code)}</title></head>
            <body><p>Bonjour {h.Encode(request.DisplayName)},</p><p>{h.Encode(unit.Name)} répond à votre demande {h.Encode(code)} :</p>
            {paragraphs}
            <p><a href="{h.Encode(TrackingUrl)}">Suivre votre demande</a> (code {h.Encode(code)} et votre nom de famille).</p>
            <p>{h.Encode(unit.Name)}, {h.Encode(unit.ToDomain().PostalAddress)}, {h.Encode(unit.Phone)}<br>{h.Encode(organisation.Name)}</p>
            </body></html>
            """;
        return await ToCitizenAsync(request, MessageKind.RequestReply, eventId, $"Réponse à votre demande {code}", text, html,
            $"{organisation.Name}, demande {request.TrackingCode} : {reply}", ct);
    }

    /// <summary>
    /// The request is incomplete (L114-5): the documents to send, by when and how, and the delays now counted from them,
    /// as a complement to the acknowledgement; on the citizen's channel, in the request's mail thread so that an answer
    /// with the documents attached comes back to it.
    /// </summary>
    public async Task<MessageChannel?> AddDocumentsRequestAsync(CitizenRequest request, Acknowledgement ack, string eventId, CancellationToken ct)
    {
        var documents = ack.Documents ?? throw new InvalidOperationException("No documents are awaited.");
        var code = TrackingCode.Display(request.TrackingCode);
        var subject = $"Demande {code} : pièces à fournir avant le {documents.SupplyByText}";
        var how = $"Envoyez-les en répondant à ce courriel (pièces jointes), par courrier à {ack.Unit.Name}, {ack.Unit.PostalAddress}, ou déposez-les à l'accueil.";
        var text = new System.Text.StringBuilder()
            .Append("Bonjour ").Append(request.DisplayName).Append(",\n\n")
            .Append(ack.Unit.Name).Append(" a besoin des pièces ou informations suivantes pour instruire votre demande ").Append(code).Append(" :\n");
        foreach (var item in documents.Items) text.Append("- ").Append(item).Append('\n');
        text.Append("\nÀ fournir au plus tard le ").Append(documents.SupplyByText).Append(". ").Append(how).Append("\n\n");
        foreach (var p in ack.DecisionParagraphs(ack.OrganisationName)) text.Append(p).Append('\n');
        text.Append("\nRéponse au plus tard le ").Append(Domain.Requests.Acknowledgement.Date(ack.DueOn)).Append(" si les pièces arrivent le ").Append(documents.SupplyByText).Append(".\n")
            .Append("Suivre votre demande : ").Append(TrackingUrl).Append(" (code ").Append(code).Append(" et votre nom de famille).\n")
            .Append(ack.Unit.Name).Append(", ").Append(ack.Unit.PostalAddress).Append(", ").Append(ack.Unit.Phone).Append("\n\n").Append(ack.OrganisationName).Append('\n');
        var h = HtmlEncoder.Default;
        var html = $"""
            <!DOCTYPE html>
            <html lang="fr"><head><meta charset="utf-8"><title>{h.Encode(subject)}</title></head>
            <body><p>Bonjour {h.Encode(request.DisplayName)},</p>
            <p>{h.Encode(ack.Unit.Name)} a besoin des pièces ou informations suivantes pour instruire votre demande {h.Encode(code)} :</p>
            <ul>{string.Concat(documents.Items.Select(i => $"<li>{h.Encode(i)}</li>"))}</ul>
            <p>À fournir au plus tard le <strong>{h.Encode(documents.SupplyByText)}</strong>. {h.Encode(how)}</p>
            {string.Concat(ack.DecisionParagraphs(ack.OrganisationName).Select(p => $"<p>{h.Encode(p)}</p>\n"))}
            <p>Réponse au plus tard le <strong>{h.Encode(Domain.Requests.Acknowledgement.Date(ack.DueOn))}</strong> si les pièces arrivent le {h.Encode(documents.SupplyByText)}.</p>
            <p><a href="{h.Encode(TrackingUrl)}">Suivre votre demande</a> (code {h.Encode(code)} et votre nom de famille).</p>
            <p>{h.Encode(ack.Unit.Name)}, {h.Encode(ack.Unit.PostalAddress)}, {h.Encode(ack.Unit.Phone)}<br>{h.Encode(ack.OrganisationName)}</p>
            </body></html>
            """;
        return await ToCitizenAsync(request, MessageKind.RequestDocuments, eventId, subject, text.ToString(), html,
            documents.Sms(ack.OrganisationName, request.TrackingCode, ack.DueOn, TrackingUrl), ct);
    }

    /// <summary>The documents came: the citizen is told the day the delays now run from and the new dates.</summary>
    public async Task<MessageChannel?> AddDocumentsReceivedAsync(CitizenRequest request, Acknowledgement ack, DateOnly receivedOn, string eventId, CancellationToken ct)
    {
        var code = TrackingCode.Display(request.TrackingCode);
        var decision = ack.Decision is { } d
            ? $" Sans réponse au {d.DateText}, votre demande sera réputée {(d.Rule == SilenceRule.Acceptance ? "acceptée" : "rejetée")}."
            : "";
        var news = $"{ack.Unit.Name} a reçu le {Domain.Requests.Acknowledgement.Date(receivedOn)} les pièces demandées pour votre demande {code}. "
            + $"Réponse au plus tard le {Domain.Requests.Acknowledgement.Date(ack.DueOn)}.{decision}";
        var text = $"Bonjour {request.DisplayName},\n\n{news}\n\nSuivre votre demande : {TrackingUrl} (code {code} et votre nom de famille).\n"
            + $"{ack.Unit.Name}, {ack.Unit.PostalAddress}, {ack.Unit.Phone}\n\n{ack.OrganisationName}\n";
        var h = HtmlEncoder.Default;
        var html = $"""
            <!DOCTYPE html>
            <html lang="fr"><head><meta charset="utf-8"><title>Demande {h.Encode(code)} : pièces reçues</title></head>
            <body><p>Bonjour {h.Encode(request.DisplayName)},</p><p>{h.Encode(news)}</p>
            <p><a href="{h.Encode(TrackingUrl)}">Suivre votre demande</a> (code {h.Encode(code)} et votre nom de famille).</p>
            <p>{h.Encode(ack.Unit.Name)}, {h.Encode(ack.Unit.PostalAddress)}, {h.Encode(ack.Unit.Phone)}<br>{h.Encode(ack.OrganisationName)}</p>
            </body></html>
            """;
        var sms = $"{ack.OrganisationName}, demande {request.TrackingCode} : pièces reçues le {receivedOn.ToString("dd/MM/yyyy", System.Globalization.CultureInfo.InvariantCulture)}. "
            + $"Réponse au plus tard le {ack.DueOn.ToString("dd/MM/yyyy", System.Globalization.CultureInfo.InvariantCulture)}. Suivi : {TrackingUrl}";
        return await ToCitizenAsync(request, MessageKind.RequestDocuments, eventId, $"Demande {code} : pièces reçues", text, html, sms, ct);
    }

    /// <summary>
    /// A message about a request on the channel the citizen can be reached by: by e-mail, in the request's mail thread
    /// (so that an answer comes back to it), else by SMS to a mobile not opted out (cut at 700 characters), else none.
    /// </summary>
    private async Task<MessageChannel?> ToCitizenAsync(CitizenRequest request, MessageKind kind, string key, string subject, string text, string html, string sms, CancellationToken ct)
    {
        if (request.Email is { } email)
        {
            var sent = Add(request, kind, MessageChannel.Email, email, subject, text, html, key);
            await RequestMailThreads.ThreadAsync(db, sent, request, acknowledging: false, clock, ct);
            return MessageChannel.Email;
        }
        if (await MobileAsync(request, ct) is { } mobile)
        {
            Add(request, kind, MessageChannel.Sms, mobile, null, sms.Length > 700 ? sms[..697] + "..." : sms, null, key);
            return MessageChannel.Sms;
        }
        return null;
    }

    private async Task<string?> MobileAsync(CitizenRequest request, CancellationToken ct)
    {
        if (FrenchPhone.Parse(request.Phone) is not { IsMobile: true } phone) return null;
        return await db.Set<Notifications.SmsOptOut>().AnyAsync(o => o.Phone == phone.E164, ct) ? null : phone.E164;
    }

    private static string Html(Acknowledgement ack, string? name)
    {
        var h = HtmlEncoder.Default;
        var items = string.Concat(ack.Items.Select(i => i.Label == "Suivre votre demande"
            ? $"<li>{h.Encode(i.Label)} : <a href=\"{h.Encode(i.Value)}\">{h.Encode(i.Value)}</a></li>\n"
            : $"<li>{h.Encode(i.Label)} : <strong>{h.Encode(i.Value)}</strong></li>\n"));
        return $"""
            <!DOCTYPE html>
            <html lang="fr"><head><meta charset="utf-8"><title>{h.Encode(ack.Subject)}</title></head>
            <body>
            <p>Bonjour {h.Encode(name ?? "")},</p>
            <p>{h.Encode(ack.OrganisationName)} a bien reçu votre demande. Voici son accusé de réception.</p>
            <ul>
            {items}</ul>
            {string.Concat(ack.DecisionParagraphs(ack.OrganisationName).Select(p => $"<p>{h.Encode(p)}</p>\n"))}
            <p>Gardez le code de suivi : avec votre nom de famille, il permet de suivre la demande sur le lien ci-dessus.</p>
            <p>Besoin d'aide pour vos démarches ? Un conseiller France Services peut vous accompagner près de chez vous : <a href="{h.Encode(ack.FranceServicesUrl)}">{h.Encode(ack.FranceServicesUrl)}</a></p>
            <p>{h.Encode(ack.OrganisationName)}<br>Ce message est envoyé automatiquement : merci de ne pas y répondre.</p>
            </body></html>
            """;
    }

    private OutboxMessage Add(CitizenRequest request, MessageKind kind, MessageChannel channel, string to, string? subject, string text, string? html, string key)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var id = Secrets.NewId();
        var message = new OutboxMessage
        {
            Id = id,
            OrganisationId = request.OrganisationId,
            Kind = kind,
            Channel = channel,
            Recipient = to,
            Subject = subject is { Length: > 300 } ? subject[..300] : subject,
            Body = text,
            HtmlBody = html,
            ScheduledUtc = now,
            // One acknowledgement per request, one message per reply event.
            IdempotencyKey = $"request:{request.Id}:{key}",
            Status = MessageStatus.Pending,
            NextAttemptUtc = now,
            ProviderReference = channel == MessageChannel.Email ? $"<{id}.{kind.ToString().ToLowerInvariant()}@{mail.Domain}>" : null,
            CreatedUtc = now,
        };
        db.Add(message);
        return message;
    }
}

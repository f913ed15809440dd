namespace Guichet.Domain.Messaging.Mime;

public enum InboundKind
{
    /// <summary>Written by a person: may create or feed a request and be acknowledged.</summary>
    Ordinary,
    /// <summary>Out-of-office and other automatic answers: attach to a request if threaded, never create one, never acknowledge.</summary>
    AutoReply,
    /// <summary>Mailing lists and bulk mail: never create a request, never acknowledge.</summary>
    MailingList,
    /// <summary>A non-delivery report: never create a request; see <see cref="InboundClassification.Bounce"/>.</summary>
    Bounce,
}

/// <param name="Reason">Which signal decided, in English for logs ("Auto-Submitted: auto-replied"); null for ordinary mail.</param>
/// <param name="Bounce">For bounces, what the report says (recipients, status, our original Message-ID) when readable.</param>
public sealed record InboundClassification(InboundKind Kind, string? Reason, BounceReport? Bounce = null)
{
    public bool MayCreateRequest => Kind == InboundKind.Ordinary;
    public bool MayAcknowledge => Kind == InboundKind.Ordinary;
}

/// <summary>One recipient of a delivery status notification (RFC 3464 §2.3).</summary>
/// <param name="Status">"5.1.1"-style code, or null.</param>
public sealed record BounceRecipient(string? FinalRecipient, string? Action, string? Status, string? DiagnosticCode)
{
    /// <summary>A permanent failure (5.x.x, or Action: failed without a status): the address should be marked invalid.</summary>
    public bool IsPermanent => Status is { Length: > 0 } s ? s.StartsWith('5') : string.Equals(Action, "failed", StringComparison.OrdinalIgnoreCase);
}

/// <param name="OriginalMessageId">Message-ID of the message that bounced (ours), from the returned message or headers.</param>
public sealed record BounceReport(IReadOnlyList<BounceRecipient> Recipients, string? OriginalMessageId)
{
    public bool IsPermanent => Recipients.Count == 0 ? true : Recipients.Any(r => r.IsPermanent);
}

/// <summary>
/// Tells person-written mail from automatic mail so that loops cannot start (RFC 3834, RFC 3464, RFC 2919/2369).
/// Checked in order: delivery reports (bounce); other reports such as read receipts (auto-reply); MAILER-DAEMON and
/// postmaster senders (bounce); Auto-Submitted other than "no",
/// X-Autoreply, X-Autorespond (auto-reply); List-Id, List-Unsubscribe, Precedence list (list); Precedence
/// auto_reply/bulk/junk (auto-reply); out-of-office subjects in French and English (auto-reply, a secondary signal); a null return path
/// "&lt;&gt;" left after all that (bounce, non-standard).
/// </summary>
public static class InboundClassifier
{
    private static readonly string[] AutoReplySubjects =
    [
        "réponse automatique", "reponse automatique", "absence du bureau", "absent du bureau", "absent(e) du bureau",
        "message d'absence", "message d’absence", "avis d'absence", "avis d’absence", "je suis absent", "je suis absente",
        "notification d'absence", "absence :", "absence:", "[absence]", "out of office", "out of the office",
        "automatic reply", "auto reply", "auto-reply", "autoreply", "auto-response", "automatic response", "away from the office",
        "ooo:",
    ];

    private static readonly string[] BounceSubjects =
    [
        "undelivered mail returned to sender", "delivery status notification (failure)", "mail delivery failed",
        "undeliverable:", "non remis", "returned mail", "mail delivery subsystem", "échec de la remise", "echec de la remise",
        "message non délivré", "message non delivre", "failure notice", "delivery failure",
    ];

    /// <param name="envelopeSender">The SMTP MAIL FROM if the caller knows it ("" for the null path), else Return-Path is used.</param>
    public static InboundClassification Classify(MimeMessage message, string? envelopeSender = null)
    {
        var h = message.Headers;
        var body = message.Body;

        if (body.MediaType == "multipart/report"
            && string.Equals(body.ContentTypeHeader["report-type"], "delivery-status", StringComparison.OrdinalIgnoreCase))
            return new(InboundKind.Bounce, "multipart/report; report-type=delivery-status", ReadBounce(message));
        if (body.Descendants().Any(e => e.MediaType is "message/delivery-status" or "message/global-delivery-status"))
            return new(InboundKind.Bounce, "message/delivery-status part", ReadBounce(message));

        // Read receipts (disposition-notification), abuse feedback (feedback-report) and other machine reports.
        if (body.MediaType == "multipart/report")
            return new(InboundKind.AutoReply, $"multipart/report; report-type={Short(body.ContentTypeHeader["report-type"] ?? "")}");
        if (body.Descendants().Any(e => e.MediaType is "message/disposition-notification" or "message/feedback-report"))
            return new(InboundKind.AutoReply, "machine report part");

        var from = message.From.FirstOrDefault()?.LocalPart ?? message.Sender?.LocalPart ?? "";
        if (from.Equals("mailer-daemon", StringComparison.OrdinalIgnoreCase) || from.Equals("postmaster", StringComparison.OrdinalIgnoreCase))
            return new(InboundKind.Bounce, $"From: {from}", ReadBounce(message));

        if (h["Auto-Submitted"] is { } auto && !auto.Trim().StartsWith("no", StringComparison.OrdinalIgnoreCase))
            return new(InboundKind.AutoReply, $"Auto-Submitted: {Short(auto)}");
        foreach (var name in new[] { "X-Autoreply", "X-Autorespond", "X-Autoresponder", "X-Auto-Response" })
            if (h[name] is { } v && !v.Trim().Equals("no", StringComparison.OrdinalIgnoreCase))
                return new(InboundKind.AutoReply, $"{name} present");
        if (h.Contains("List-Id")) return new(InboundKind.MailingList, "List-Id present");
        if (h.Contains("List-Unsubscribe")) return new(InboundKind.MailingList, "List-Unsubscribe present");
        var precedence = (h["Precedence"] ?? "").Trim().ToLowerInvariant();
        if (precedence == "list") return new(InboundKind.MailingList, "Precedence: list");
        if (precedence is "auto_reply" or "auto-reply" or "bulk" or "junk")
            return new(InboundKind.AutoReply, $"Precedence: {precedence}");

        var subject = (message.Subject ?? "").Trim().ToLowerInvariant();
        foreach (var s in AutoReplySubjects)
            if (subject.StartsWith(s, StringComparison.Ordinal))
                return new(InboundKind.AutoReply, "out-of-office subject");

        var returnPath = envelopeSender ?? message.ReturnPath;
        if (returnPath is { } rp && (rp.Trim() is "" or "<>"))
            return new(InboundKind.Bounce, "null return path", ReadBounce(message));
        foreach (var s in BounceSubjects)
            if (subject.StartsWith(s, StringComparison.Ordinal) && FindOriginalId(message) is not null)
                return new(InboundKind.Bounce, "bounce subject with a returned message", ReadBounce(message));

        return new(InboundKind.Ordinary, null);
    }

    private static string Short(string v) { var t = v.Trim(); var semi = t.IndexOf(';'); if (semi >= 0) t = t[..semi]; return t.Length > 40 ? t[..40] : t; }

    /// <summary>Reads the RFC 3464 fields when there is a delivery-status part, and finds our original Message-ID.</summary>
    public static BounceReport ReadBounce(MimeMessage message)
    {
        var recipients = new List<BounceRecipient>();
        var status = message.Body.Descendants().FirstOrDefault(e => e.MediaType is "message/delivery-status" or "message/global-delivery-status");
        if (status is not null)
        {
            // Per-message fields, a blank line, then one block of fields per recipient; each block is header-like.
            var text = status.GetText();
            foreach (var block in text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
            {
                var fields = ReadFields(block);
                if (!fields.ContainsKey("final-recipient") && !fields.ContainsKey("original-recipient") && !fields.ContainsKey("action")) continue;
                if (recipients.Count >= 100) break;
                recipients.Add(new BounceRecipient(
                    Address(fields.GetValueOrDefault("final-recipient") ?? fields.GetValueOrDefault("original-recipient")),
                    fields.GetValueOrDefault("action")?.ToLowerInvariant(),
                    StatusCode(fields.GetValueOrDefault("status")),
                    fields.GetValueOrDefault("diagnostic-code")));
            }
        }
        return new BounceReport(recipients, FindOriginalId(message));
    }

    private static Dictionary<string, string> ReadFields(string block)
    {
        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        string? last = null;
        foreach (var line in block.Split('\n'))
        {
            if (line.Length == 0) continue;
            if ((line[0] == ' ' || line[0] == '\t') && last is not null) { fields[last] += " " + line.Trim(); continue; }
            var colon = line.IndexOf(':');
            if (colon <= 0) continue;
            last = line[..colon].Trim().ToLowerInvariant();
            fields.TryAdd(last, line[(colon + 1)..].Trim());
        }
        return fields;
    }

    /// <summary>"rfc822; jean@example.org" → "jean@example.org".</summary>
    private static string? Address(string? field)
    {
        if (field is null) return null;
        var semi = field.IndexOf(';');
        var a = (semi >= 0 ? field[(semi + 1)..] : field).Trim().Trim('<', '>');
        return a.Length == 0 ? null : a;
    }

    private static string? StatusCode(string? field)
    {
        if (field is null) return null;
        var token = field.Trim().Split(' ', '(', '\t')[0];
        return token.Length == 0 ? null : token;
    }

    private static string? FindOriginalId(MimeMessage message)
    {
        foreach (var e in message.Body.Descendants())
            if (e.Message?.MessageId is { } id) return id;
        // Non-standard bounces quote the headers in the text: look for a Message-ID line.
        foreach (var line in (message.TextBody ?? "").Split('\n'))
        {
            var t = line.TrimStart('>', ' ', '\t');
            if (t.StartsWith("Message-ID:", StringComparison.OrdinalIgnoreCase) && MessageIds.Parse(t[11..]).FirstOrDefault() is { } found)
                return found;
        }
        return null;
    }
}

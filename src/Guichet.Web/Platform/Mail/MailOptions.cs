using System.Net.Mail;

namespace Guichet.Web.Platform.Mail;

public enum SmtpSecurity { StartTls, None }

public sealed class SmtpOptions
{
    /// <summary>Empty: no SMTP server; outside production, messages are then recorded, not sent.</summary>
    public string? Host { get; set; }
    public int Port { get; set; } = 587;
    public string? UserName { get; set; }
    public string? Password { get; set; }
    /// <summary>None only for a relay on the same host or a test server on loopback.</summary>
    public SmtpSecurity Security { get; set; } = SmtpSecurity.StartTls;
    public int TimeoutSeconds { get; set; } = 60;
}

/// <summary>Section "Mail". Secrets (the password) come from the environment, never from the repository.</summary>
public sealed class MailOptions
{
    /// <summary>The sender address; the organisation's name is its display name.</summary>
    public string From { get; set; } = "ne-pas-repondre@guichet.localhost";
    public SmtpOptions Smtp { get; set; } = new();
    /// <summary>When set and no SMTP server is configured, the recorded messages are also written there as .eml files.</summary>
    public string? PickupDirectory { get; set; }

    public bool HasSmtpServer => !string.IsNullOrWhiteSpace(Smtp.Host);

    /// <summary>The domain of From: right side of our Message-IDs, so they are unique world-wide.</summary>
    public string Domain => new MailAddress(From).Host;

    /// <summary>French reasons why the configuration cannot be used; empty when it can.</summary>
    public IEnumerable<string> Problems(bool production)
    {
        if (!MailAddress.TryCreate(From, out _)) yield return "Mail:From doit être une adresse e-mail valide.";
        if (production && !HasSmtpServer) yield return "Mail:Smtp:Host est obligatoire en production : sans lui, aucun message ne partirait.";
        if (Smtp.Port is < 1 or > 65535) yield return "Mail:Smtp:Port doit être compris entre 1 et 65535.";
        if (Smtp.TimeoutSeconds is < 5 or > 600) yield return "Mail:Smtp:TimeoutSeconds doit être compris entre 5 et 600.";
        if (!string.IsNullOrEmpty(Smtp.UserName) && string.IsNullOrEmpty(Smtp.Password))
            yield return "Mail:Smtp:Password est obligatoire quand Mail:Smtp:UserName est renseigné.";
    }
}

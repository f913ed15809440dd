using Guichet.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Requests;

/// <summary>
/// Where the e-mail, SMS and voice doors of one organisation file the requests they cannot route themselves: the
/// address its mail server delivers to (demandes@mairie.example) and a default category per channel. No category for
/// a channel: that door files nothing new for the organisation (a threaded reply is still appended).
/// </summary>
public sealed class RequestIntakeSettings
{
    public required string OrganisationId { get; set; }
    /// <summary>Lower case, without any +token; unique across the platform: it names the organisation.</summary>
    public string? InboundEmail { get; set; }
    public string? EmailCategoryId { get; set; }
    public string? SmsCategoryId { get; set; }
    public string? VoiceCategoryId { get; set; }

    /// <summary>The plus address replies come back to, e.g. demandes+{token}@lorval.demo; null without an inbound address.</summary>
    public string? ReplyAddressPattern => InboundEmail is { } a && a.IndexOf('@') is var at and > 0 ? $"{a[..at]}+{{token}}{a[at..]}" : null;
}

/// <summary>
/// The e-mail thread of one request: the token in the Reply-To of every mail we send about it (routes the citizen's
/// reply back even when their mailer drops In-Reply-To), and the citizen's first Message-ID our acknowledgement answers.
/// </summary>
public sealed class RequestMailThread
{
    public required string RequestId { get; set; }
    public required string OrganisationId { get; set; }
    /// <summary>128 random bits, base32 lower case (MTAs may lower-case addresses). It routes, it does not authenticate.</summary>
    public required string ReplyToken { get; set; }
    /// <summary>Without angle brackets.</summary>
    public string? CitizenMessageKey { get; set; }
    public DateTime CreatedUtc { get; set; }
}

public enum InboundChannel { Email, Sms }

/// <summary>
/// One message a door took in, keyed so that a retry (the MTA's, the provider's) is recognised: the Message-ID, else a
/// hash of the content. Holds no personal data: the key, what was done and the request it went to.
/// </summary>
public sealed class InboundMessage
{
    public const int MaxKeyLength = 300;

    public required string Id { get; set; }
    public required string OrganisationId { get; set; }
    public InboundChannel Channel { get; set; }
    public required string Key { get; set; }
    public string? RequestId { get; set; }
    /// <summary>What the door did, in French, for support (never a name, an address or a number).</summary>
    public required string Outcome { get; set; }
    public DateTime ReceivedUtc { get; set; }
}

public static class InboundMapping
{
    internal static void Map(ModelBuilder b)
    {
        b.Entity<RequestIntakeSettings>(e =>
        {
            e.ToTable("request_intake_settings");
            e.HasKey(x => x.OrganisationId);
            e.Property(x => x.InboundEmail).HasMaxLength(254);
            e.Ignore(x => x.ReplyAddressPattern);
            e.HasIndex(x => x.InboundEmail).IsUnique();
            e.HasOne<Organisation>().WithMany().HasForeignKey(x => x.OrganisationId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<Category>().WithMany().HasForeignKey(x => x.EmailCategoryId).OnDelete(DeleteBehavior.SetNull);
            e.HasOne<Category>().WithMany().HasForeignKey(x => x.SmsCategoryId).OnDelete(DeleteBehavior.SetNull);
            e.HasOne<Category>().WithMany().HasForeignKey(x => x.VoiceCategoryId).OnDelete(DeleteBehavior.SetNull);
        });
        b.Entity<RequestMailThread>(e =>
        {
            e.ToTable("request_mail_threads");
            e.HasKey(x => x.RequestId);
            e.Property(x => x.ReplyToken).HasMaxLength(64);
            e.Property(x => x.CitizenMessageKey).HasMaxLength(InboundMessage.MaxKeyLength);
            e.HasIndex(x => x.ReplyToken).IsUnique();
            e.HasOne<CitizenRequest>().WithMany().HasForeignKey(x => x.RequestId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<InboundMessage>(e =>
        {
            e.ToTable("inbound_messages");
            e.Property(x => x.Channel).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.Key).HasMaxLength(InboundMessage.MaxKeyLength);
            e.Property(x => x.Outcome).HasMaxLength(300);
            // A retried delivery hits this index: the database, not a check in C#, keeps one request per message.
            e.HasIndex(x => new { x.OrganisationId, x.Channel, x.Key }).IsUnique();
            e.HasIndex(x => x.RequestId);
            e.HasOne<Organisation>().WithMany().HasForeignKey(x => x.OrganisationId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<CitizenRequest>().WithMany().HasForeignKey(x => x.RequestId).OnDelete(DeleteBehavior.SetNull);
        });
        // An inbound SMS looks for the organisation that last wrote to the number, then for that number's requests.
        b.Entity<Notifications.OutboxMessage>().HasIndex(x => x.Recipient);
        b.Entity<CitizenRequest>().HasIndex(x => new { x.OrganisationId, x.Phone });
    }
}

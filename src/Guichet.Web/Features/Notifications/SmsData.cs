using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Notifications;

/// <summary>
/// How far an SMS got, from the provider's reports. The order is the rank: reports come duplicated and out of order,
/// and a message only ever moves up (a late "sent" never hides "delivered"; a delivery proves more than a failure).
/// </summary>
public enum SmsDeliveryStatus { Accepted, Sent, Expired, Failed, Delivered }

/// <summary>
/// A number that answered STOP: it gets no more SMS, from any organisation of the platform (they share the sender,
/// and the citizen asked the sender). Not tenant-owned on purpose.
/// </summary>
public sealed class SmsOptOut
{
    /// <summary>E.164.</summary>
    public required string Phone { get; set; }
    public required string Provider { get; set; }
    public DateTime CreatedUtc { get; set; }
}

public enum SmsEventKind { Delivery, Inbound }

/// <summary>
/// One webhook call as received (the raw payload: several providers' field names are unconfirmed, so what they
/// really send stays readable), with what it was understood as. The hash keeps a repeated call from counting twice.
/// </summary>
public sealed class SmsEvent
{
    public required string Id { get; set; }
    public required string Provider { get; set; }
    public SmsEventKind Kind { get; set; }
    public required string PayloadHash { get; set; }
    public required string Payload { get; set; }
    public string? ProviderMessageId { get; set; }
    /// <summary>The provider's status word (delivered, undelivered…), or the inbound command (STOP, ANNULER).</summary>
    public string? RawStatus { get; set; }
    public string? OutboxMessageId { get; set; }
    /// <summary>What we did with it, in French, without citizen data (for support).</summary>
    public string? Outcome { get; set; }
    public DateTime ReceivedUtc { get; set; }

    internal static void Map(ModelBuilder b) => b.Entity<SmsEvent>(e =>
    {
        e.ToTable("sms_events");
        e.Property(x => x.Id).HasMaxLength(64);
        e.Property(x => x.Provider).HasMaxLength(16);
        e.Property(x => x.Kind).HasConversion<string>().HasMaxLength(16);
        e.Property(x => x.PayloadHash).HasMaxLength(64);
        e.Property(x => x.Payload).HasColumnType("text");
        e.Property(x => x.ProviderMessageId).HasMaxLength(300);
        e.Property(x => x.RawStatus).HasMaxLength(64);
        e.Property(x => x.Outcome).HasMaxLength(300);
        e.HasIndex(x => new { x.Provider, x.Kind, x.PayloadHash }).IsUnique();
        e.HasIndex(x => x.OutboxMessageId);
        e.HasOne<OutboxMessage>().WithMany().HasForeignKey(x => x.OutboxMessageId).OnDelete(DeleteBehavior.Cascade);
    });
}

internal static class SmsData
{
    public static void Map(ModelBuilder b)
    {
        b.Entity<SmsOptOut>(e =>
        {
            e.ToTable("sms_opt_outs");
            e.HasKey(x => x.Phone);
            e.Property(x => x.Phone).HasMaxLength(20);
            e.Property(x => x.Provider).HasMaxLength(16);
        });
        SmsEvent.Map(b);
    }
}

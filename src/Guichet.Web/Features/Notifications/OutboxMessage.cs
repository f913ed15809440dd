using Guichet.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Notifications;

public enum MessageKind { Confirmation, Cancellation, Reminder, Moved, RequestAcknowledgement, RequestReply, WaitlistOffer, WithdrawalReady, RequestSpaceLink, RequestDeadlineSoon, RequestOverdue, SatisfactionSurvey, RequestDocuments }

public enum MessageChannel { Email, Sms }

public static class MessageKindNames
{
    /// <summary>How agents read a kind of message.</summary>
    public static string French(this MessageKind kind) => kind switch
    {
        MessageKind.Confirmation => "Confirmation",
        MessageKind.Cancellation => "Annulation",
        MessageKind.Reminder => "Rappel",
        MessageKind.Moved => "Déplacement",
        MessageKind.RequestAcknowledgement => "Accusé de réception d'une demande",
        MessageKind.RequestReply => "Réponse à une demande",
        MessageKind.WaitlistOffer => "Proposition (liste d'attente)",
        MessageKind.WithdrawalReady => "Titre disponible",
        MessageKind.RequestSpaceLink => "Lien vers l'espace de suivi des demandes",
        MessageKind.RequestDeadlineSoon => "Alerte : échéance proche d'une demande",
        MessageKind.RequestOverdue => "Alerte : demande en retard",
        MessageKind.SatisfactionSurvey => "Questionnaire de satisfaction",
        MessageKind.RequestDocuments => "Pièces à fournir pour une demande",
        _ => kind.ToString(),
    };
}

/// <summary>
/// Pending → Claimed (taken by one dispatcher run, under a token and a lease) → Sending (this message's exchange with
/// the provider has begun) → Sent. Back to Pending when the provider surely did not take it, or when a claim ran out
/// before its send began; Failed after too many attempts, or when a send was interrupted with an unknown outcome
/// (never re-sent blindly: a second copy is worse than a visible failure an agent can act on). Dropped: a pending
/// reminder whose appointment was cancelled, or had already begun when its turn came.
/// </summary>
public enum MessageStatus { Pending, Claimed, Sending, Sent, Failed, Dropped }

/// <summary>One message to a citizen, written in the same transaction as the change that causes it.</summary>
public sealed class OutboxMessage
{
    public required string Id { get; set; }
    public required string OrganisationId { get; set; }
    public string? AppointmentId { get; set; }
    public MessageKind Kind { get; set; }
    public MessageChannel Channel { get; set; }
    /// <summary>E-mail address or E.164 number. Never logged.</summary>
    public required string Recipient { get; set; }
    public string? Subject { get; set; }
    /// <summary>Plain text (the SMS itself, or the text part of an e-mail).</summary>
    public required string Body { get; set; }
    public string? HtmlBody { get; set; }
    /// <summary>iCalendar attachment (RFC 5545), when there is one.</summary>
    public string? Calendar { get; set; }
    public DateTime ScheduledUtc { get; set; }
    /// <summary>(appointment, kind, scheduled time): the same message can never be queued twice.</summary>
    public required string IdempotencyKey { get; set; }
    public MessageStatus Status { get; set; }
    public int Attempts { get; set; }
    public DateTime NextAttemptUtc { get; set; }
    /// <summary>Set by the dispatcher run that claimed the message; its outcome is recorded only under this token.</summary>
    public string? ClaimToken { get; set; }
    public DateTime? LeaseUntilUtc { get; set; }
    /// <summary>Why the last attempt failed, in French, without any citizen data.</summary>
    public string? LastError { get; set; }
    /// <summary>The Message-ID of an e-mail (chosen before the first attempt), or the provider's id of an SMS.</summary>
    public string? ProviderReference { get; set; }
    public DateTime? SentUtc { get; set; }
    public DateTime CreatedUtc { get; set; }
    /// <summary>SMS only: segments the provider bills, and the most advanced delivery report so far (see SmsDeliveryStatus).</summary>
    public int? Segments { get; set; }
    public SmsDeliveryStatus? DeliveryStatus { get; set; }
    public DateTime? DeliveryUpdatedUtc { get; set; }
    /// <summary>E-mail only: the Reply-To address (a request's plus address, so the citizen's answer finds its request).</summary>
    public string? ReplyTo { get; set; }
    /// <summary>E-mail only: the Message-ID (without brackets) this mail answers, for In-Reply-To and References.</summary>
    public string? InReplyTo { get; set; }

    internal static void Map(ModelBuilder b) => b.Entity<OutboxMessage>(e =>
    {
        e.ToTable("outbox_messages");
        e.Property(x => x.Id).HasMaxLength(64);
        e.Property(x => x.Kind).HasConversion<string>().HasMaxLength(32);
        e.Property(x => x.Channel).HasConversion<string>().HasMaxLength(16);
        e.Property(x => x.Status).HasConversion<string>().HasMaxLength(16);
        e.Property(x => x.Recipient).HasMaxLength(254);
        e.Property(x => x.Subject).HasMaxLength(300);
        e.Property(x => x.Body).HasColumnType("text");
        e.Property(x => x.HtmlBody).HasColumnType("text");
        e.Property(x => x.Calendar).HasColumnType("text");
        e.Property(x => x.ClaimToken).HasMaxLength(64);
        e.Property(x => x.LastError).HasMaxLength(500);
        e.Property(x => x.ProviderReference).HasMaxLength(300);
        e.Property(x => x.DeliveryStatus).HasConversion<string>().HasMaxLength(16);
        e.Property(x => x.ReplyTo).HasMaxLength(254);
        e.Property(x => x.InReplyTo).HasMaxLength(300);
        // Delivery reports find their message by the provider's id.
        e.HasIndex(x => x.ProviderReference);
        e.HasIndex(x => x.IdempotencyKey).IsUnique();
        // The dispatcher's claim: due pending messages, oldest first.
        e.HasIndex(x => new { x.Status, x.NextAttemptUtc });
        e.HasIndex(x => x.AppointmentId);
        e.HasOne<Organisation>().WithMany().HasForeignKey(x => x.OrganisationId).OnDelete(DeleteBehavior.Restrict);
        e.HasOne<Appointment>().WithMany().HasForeignKey(x => x.AppointmentId).OnDelete(DeleteBehavior.Cascade);
    });
}

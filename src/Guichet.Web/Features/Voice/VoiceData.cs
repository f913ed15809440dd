using Guichet.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Voice;

/// <summary>
/// One telephone call. The dialogue's state lives here, saved after every turn, so that any node can take the
/// next turn (a TwiML webhook may reach another node than the previous one).
/// </summary>
public sealed class VoiceCall
{
    /// <summary>The door's id for the call: "agi-" + Asterisk's unique id, or "twilio-" + the CallSid.</summary>
    public required string Id { get; set; }
    public required string OrganisationId { get; set; }
    /// <summary>fastagi or twilio.</summary>
    public required string Door { get; set; }
    /// <summary>Guichet.Domain.Voice.CallState as JSON.</summary>
    public required string State { get; set; }
    public DateTime StartedUtc { get; set; }
    public DateTime UpdatedUtc { get; set; }
    public DateTime? EndedUtc { get; set; }
    /// <summary>The steps the caller went through, separated by "&gt;" (Menu&gt;BookReason&gt;…).</summary>
    public required string Path { get; set; }
    public Domain.Voice.VoiceOutcome Outcome { get; set; }
    public int? DurationSeconds { get; set; }
    /// <summary>The appointment booked during the call, if any.</summary>
    public string? AppointmentId { get; set; }
    /// <summary>
    /// The unit the call is counted for: the one whose published number was dialled, else the unit that receives the
    /// organisation's voice messages; replaced by the unit of the request when the caller leaves a message. Null when
    /// the organisation has no unit. Not a foreign key: units are switched off, never deleted, and a call's figures outlive them.
    /// </summary>
    public string? UnitId { get; set; }
}

/// <summary>
/// A slot held for a caller while they confirm: the minutes of one station, like a slot claim, until
/// <see cref="ExpiresUtc"/>. The slot search treats a live hold as taken; an expired one is ignored and
/// swept by the next hold of the same minutes. Booking itself still goes through the slot claims' unique key.
/// </summary>
public sealed class VoiceHold
{
    public required string StationId { get; set; }
    public long Unit { get; set; }
    public required string CallId { get; set; }
    public DateTime ExpiresUtc { get; set; }
}

/// <summary>
/// A message left on the voice server (outside hours, nobody answering, or after three failed inputs), with the
/// number to call back. Kept here until it becomes a citizen request (CitizenRequestId then set).
/// </summary>
public sealed class VoiceMessage
{
    public required string Id { get; set; }
    public required string OrganisationId { get; set; }
    /// <summary>The site, when the organisation has only one: the request can be routed there.</summary>
    public string? SiteId { get; set; }
    public required string CallId { get; set; }
    /// <summary>E.164; null when the caller's number was hidden and none was typed.</summary>
    public string? CallbackNumber { get; set; }
    /// <summary>Where the door stored the recording (a path on the PBX's shared spool, or the provider's URL).</summary>
    public required string RecordingPath { get; set; }
    public int DurationSeconds { get; set; }
    public DateTime CreatedUtc { get; set; }
    public string? CitizenRequestId { get; set; }
}

public static class VoiceData
{
    internal static void Map(ModelBuilder b)
    {
        b.Entity<VoiceCall>(e =>
        {
            e.ToTable("voice_calls");
            e.Property(x => x.Id).HasMaxLength(100);
            e.Property(x => x.Door).HasMaxLength(16);
            e.Property(x => x.State).HasMaxLength(16000);
            e.Property(x => x.Path).HasMaxLength(2000);
            e.Property(x => x.Outcome).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.UnitId).HasMaxLength(64);
            e.HasIndex(x => new { x.OrganisationId, x.StartedUtc });
            e.HasOne<Organisation>().WithMany().HasForeignKey(x => x.OrganisationId).OnDelete(DeleteBehavior.Restrict);
        });
        b.Entity<VoiceHold>(e =>
        {
            e.ToTable("voice_holds");
            // One live hold per station and time unit, whichever node holds it.
            e.HasKey(x => new { x.StationId, x.Unit });
            e.Property(x => x.CallId).HasMaxLength(100);
            e.HasIndex(x => x.CallId);
            e.HasOne<Station>().WithMany().HasForeignKey(x => x.StationId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<VoiceMessage>(e =>
        {
            e.ToTable("voice_messages");
            e.Property(x => x.Id).HasMaxLength(64);
            e.Property(x => x.CallId).HasMaxLength(100);
            e.Property(x => x.CallbackNumber).HasMaxLength(20);
            e.Property(x => x.RecordingPath).HasMaxLength(1000);
            e.Property(x => x.CitizenRequestId).HasMaxLength(64);
            e.HasIndex(x => new { x.OrganisationId, x.CreatedUtc });
            e.HasOne<Organisation>().WithMany().HasForeignKey(x => x.OrganisationId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Site>().WithMany().HasForeignKey(x => x.SiteId).OnDelete(DeleteBehavior.SetNull);
        });
    }
}

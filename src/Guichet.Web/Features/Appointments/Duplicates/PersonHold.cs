using Guichet.Domain.Contacts;
using Guichet.Web.Data;
using Guichet.Web.Platform;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Appointments.Duplicates;

/// <summary>
/// One row per way of recognising the person of an active appointment: the normalised name with the e-mail, and the
/// normalised name with the mobile or phone (the rule of <see cref="PersonIdentity.Compare"/>). Its primary key makes
/// "one person, one active appointment" hold between two bookings racing on two nodes, which the look-up of
/// <see cref="FindDuplicate"/> alone would let through. The key is a SHA-256 of those facts, so the table holds no
/// name or address. Written with the booking; a hold whose appointment is no longer booked or has ended is cleared
/// by the next booking of that person. An agent's justified second appointment takes no hold.
/// </summary>
public sealed class PersonHold
{
    public required string Key { get; set; }
    public required string AppointmentId { get; set; }
    public DateTime UntilUtc { get; set; }

    public const string Table = "person_holds";

    internal static void Map(ModelBuilder b) => b.Entity<PersonHold>(e =>
    {
        e.ToTable(Table);
        e.HasKey(x => x.Key);
        e.Property(x => x.Key).HasMaxLength(64);   // a SHA-256 in hex
        e.HasIndex(x => x.AppointmentId);
        e.HasOne<Appointment>().WithMany().HasForeignKey(x => x.AppointmentId).OnDelete(DeleteBehavior.Cascade);
    });

    /// <summary>The keys of a person: name with e-mail, name with phone (either may be missing).</summary>
    public static IReadOnlyList<string> KeysOf(string nameKey, string? email, string? phoneE164)
    {
        var keys = new List<string>(2);
        if (PersonIdentity.EmailKey(email) is { } e) keys.Add(Secrets.Hash($"{nameKey}\ne:{e}"));
        if (!string.IsNullOrEmpty(phoneE164)) keys.Add(Secrets.Hash($"{nameKey}\np:{phoneE164}"));
        return keys;
    }

    public static bool IsHoldViolation(DbUpdateException e) => e.InnerException switch
    {
        SqliteException s => s.SqliteErrorCode == 19 && s.Message.Contains($"{Table}.", StringComparison.Ordinal),
        Npgsql.PostgresException p => p.SqlState == "23505" && p.TableName == Table,
        _ => false,
    };

    /// <summary>Holds of appointments no longer booked, or over (a move may have made one end earlier), no longer count.</summary>
    public static Task ClearStaleAsync(GuichetDb db, IReadOnlyCollection<string> keys, DateTime now, CancellationToken ct) =>
        keys.Count == 0 ? Task.CompletedTask
        : db.Set<PersonHold>()
            .Where(h => keys.Contains(h.Key) && (h.UntilUtc <= now
                        || db.Appointments.Any(a => a.Id == h.AppointmentId && (a.Status != AppointmentStatus.Booked || a.EndUtc <= now))))
            .ExecuteDeleteAsync(ct);

    /// <summary>Two bookings of one person at the same moment: the other one won.</summary>
    public const string RacingMessage =
        "Un autre rendez-vous vient d'être pris à votre nom à l'instant. Une personne ne garde qu'un rendez-vous à venir : "
        + "gardez celui déjà pris, ou annulez-le avec le lien reçu avant d'en prendre un autre.";
}

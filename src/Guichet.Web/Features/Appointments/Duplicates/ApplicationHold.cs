using Guichet.Web.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Appointments.Duplicates;

/// <summary>
/// One row per pre-request number held by an active appointment. Its primary key is what makes "one number, one
/// active appointment" hold between two bookings racing on two nodes, where the look-up of <see cref="FindDuplicate"/>
/// alone would let both through. Written with the booking, removed with its cancellation; a hold whose appointment
/// has ended is cleared by the next booking of that number. An agent's justified override takes no hold.
/// </summary>
public sealed class ApplicationHold
{
    public required string ApplicationId { get; set; }
    public required string AppointmentId { get; set; }
    public DateTime UntilUtc { get; set; }

    public const string Table = "application_holds";

    internal static void Map(ModelBuilder b) => b.Entity<ApplicationHold>(e =>
    {
        e.ToTable(Table);
        e.HasKey(x => x.ApplicationId);
        e.HasIndex(x => x.AppointmentId);
        e.HasOne<Appointment>().WithMany().HasForeignKey(x => x.AppointmentId).OnDelete(DeleteBehavior.Cascade);
    });

    /// <summary>Whether a failed save was refused because a number is already held (and not because a slot is taken).</summary>
    public static bool IsHoldViolation(DbUpdateException e) => e.InnerException switch
    {
        SqliteException s => s.SqliteErrorCode == 19 && s.Message.Contains($"{Table}.", StringComparison.Ordinal),
        Npgsql.PostgresException p => p.SqlState == "23505" && p.TableName == Table,
        _ => false,
    };

    /// <summary>Holds of ended or cancelled appointments no longer count; cleared before a booking takes its own.</summary>
    public static Task ClearStaleAsync(GuichetDb db, IReadOnlyCollection<string> numbers, DateTime now, CancellationToken ct) =>
        numbers.Count == 0 ? Task.CompletedTask
        : db.Set<ApplicationHold>()
            .Where(h => numbers.Contains(h.ApplicationId)
                        && (h.UntilUtc <= now || db.Appointments.Any(a => a.Id == h.AppointmentId && a.Status == AppointmentStatus.Cancelled)))
            .ExecuteDeleteAsync(ct);
}

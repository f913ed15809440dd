using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Platform;

/// <summary>
/// Failed sign-ins counted per typed address (known or not), keyed by a hash of the address so the table names
/// nobody. Because unknown addresses are counted and locked exactly like real accounts, the lock-out message
/// cannot tell anyone whether an account exists. Kept in the database so every node sees the same count.
/// </summary>
public sealed class SignInLock
{
    public required string KeyHash { get; set; }
    public int Failures { get; set; }
    public DateTime LastFailureUtc { get; set; }
    public DateTime? LockedUntilUtc { get; set; }

    internal static void Map(ModelBuilder b) => b.Entity<SignInLock>(e =>
    {
        e.ToTable("sign_in_locks");
        e.HasKey(x => x.KeyHash);
        e.Property(x => x.KeyHash).HasMaxLength(64);
    });
}

public static class SignInLocks
{
    public const int MaxFailures = 5;
    public static readonly TimeSpan LockOut = TimeSpan.FromMinutes(15);

    public static string Key(string normalisedEmail) => Secrets.Hash("sign-in\n" + normalisedEmail);

    /// <summary>The French refusal while locked: the same words whether the address has an account or not.</summary>
    public static string LockedMessage(DateTime untilUtc) =>
        $"Trop d'essais infructueux avec cette adresse : la connexion est bloquée jusqu'à {FrenchDates.Time(FrenchDates.ToLocal(untilUtc, "Europe/Paris"))}. "
        + "Réessayez plus tard ou demandez à un administrateur.";

    public static async Task<DateTime?> LockedUntilAsync(Data.GuichetDb db, string key, DateTime nowUtc, CancellationToken ct)
    {
        var until = await db.Set<SignInLock>().Where(l => l.KeyHash == key).Select(l => l.LockedUntilUtc).FirstOrDefaultAsync(ct);
        return until > nowUtc ? until : null;
    }

    /// <summary>Counts one failure; returns the end of the lock when this failure locks the address.</summary>
    public static async Task<DateTime?> RecordFailureAsync(Data.GuichetDb db, string key, DateTime nowUtc, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var row = await db.Set<SignInLock>().FirstOrDefaultAsync(l => l.KeyHash == key, ct);
            if (row is null) db.Add(row = new SignInLock { KeyHash = key });
            // Failures long ago do not add up to a lock: only those within one lock-out period of each other count.
            if (row.LastFailureUtc < nowUtc - LockOut) row.Failures = 0;
            row.Failures++;
            row.LastFailureUtc = nowUtc;
            DateTime? locked = null;
            if (row.Failures >= MaxFailures)
            {
                row.LockedUntilUtc = locked = nowUtc + LockOut;
                row.Failures = 0;
            }
            try
            {
                await db.SaveChangesAsync(ct);
                return locked;
            }
            catch (DbUpdateException) when (attempt < 2)
            {
                // Another node inserted the same address's row at the same moment: count again on top of it.
                db.ChangeTracker.Clear();
            }
        }
    }

    public static Task ClearAsync(Data.GuichetDb db, string key, CancellationToken ct) =>
        db.Set<SignInLock>().Where(l => l.KeyHash == key).ExecuteDeleteAsync(ct);
}

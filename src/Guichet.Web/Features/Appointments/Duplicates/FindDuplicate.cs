using Guichet.Domain.Contacts;
using Guichet.Web.Data;
using Guichet.Web.Platform;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Appointments.Duplicates;

/// <summary>The <c>Duplicates</c> section.</summary>
public sealed class DuplicateOptions
{
    /// <summary>
    /// One active future appointment per person and per pre-request number across the platform. On by default;
    /// off only for an installation (or a test suite) that books the same demo person over and over.
    /// </summary>
    public bool Enabled { get; set; } = true;
}

/// <summary>The other active appointment found: enough for an agent to find it, nothing about the person.</summary>
public sealed record Duplicate(DuplicateKind Kind, string AppointmentId, string SiteName, DateTime LocalStart);

/// <summary>
/// Looks for an active future appointment, at any site of the platform, held by the same person (normalised
/// name plus the same e-mail or phone) or for one of the same pre-request numbers. The rule itself is the
/// domain's <see cref="PersonIdentity.Compare"/>; this class only picks candidates from the database.
/// </summary>
public sealed class FindDuplicate(GuichetDb db, DuplicateOptions options)
{
    public const int MinJustification = 10;
    public const int MaxJustification = 500;

    public bool Enabled => options.Enabled;

    public async Task<Duplicate?> RunAsync(PersonFacts wanted, DateTime now, CancellationToken ct)
    {
        if (!options.Enabled) return null;
        var active = db.Appointments.AsNoTracking().Where(a => a.Status == AppointmentStatus.Booked && a.EndUtc > now);
        var candidates = await active.Where(a => a.NameKey == wanted.NameKey)
            .Select(a => new { a.Id, a.SiteId, a.StartUtc, a.NameKey, a.Email, a.Phone, a.PreRequestNumbers }).Take(50).ToListAsync(ct);
        foreach (var id in wanted.ApplicationIds)
        {
            // Numbers are stored separated by single spaces: padding both sides matches whole numbers only.
            // The number was checked to be 10 letters or digits, so it holds no LIKE wildcard.
            candidates.AddRange(await active.Where(a => EF.Functions.Like(" " + a.PreRequestNumbers + " ", "% " + id + " %"))
                .Select(a => new { a.Id, a.SiteId, a.StartUtc, a.NameKey, a.Email, a.Phone, a.PreRequestNumbers }).Take(10).ToListAsync(ct));
        }
        // A shared number first (it decides whether the booking may hold its numbers), then the soonest.
        var match = candidates
            .Select(c => (c, Kind: PersonIdentity.Compare(wanted, new PersonFacts(c.NameKey ?? "", PersonIdentity.EmailKey(c.Email), c.Phone,
                c.PreRequestNumbers.Split(' ', StringSplitOptions.RemoveEmptyEntries)))))
            .Where(m => m.Kind != DuplicateKind.None)
            .OrderBy(m => m.Kind == DuplicateKind.SameApplication ? 0 : 1).ThenBy(m => m.c.StartUtc)
            .FirstOrDefault();
        if (match.c is null) return null;
        var site = await db.Sites.AsNoTracking().FirstAsync(s => s.Id == match.c.SiteId, ct);
        return new Duplicate(match.Kind, match.c.Id, site.Name, FrenchDates.ToLocal(match.c.StartUtc, site.TimeZone));
    }

    /// <summary>What the citizen reads: the rule and what to do, never where or whose the other appointment is.</summary>
    public static string CitizenMessage(Duplicate d) => d.Kind == DuplicateKind.SameApplication
        ? "Un rendez-vous à venir existe déjà pour ce numéro de pré-demande. Une pré-demande ne donne droit qu'à un rendez-vous : "
          + "annulez d'abord l'autre rendez-vous avec le lien reçu lors de sa réservation, ou appelez la mairie."
        : "Vous avez déjà un rendez-vous à venir. Pour en prendre un autre, annulez d'abord le premier avec le lien reçu lors de sa réservation, ou appelez la mairie.";

    /// <summary>Two bookings of one number at the same moment: the other one won (see ApplicationHold).</summary>
    public const string RacingMessage =
        "Un autre rendez-vous vient d'être pris pour ce numéro de pré-demande. Une pré-demande ne donne droit qu'à un rendez-vous : "
        + "si ce n'est pas vous, vérifiez le numéro ; sinon, gardez le rendez-vous déjà pris.";

    /// <summary>What an agent reads: where and when the other appointment is, so they can judge.</summary>
    public static string AgentMessage(Duplicate d) =>
        (d.Kind == DuplicateKind.SameApplication ? "Un rendez-vous à venir existe déjà pour un de ces numéros de pré-demande" : "Cette personne a déjà un rendez-vous à venir")
        + $" ({d.SiteName}, le {FrenchDates.DayAndTime(d.LocalStart)}). Pour réserver quand même, indiquez pourquoi dans le champ « Justification ».";

    internal static void Map(Microsoft.EntityFrameworkCore.ModelBuilder b)
    {
        b.Entity<Appointment>(e =>
        {
            e.Property(x => x.NameKey).HasMaxLength(200);
            e.Property(x => x.DuplicateJustification).HasMaxLength(MaxJustification);
            e.HasIndex(x => x.NameKey);
        });
        ApplicationHold.Map(b);
        PersonHold.Map(b);
    }
}

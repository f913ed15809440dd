using System.Text.RegularExpressions;
using Guichet.Domain.Scheduling;
using Guichet.Web.Data;
using Guichet.Web.Features.Notifications;
using Guichet.Web.Platform;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Appointments;

/// <summary>One move of an appointment: kept so that agents see who moved it, when, and from when.</summary>
public sealed class AppointmentMove
{
    public required string Id { get; set; }
    public required string OrganisationId { get; set; }
    public required string AppointmentId { get; set; }
    public DateTime FromStartUtc { get; set; }
    public required string FromStationId { get; set; }
    public DateTime ToStartUtc { get; set; }
    public required string ToStationId { get; set; }
    /// <summary>"citizen" or the agent's id.</summary>
    public required string MovedBy { get; set; }
    public DateTime MovedUtc { get; set; }

    public static void Map(ModelBuilder b) => b.Entity<AppointmentMove>(e =>
    {
        e.ToTable("appointment_moves");
        e.Property(x => x.Id).HasMaxLength(64);
        e.Property(x => x.OrganisationId).HasMaxLength(64);
        e.Property(x => x.AppointmentId).HasMaxLength(64);
        e.Property(x => x.FromStationId).HasMaxLength(64);
        e.Property(x => x.ToStationId).HasMaxLength(64);
        e.Property(x => x.MovedBy).HasMaxLength(64);
        e.HasIndex(x => new { x.AppointmentId, x.MovedUtc });
        e.HasIndex(x => x.OrganisationId);
        e.HasOne<Appointment>().WithMany().HasForeignKey(x => x.AppointmentId).OnDelete(DeleteBehavior.Cascade);
        e.HasOne<Organisation>().WithMany().HasForeignKey(x => x.OrganisationId).OnDelete(DeleteBehavior.Restrict);
    });
}

public abstract record MoveResult
{
    public sealed record Moved(Appointment Appointment, Site Site, AppointmentMove Move) : MoveResult;
    public sealed record NotFound : MoveResult;
    /// <summary>The new slot went to someone else: the appointment keeps its old slot.</summary>
    public sealed record SlotTaken : MoveResult;
    public sealed record Refused(string Field, string Message) : MoveResult;
}

/// <summary>
/// Moves an appointment to another slot of the same site and reason, in one transaction: the old minutes are given
/// back only if the new ones are claimed (the slot claims' primary key decides, as for a booking), so a failed move
/// leaves the appointment where it was. Same code, same manage link; the move is recorded, the citizen told, the
/// reminder planned again and ANTS's declaration replaced, all in that transaction.
/// </summary>
public sealed partial class MoveAppointment(GuichetDb db, FindSlots finder, AppointmentMoveMessages messages, AppointmentReminders reminders,
    Ants.AntsSync ants, TimeProvider clock, ILogger<MoveAppointment> log)
{
    public const string DroppedMoved = "Rendez-vous déplacé : un nouveau rappel est prévu pour la nouvelle date.";

    /// <summary>The citizen, with the code and the secret token of the manage link.</summary>
    public async Task<MoveResult> ByCitizenAsync(string? code, string? token, DateTimeOffset? start, CancellationToken ct)
    {
        var appointment = await CancelAppointment.FindByTokenAsync(db, code, token, ct);
        if (appointment is null) return new MoveResult.NotFound();
        db.Entry(appointment).State = EntityState.Detached;
        return await MoveAsync(appointment, token!, "citizen", start, ct);
    }

    /// <summary>An agent of the organisation that owns the appointment, or of the partner that booked it.</summary>
    public async Task<MoveResult> ByAgentAsync(string appointmentId, Agent agent, DateTimeOffset? start, CancellationToken ct)
    {
        var appointment = await FindForAgentAsync(db, appointmentId, agent, ct);
        return appointment is null ? new MoveResult.NotFound() : await MoveAsync(appointment, null, agent.Id, start, ct);
    }

    /// <summary>
    /// The citizen through a waiting-list offer's link (Features/Waitlist/TakeOffer): the offer's token stands for
    /// the manage link's, which is read back from the citizen's messages as for an agent's move.
    /// </summary>
    public async Task<MoveResult> ByWaitlistAsync(string appointmentId, DateTimeOffset start, CancellationToken ct)
    {
        var appointment = await db.Appointments.AsNoTracking().FirstOrDefaultAsync(a => a.Id == appointmentId, ct);
        return appointment is null ? new MoveResult.NotFound() : await MoveAsync(appointment, null, "citizen", start, ct);
    }

    public static Task<Appointment?> FindForAgentAsync(GuichetDb db, string appointmentId, Agent agent, CancellationToken ct) =>
        db.Appointments.AsNoTracking().FirstOrDefaultAsync(a => a.Id == appointmentId
            && (a.OrganisationId == agent.OrganisationId || a.PartnerOrganisationId == agent.OrganisationId), ct);

    /// <summary>Why this appointment cannot be moved at all, or null.</summary>
    public string? Unmovable(Appointment appointment) =>
        appointment.Status != AppointmentStatus.Booked ? "Ce rendez-vous est annulé : il ne peut pas être déplacé."
        : appointment.StartUtc <= clock.GetUtcNow().UtcDateTime ? "Ce rendez-vous a déjà commencé ou est passé : il ne peut plus être déplacé."
        : null;

    /// <summary>
    /// The free slots the appointment could move to, at its site for its reason and persons, between two local dates.
    /// Its own minutes count as free: moving half an hour later on the same station is allowed.
    /// </summary>
    public async Task<IReadOnlyList<(DateTime StartUtc, DateTime EndUtc)>> FreeSlotsAsync(Appointment appointment, DateOnly from, DateOnly to, CancellationToken ct)
    {
        var (site, reason) = await SiteAndReasonAsync(appointment, ct);
        if (reason is null) return [];
        var zone = TimeZoneInfo.FindSystemTimeZoneById(site.TimeZone);
        var (step, length) = Length(appointment, reason);
        var now = clock.GetUtcNow().UtcDateTime;
        var plannings = await PlanningsAsync(appointment, site, from, to, ct);
        return SlotFinder.FreeSlots(plannings, reason.Code, Domain.Calendar.HolidayCalendar.For(site.Territory).IsHoliday, zone, from, to, step, length, now)
            .Where(s => s.Slot.StartUtc != appointment.StartUtc)
            .Select(s => (s.Slot.StartUtc, s.Slot.EndUtc)).Distinct().OrderBy(s => s.StartUtc).ToList();
    }

    private async Task<MoveResult> MoveAsync(Appointment appointment, string? token, string by, DateTimeOffset? start, CancellationToken ct)
    {
        if (Unmovable(appointment) is { } why) return new MoveResult.Refused("start", why);
        if (start is null) return new MoveResult.Refused("start", "Choisissez un nouveau créneau.");
        var (site, reason) = await SiteAndReasonAsync(appointment, ct);
        if (reason is null) return new MoveResult.Refused("start", "Ce motif n'est plus proposé dans ce lieu : appelez la mairie.");
        var startUtc = start.Value.UtcDateTime;
        var now = clock.GetUtcNow().UtcDateTime;
        if (startUtc <= now) return new MoveResult.Refused("start", "Ce créneau est déjà passé. Choisissez-en un autre.");
        if (startUtc == appointment.StartUtc) return new MoveResult.Refused("start", "C'est déjà l'heure de votre rendez-vous. Choisissez un autre créneau.");
        var zone = TimeZoneInfo.FindSystemTimeZoneById(site.TimeZone);
        var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(startUtc, zone));
        if (BookingRules.CheckRange(day, day, DateOnly.FromDateTime(now)) is { } range) return new MoveResult.Refused("start", range.Message);

        var (step, length) = Length(appointment, reason);
        var holidays = Domain.Calendar.HolidayCalendar.For(site.Territory);
        var plannings = await PlanningsAsync(appointment, site, day, day, ct);
        bool Offers(StationPlanning p) => SlotFinder.FreeSlots(p, reason.Code, holidays.IsHoliday, zone, day, day, step, length, now)
            .Any(s => s.Slot.StartUtc == startUtc);
        var candidates = plannings.Where(Offers).ToList();
        // Its own station first: an agent's day sheet changes least.
        candidates = candidates.OrderBy(p => p.StationId == appointment.StationId ? 0 : 1).ToList();
        if (candidates.Count == 0)
            return plannings.Any(p => Offers(p with { TakenUnits = new HashSet<long>() }))
                ? new MoveResult.SlotTaken()
                : new MoveResult.Refused("start", "Ce créneau n'est pas proposé dans ce lieu pour ce motif. Choisissez un créneau dans la liste.");

        // The manage link stays the same; agents do not hold its token, so it is read back from the citizen's own messages.
        token ??= await KnownTokenAsync(appointment, ct);
        var newToken = token is null && (appointment.Email is not null || appointment.Phone is not null) ? Secrets.NewToken() : null;
        var hash = newToken is null ? appointment.ManageTokenHash : Secrets.Hash(newToken);
        var from = (appointment.StartUtc, appointment.StationId);
        foreach (var station in candidates)
        {
            var move = new AppointmentMove
            {
                Id = Secrets.NewId(), OrganisationId = appointment.OrganisationId, AppointmentId = appointment.Id,
                FromStartUtc = from.StartUtc, FromStationId = from.StationId, ToStartUtc = startUtc, ToStationId = station.StationId,
                MovedBy = by, MovedUtc = now,
            };
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            // Guarded on the old values: of two moves of one appointment at once, the second changes nothing.
            var changed = await db.Appointments
                .Where(a => a.Id == appointment.Id && a.Status == AppointmentStatus.Booked && a.StartUtc == from.StartUtc && a.StationId == from.StationId)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(a => a.StartUtc, startUtc)
                    .SetProperty(a => a.EndUtc, startUtc + length)
                    .SetProperty(a => a.StationId, station.StationId)
                    .SetProperty(a => a.ManageTokenHash, hash), ct);
            if (changed == 0)
            {
                await tx.RollbackAsync(ct);
                return new MoveResult.Refused("start", "Ce rendez-vous vient d'être modifié ou annulé. Rechargez la page.");
            }
            await db.SlotClaims.Where(c => c.AppointmentId == appointment.Id).ExecuteDeleteAsync(ct);
            // The pending reminder is for the old date; its key is set aside so the new one may fall at the same time.
            await db.OutboxMessages
                .Where(m => m.AppointmentId == appointment.Id && m.Kind == MessageKind.Reminder && m.Status == MessageStatus.Pending)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(m => m.Status, MessageStatus.Dropped)
                    .SetProperty(m => m.LastError, DroppedMoved)
                    .SetProperty(m => m.IdempotencyKey, m => m.IdempotencyKey + ":moved:" + move.Id), ct);

            var moved = Copy(appointment, startUtc, startUtc + length, station.StationId);
            moved.ManageTokenHash = hash;
            db.SlotClaims.AddRange(TimeUnits.Covering(moved.StartUtc, moved.EndUtc)
                .Select(u => new SlotClaim { StationId = station.StationId, Unit = u, AppointmentId = moved.Id }));
            db.Add(move);
            // The old minutes are free again: the waiting list is offered them, in this same transaction.
            db.Add(Waitlist.WaitlistJob.Released(appointment, from.StartUtc, appointment.EndUtc, from.StationId, now));
            var link = token ?? newToken;
            await messages.AddAsync(moved, site, reason, move, link, linkIsNew: newToken is not null, ct);
            if (link is not null)
            {
                // Planned from the move, as from a booking made now.
                moved.CreatedUtc = now;
                await reminders.AddAsync(moved, site, reason, link, ct);
                moved.CreatedUtc = appointment.CreatedUtc;
            }
            await ants.AddMoveAsync(moved, site, ct);
            try
            {
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
                db.ChangeTracker.Clear();
                log.LogInformation("Appointment {AppointmentId} moved at site {SiteId} to station {StationId} by {By}",
                    appointment.Id, site.Id, station.StationId, by == "citizen" ? "citizen" : "agent");
                return new MoveResult.Moved(moved, site, move);
            }
            catch (DbUpdateException e) when (e.IsUniqueViolation())
            {
                // Those minutes were just taken: nothing of this attempt remains, the old slot is still held.
                await tx.RollbackAsync(ct);
                db.ChangeTracker.Clear();
            }
        }
        return new MoveResult.SlotTaken();
    }

    private async Task<(Site Site, Reason? Reason)> SiteAndReasonAsync(Appointment appointment, CancellationToken ct)
    {
        var site = await db.Sites.AsNoTracking().FirstAsync(s => s.Id == appointment.SiteId, ct);
        var reason = await db.Reasons.AsNoTracking().FirstOrDefaultAsync(r => r.OrganisationId == appointment.OrganisationId && r.Code == appointment.ReasonCode, ct);
        return (site, reason);
    }

    private static (TimeSpan Step, TimeSpan Length) Length(Appointment appointment, Reason reason)
    {
        var withPre = appointment.PreRequestNumbers.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        var pre = Math.Min(withPre, appointment.Persons);
        return (AppointmentLength.Step(reason.MinutesPerPerson, reason.MinutesWithPreRequest, pre == appointment.Persons),
            AppointmentLength.For(reason.MinutesPerPerson, reason.MinutesWithPreRequest, appointment.Persons, pre));
    }

    /// <summary>The site's stations, the appointment's own minutes counted as free.</summary>
    private async Task<List<StationPlanning>> PlanningsAsync(Appointment appointment, Site site, DateOnly from, DateOnly to, CancellationToken ct)
    {
        var plannings = (await finder.LoadPlanningsAsync([site.Id], from, to, ct)).GetValueOrDefault(site.Id) ?? [];
        var own = TimeUnits.Covering(appointment.StartUtc, appointment.EndUtc).ToHashSet();
        return plannings.Select(p => p.StationId != appointment.StationId ? p
            : p with { TakenUnits = p.TakenUnits.Where(u => !own.Contains(u)).ToHashSet() }).ToList();
    }

    /// <summary>The manage token, read back from a message that carried the link, checked against the stored hash.</summary>
    private async Task<string?> KnownTokenAsync(Appointment appointment, CancellationToken ct)
    {
        var bodies = await db.OutboxMessages.AsNoTracking().Where(m => m.AppointmentId == appointment.Id)
            .OrderByDescending(m => m.CreatedUtc).Select(m => m.Body).Take(20).ToListAsync(ct);
        foreach (var body in bodies)
            foreach (Match m in TokenInLink().Matches(body))
                if (Uri.UnescapeDataString(m.Groups[1].Value) is var t && Secrets.HashEquals(t, appointment.ManageTokenHash)) return t;
        return null;
    }

    private static Appointment Copy(Appointment a, DateTime startUtc, DateTime endUtc, string stationId) => new()
    {
        Id = a.Id, OrganisationId = a.OrganisationId, SiteId = a.SiteId, StationId = stationId, ReasonCode = a.ReasonCode, Code = a.Code,
        ManageTokenHash = a.ManageTokenHash, StartUtc = startUtc, EndUtc = endUtc, Persons = a.Persons, Status = a.Status, Channel = a.Channel,
        FirstName = a.FirstName, LastName = a.LastName, Email = a.Email, Phone = a.Phone, PreRequestNumbers = a.PreRequestNumbers,
        BookedByAgentId = a.BookedByAgentId, PartnerOrganisationId = a.PartnerOrganisationId, CreatedUtc = a.CreatedUtc,
        CancelledUtc = a.CancelledUtc, CancelledBy = a.CancelledBy, NameKey = a.NameKey, DuplicateJustification = a.DuplicateJustification,
    };

    [GeneratedRegex(@"/rendez-vous/\d+(?:/convocation\.pdf)?\?token=([A-Za-z0-9_\-%]+)")]
    private static partial Regex TokenInLink();
}

using Guichet.Domain.Contacts;
using Guichet.Domain.Scheduling;
using Guichet.Web.Data;
using Guichet.Web.Features.Notifications;
using Guichet.Web.Platform;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Appointments;

public sealed record BookingRequest(
    string? SiteId,
    string? ReasonCode,
    DateTimeOffset? Start,
    int Persons,
    string? FirstName,
    string? LastName,
    string? Email,
    string? Phone,
    IReadOnlyList<string> PreRequestNumbers,
    string? DuplicateJustification = null,
    string? UrgentJustification = null);

/// <summary>Who books: the citizen on the web, or an agent (counter, phone, partner town hall).</summary>
public sealed record Booker(Channel Channel, Agent? Agent = null)
{
    public static readonly Booker Citizen = new(Channel.Web);
}

public abstract record BookingResult
{
    /// <param name="Warnings">French sentences the booker must read (e.g. ANTS knows another appointment for a number).</param>
    public sealed record Booked(Appointment Appointment, Site Site, Reason Reason, string ManageToken, IReadOnlyList<string>? Warnings = null) : BookingResult;
    public sealed record SlotTaken : BookingResult;
    /// <summary>The person or a pre-request number already holds an active appointment (DuplicateApplication); an agent may override.</summary>
    public sealed record Duplicate(string Message, bool Overridable) : BookingResult;
    public sealed record Refused(IReadOnlyList<FieldError> Errors) : BookingResult
    {
        public Refused(string field, string message) : this([new FieldError(field, message)]) { }
    }
}

/// <summary>
/// Books one appointment. The rules are checked here, but the last word belongs to the database: the
/// slot claims' primary key refuses a second booking of the same minutes, whichever node sent it.
/// </summary>
public sealed class BookAppointment(GuichetDb db, FindSlots finder, AppointmentMessages messages, AppointmentReminders reminders,
    Ants.CheckApplications applications, TimeProvider clock, ILogger<BookAppointment> log)
{
    public async Task<BookingResult> RunAsync(BookingRequest request, Booker booker, CancellationToken ct)
    {
        var errors = new List<FieldError>();
        if (string.IsNullOrWhiteSpace(request.SiteId)) errors.Add(new("site", "Choisissez un lieu d'accueil."));
        if (string.IsNullOrWhiteSpace(request.ReasonCode)) errors.Add(new("reason", "Choisissez un motif de rendez-vous."));
        if (request.Start is null) errors.Add(new("start", "Choisissez un créneau."));
        if (request.Persons is < 1 or > 20) errors.Add(BookingRules.CheckPersons(request.Persons, 20)!);
        // An agent at the counter may book for someone who has neither e-mail nor mobile: the convocation is handed over.
        // By phone (voice server) a landline will do too: the caller hears the code read back instead of an SMS.
        var contactErrors = BookingRules.CheckContact(request.FirstName, request.LastName, request.Email, request.Phone,
            phoneMustBeMobile: booker.Agent is null && booker.Channel != Channel.Voice);
        errors.AddRange(booker.Agent is null ? contactErrors : contactErrors.Where(e => e.Field != "email" || !string.IsNullOrWhiteSpace(request.Email)));
        var numbers = request.PreRequestNumbers.Select(n => n.Trim().ToUpperInvariant()).Where(n => n.Length > 0).ToList();
        if (BookingRules.CheckPreRequests(numbers, Math.Max(request.Persons, 1)) is { } pre) errors.Add(pre);
        // An urgency (exam, travel for health or work) is an agent's call, proven to them: it opens the urgent reserve.
        var urgent = request.UrgentJustification is not null;
        if (urgent && booker.Agent is null) errors.Add(new("start", "Les créneaux réservés aux urgences se prennent auprès de la mairie."));
        else if (urgent && Reasons.ReasonSettings.CheckJustification(request.UrgentJustification) is { } why) errors.Add(why);
        if (errors.Count > 0) return new BookingResult.Refused(errors);

        var site = await db.Sites.AsNoTracking().FirstOrDefaultAsync(s => s.Id == request.SiteId && s.Active, ct);
        if (site is null) return new BookingResult.Refused("site", "Ce lieu d'accueil n'existe pas.");
        if (booker.Agent is { } agent && !await MayBookAtAsync(agent, site, ct))
            return new BookingResult.Refused("site", "Votre collectivité ne peut pas réserver dans ce lieu.");
        var reason = await db.Reasons.AsNoTracking().FirstOrDefaultAsync(r => r.OrganisationId == site.OrganisationId && r.Code == request.ReasonCode, ct);
        if (reason is null) return new BookingResult.Refused("reason", "Ce motif n'est pas proposé dans ce lieu.");
        if (BookingRules.CheckPersons(request.Persons, reason.MaxPersons) is { } tooMany) return new BookingResult.Refused([tooMany]);

        var zone = TimeZoneInfo.FindSystemTimeZoneById(site.TimeZone);
        var startUtc = request.Start!.Value.UtcDateTime;
        var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(startUtc, zone));
        var now = clock.GetUtcNow().UtcDateTime;
        if (startUtc <= now) return new BookingResult.Refused("start", "Ce créneau est déjà passé. Choisissez-en un autre.");
        if (BookingRules.CheckRange(day, day, DateOnly.FromDateTime(now)) is { } range) return new BookingResult.Refused("start", range.Message);
        var holidays = Domain.Calendar.HolidayCalendar.For(site.Territory);
        var localToday = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(now, zone));
        if (Reasons.ReasonSettings.CheckDelays(reason, day, localToday, holidays, urgent) is { } delay) return new BookingResult.Refused([delay]);

        // Local duplicates, then ANTS's word on each pre-request number (ANTS down: booked anyway, checked later).
        var checks = await applications.RunAsync(request, numbers, site, reason, booker, now, ct);
        if (checks is Ants.ApplicationsCheck.Refused antsRefused) return new BookingResult.Refused(antsRefused.Errors);
        if (checks is Ants.ApplicationsCheck.Duplicate duplicate) return new BookingResult.Duplicate(duplicate.Message, duplicate.Overridable);
        var passed = (Ants.ApplicationsCheck.Passed)checks;

        // Which stations offer exactly this start for this length today, and does the start exist at all?
        var search = new SlotQuery([site.Id], reason.Code, request.Persons, numbers.Count, day, day, int.MaxValue);
        var planning = (await finder.LoadPlanningsAsync([site.Id], day, day, ct)).GetValueOrDefault(site.Id) ?? [];
        var length = AppointmentLength.For(reason.MinutesPerPerson, reason.MinutesWithPreRequest, search.Persons, search.PersonsWithPreRequest);
        var step = AppointmentLength.Step(reason.MinutesPerPerson, reason.MinutesWithPreRequest, numbers.Count == search.Persons);
        var withheld = urgent || reason.UrgentPercent == 0 ? null : reason.Reserve;
        bool Offers(StationPlanning p) => SlotFinder.FreeSlots(p, reason.Code, holidays.IsHoliday, zone, day, day, step, length, now, withheld, now)
            .Any(s => s.Slot.StartUtc == startUtc);
        var candidates = planning.Where(Offers).ToList();
        if (candidates.Count == 0)
        {
            var existsWhenEmpty = planning.Any(p => Offers(p with { TakenUnits = new HashSet<long>() }));
            return existsWhenEmpty
                ? new BookingResult.SlotTaken()
                : new BookingResult.Refused("start", "Ce créneau n'est pas proposé dans ce lieu pour ce motif. Choisissez un créneau dans la liste.");
        }

        var token = Secrets.NewToken();
        foreach (var station in candidates)
        {
            var appointment = new Appointment
            {
                Id = Secrets.NewId(),
                OrganisationId = site.OrganisationId,
                SiteId = site.Id,
                StationId = station.StationId,
                ReasonCode = reason.Code,
                Code = await NewCodeAsync(ct),
                ManageTokenHash = Secrets.Hash(token),
                StartUtc = startUtc,
                EndUtc = startUtc + length,
                Persons = request.Persons,
                Status = AppointmentStatus.Booked,
                Channel = booker.Channel,
                FirstName = request.FirstName!.Trim(),
                LastName = request.LastName!.Trim(),
                Email = string.IsNullOrWhiteSpace(request.Email) ? null : request.Email.Trim(),
                Phone = FrenchPhone.Parse(request.Phone)?.E164,
                PreRequestNumbers = string.Join(' ', numbers),
                BookedByAgentId = booker.Agent?.Id,
                PartnerOrganisationId = booker.Agent is { } a && a.OrganisationId != site.OrganisationId ? a.OrganisationId : null,
                CreatedUtc = now,
                UrgentJustification = urgent ? request.UrgentJustification!.Trim() : null,
            };
            db.Appointments.Add(appointment);
            db.SlotClaims.AddRange(TimeUnits.Covering(appointment.StartUtc, appointment.EndUtc)
                .Select(u => new SlotClaim { StationId = station.StationId, Unit = u, AppointmentId = appointment.Id }));
            // Saved by the same SaveChanges: no confirmation without the booking, no booking without it.
            await messages.AddConfirmationAsync(appointment, site, reason, token, ct);
            applications.Record(appointment, site, passed, now);   // and its ANTS declarations, likewise
            await reminders.AddAsync(appointment, site, reason, token, ct);
            try
            {
                await db.SaveChangesAsync(ct);
                log.LogInformation("Appointment {AppointmentId} booked at site {SiteId} station {StationId} by {Channel}{Urgent}",
                    appointment.Id, site.Id, station.StationId, booker.Channel, urgent ? " (urgent reserve)" : "");
                return new BookingResult.Booked(appointment, site, reason, token, passed.Warnings);
            }
            catch (DbUpdateException e) when (Duplicates.PersonHold.IsHoldViolation(e))
            {
                // The same person booked elsewhere a moment ago, on this node or another.
                return new BookingResult.Duplicate(Duplicates.PersonHold.RacingMessage, booker.Agent is not null);
            }
            catch (DbUpdateException e) when (Duplicates.ApplicationHold.IsHoldViolation(e))
            {
                // Another booking took one of these pre-request numbers a moment ago, on this node or another.
                return new BookingResult.Duplicate(Duplicates.FindDuplicate.RacingMessage, booker.Agent is not null);
            }
            catch (DbUpdateException e) when (e.IsUniqueViolation())
            {
                // Someone took these minutes on this station a moment ago: try the next station, if any.
                db.ChangeTracker.Clear();
            }
        }
        return new BookingResult.SlotTaken();
    }

    /// <summary>Agents book at their own organisation's sites; partner town halls at their hosts' sites.</summary>
    public async Task<bool> MayBookAtAsync(Agent agent, Site site, CancellationToken ct) =>
        agent.OrganisationId == site.OrganisationId
        || await db.Partnerships.AnyAsync(p => p.OrganisationId == site.OrganisationId && p.PartnerOrganisationId == agent.OrganisationId, ct);

    private async Task<string> NewCodeAsync(CancellationToken ct)
    {
        while (true)
        {
            var code = Secrets.NewDigits(8);
            if (!await db.Appointments.AnyAsync(a => a.Code == code, ct)) return code;
        }
    }
}

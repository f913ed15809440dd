using Guichet.Domain.Calendar;

namespace Guichet.Web.Data;

public enum OrganisationKind { Commune, Intercommunality, Prefecture, FranceServices }

/// <summary>The tenant: a town hall, an intercommunality, a prefecture or a France Services house.</summary>
public sealed class Organisation
{
    public required string Id { get; set; }
    public required string Name { get; set; }
    public OrganisationKind Kind { get; set; }
    public string? DepartmentCode { get; set; }
    public string? Phone { get; set; }
    public string? Email { get; set; }
    public DateTime CreatedUtc { get; set; }
}

/// <summary>
/// Lets the partner organisation (a commune without a fingerprint station) book at the host's sites for
/// its residents.
/// </summary>
public sealed class Partnership
{
    public required string Id { get; set; }
    public required string OrganisationId { get; set; }        // the host, which owns the sites
    public required string PartnerOrganisationId { get; set; } // the one allowed to book there
    public DateTime CreatedUtc { get; set; }
}

/// <summary>A place where citizens are received (ANTS: meeting point).</summary>
public sealed class Site
{
    public required string Id { get; set; }
    public required string OrganisationId { get; set; }
    public required string Name { get; set; }
    public required string Address { get; set; }
    public required string PostalCode { get; set; }
    public required string City { get; set; }
    public double Latitude { get; set; }
    public double Longitude { get; set; }
    public required string TimeZone { get; set; }
    public Territory Territory { get; set; }
    public string? Phone { get; set; }
    public bool Active { get; set; } = true;
    /// <summary>Listed to the ANTS hub (rendezvouspasseport.ants.gouv.fr) as a meeting point; an administrator's choice.</summary>
    public bool AntsConnected { get; set; } = true;
}

/// <summary>A fingerprint station (dispositif de recueil): one agenda each.</summary>
public sealed class Station
{
    public required string Id { get; set; }
    public required string OrganisationId { get; set; }
    public required string SiteId { get; set; }
    public required string Name { get; set; }
    public bool Active { get; set; } = true;
}

/// <summary>Why a citizen comes: CNI, PASSPORT, CNI-PASSPORT, WITHDRAWAL.</summary>
public sealed class Reason
{
    public required string Id { get; set; }
    public required string OrganisationId { get; set; }
    public required string Code { get; set; }
    public required string Name { get; set; }
    public int MinutesPerPerson { get; set; }
    public int MinutesWithPreRequest { get; set; }
    public int MaxPersons { get; set; }
    public int SortOrder { get; set; }
    /// <summary>Booking rules per reason (Features/Territory/ReasonSettings): delays and the urgent reserve.</summary>
    public int EarliestWorkingDays { get; set; }
    public int LatestDays { get; set; } = Guichet.Domain.Scheduling.BookingDelays.MaxLatestDays;
    public int UrgentPercent { get; set; }
    public int UrgentReleaseHours { get; set; } = 24;
    /// <summary>Withdrawal of the title (Features/Withdrawals): instruction then manufacturing, in working days after the deposit.</summary>
    public int InstructionWorkingDays { get; set; }
    public int ManufacturingWorkingDays { get; set; }

    public Guichet.Domain.Scheduling.BookingDelays Delays => new(EarliestWorkingDays, LatestDays);
    public Guichet.Domain.Scheduling.UrgentReserve Reserve => new(UrgentPercent, UrgentReleaseHours);
}

/// <summary>An opening window of a station (local time of the site), repeating as <see cref="Recurrence"/> says.</summary>
public sealed class OpeningRule
{
    public required string Id { get; set; }
    public required string OrganisationId { get; set; }
    public required string StationId { get; set; }
    public DayOfWeek DayOfWeek { get; set; }
    public TimeOnly StartTime { get; set; }
    public TimeOnly EndTime { get; set; }
    public DateOnly ValidFrom { get; set; }
    public DateOnly? ValidUntil { get; set; }
    /// <summary>Accepted reason codes, separated by spaces (codes never contain one).</summary>
    public required string ReasonCodes { get; set; }
    public Guichet.Domain.Scheduling.RuleRecurrence Recurrence { get; set; }
    /// <summary>For <see cref="Guichet.Domain.Scheduling.RuleRecurrence.MonthlyNth"/>: 1 to 4, or −1 for the last one.</summary>
    public int WeekOfMonth { get; set; }

    public Guichet.Domain.Scheduling.OpeningRule ToDomain() =>
        new(DayOfWeek, StartTime, EndTime, ValidFrom, ValidUntil, Reasons, Recurrence, WeekOfMonth);

    public IReadOnlySet<string> Reasons => ReasonCodes.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
}

public enum AgentRole { Agent, Supervisor, Administrator, Partner }

public sealed class Agent
{
    public required string Id { get; set; }
    public required string OrganisationId { get; set; }
    public required string Email { get; set; }
    public required string DisplayName { get; set; }
    public required string PasswordHash { get; set; }
    public AgentRole Role { get; set; }
    public bool Active { get; set; } = true;
    public int FailedSignIns { get; set; }
    public DateTime? LockedUntilUtc { get; set; }
    public DateTime CreatedUtc { get; set; }
}

/// <summary>Stored by name. Cancelled keeps <see cref="Appointment.CancelledBy"/> to tell the citizen from the town hall;
/// the counter's outcomes came later (Features/Agenda/AppointmentStates.cs maps them onto the domain's lifecycle).</summary>
public enum AppointmentStatus { Booked, Cancelled, Honoured, NoShow, Excused }

public enum Channel { Web, Phone, Counter, Partner, Voice }

public sealed class Appointment
{
    public required string Id { get; set; }
    public required string OrganisationId { get; set; }
    public required string SiteId { get; set; }
    public required string StationId { get; set; }
    public required string ReasonCode { get; set; }
    public required string Code { get; set; }
    public required string ManageTokenHash { get; set; }
    public DateTime StartUtc { get; set; }
    public DateTime EndUtc { get; set; }
    public int Persons { get; set; }
    public AppointmentStatus Status { get; set; }
    public Channel Channel { get; set; }
    public required string FirstName { get; set; }
    public required string LastName { get; set; }
    public string? Email { get; set; }
    public string? Phone { get; set; }
    /// <summary>ANTS pre-request numbers, separated by spaces.</summary>
    public string PreRequestNumbers { get; set; } = "";
    public string? BookedByAgentId { get; set; }
    /// <summary>Set when a partner town hall booked for one of its residents.</summary>
    public string? PartnerOrganisationId { get; set; }
    public DateTime CreatedUtc { get; set; }
    public DateTime? CancelledUtc { get; set; }
    /// <summary>"citizen" or the agent's id.</summary>
    public string? CancelledBy { get; set; }
    /// <summary>When an agent marked the outcome (came, no-show, excused); null while none is recorded.</summary>
    public DateTime? OutcomeUtc { get; set; }
    /// <summary>The agent who marked the outcome.</summary>
    public string? OutcomeBy { get; set; }
    /// <summary>Normalised name (Domain PersonIdentity.NameKey), for the local duplicate rule (Features/Appointments/Duplicates).</summary>
    public string? NameKey { get; set; }
    /// <summary>Why an agent booked in spite of a duplicate; null when there was none.</summary>
    public string? DuplicateJustification { get; set; }
    /// <summary>Why an agent booked a slot of the urgent reserve (exam, travel for health or work); null otherwise.</summary>
    public string? UrgentJustification { get; set; }
}

/// <summary>
/// One row per (station, five-minute unit) held by an appointment. The primary key is the guarantee
/// against double booking; a cancelled appointment gives its rows back.
/// </summary>
public sealed class SlotClaim
{
    public required string StationId { get; set; }
    public long Unit { get; set; }
    public required string AppointmentId { get; set; }
}

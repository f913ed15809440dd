using System.Globalization;
using Guichet.Domain.Contacts;
using Guichet.Domain.Scheduling;
using Guichet.Web.Data;
using Guichet.Web.Features.Appointments;
using Guichet.Web.Features.Appointments.Duplicates;
using Guichet.Web.Platform;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Ants;

public abstract record ApplicationsCheck
{
    /// <summary>The booking may go on. <paramref name="State"/> is null when nothing was asked of ANTS.</summary>
    public sealed record Passed(string NameKey, string? Justification, AntsCheckState? State, string? Note, IReadOnlyList<string> Warnings)
        : ApplicationsCheck
    {
        /// <summary>Whether the booking takes a hold on its numbers (see ApplicationHold).</summary>
        public bool HoldNumbers { get; init; } = true;
        /// <summary>Whether the booking takes a hold on its person (see PersonHold).</summary>
        public bool HoldPerson { get; init; }
    }
    /// <summary>A number ANTS refuses: one French message per number, on the preRequestNumbers field.</summary>
    public sealed record Refused(IReadOnlyList<FieldError> Errors) : ApplicationsCheck;
    /// <summary>Another active appointment exists (here or, per ANTS, elsewhere); an agent may override with a justification.</summary>
    public sealed record Duplicate(string Message, bool Overridable) : ApplicationsCheck;
}

/// <summary>What ANTS's status means for one number of a booking.</summary>
public abstract record Verdict
{
    public sealed record Accept : Verdict;
    public sealed record Refuse(string Message) : Verdict;
    /// <summary>An unlisted status: book, and check again later.</summary>
    public sealed record CannotVerify : Verdict;
}

/// <summary>
/// The checks a booking's people and pre-request numbers go through before a slot is claimed: the local duplicate
/// rule, then ANTS's status of each number with the organisation's policy. ANTS being down or slow never costs
/// the citizen the slot: the booking goes through, flagged, and <see cref="AntsSyncRunner"/> checks again.
/// </summary>
public sealed class CheckApplications(
    GuichetDb db, FindDuplicate duplicates, CoordinationClient ants, AntsSync sync, ILogger<CheckApplications> log)
{
    public async Task<ApplicationsCheck> RunAsync(BookingRequest request, IReadOnlyList<string> numbers, Site site, Reason reason,
        Booker booker, DateTime now, CancellationToken ct)
    {
        var result = await CheckAsync(request, numbers, site, reason, booker, now, ct);
        if (result is ApplicationsCheck.Passed { HoldNumbers: true }) await ApplicationHold.ClearStaleAsync(db, numbers, now, ct);
        if (result is ApplicationsCheck.Passed { HoldPerson: true } person)
            await PersonHold.ClearStaleAsync(db, PersonHold.KeysOf(person.NameKey, request.Email, FrenchPhone.Parse(request.Phone)?.E164), now, ct);
        return result;
    }

    private async Task<ApplicationsCheck> CheckAsync(BookingRequest request, IReadOnlyList<string> numbers, Site site, Reason reason,
        Booker booker, DateTime now, CancellationToken ct)
    {
        // Only an agent may justify; a citizen's door has no such field, and one sent anyway is ignored.
        var justification = booker.Agent is null || string.IsNullOrWhiteSpace(request.DuplicateJustification) ? null : request.DuplicateJustification.Trim();
        if (justification is { Length: < FindDuplicate.MinJustification or > FindDuplicate.MaxJustification })
            return new ApplicationsCheck.Refused([new FieldError("justification",
                $"La justification compte de {FindDuplicate.MinJustification} à {FindDuplicate.MaxJustification} caractères : dites en une phrase pourquoi ce rendez-vous est nécessaire.")]);
        var overriding = justification is not null;

        var wanted = new PersonFacts(PersonIdentity.NameKey(request.FirstName, request.LastName), PersonIdentity.EmailKey(request.Email),
            FrenchPhone.Parse(request.Phone)?.E164, numbers);
        // Kept on the appointment only when it actually overrode something.
        string? kept = null;
        var holdNumbers = duplicates.Enabled;
        var holdPerson = duplicates.Enabled;
        if (await duplicates.RunAsync(wanted, now, ct) is { } found)
        {
            kept = justification;
            // A justified second appointment for the same number takes no hold: the first one keeps it.
            holdNumbers = found.Kind != DuplicateKind.SameApplication;
            holdPerson = false;
            log.LogInformation("Booking at site {SiteId} matches active appointment {AppointmentId} ({Kind}); overridden: {Overridden}",
                site.Id, found.AppointmentId, found.Kind, overriding);
            if (!overriding)
                return new ApplicationsCheck.Duplicate(booker.Agent is null ? FindDuplicate.CitizenMessage(found) : FindDuplicate.AgentMessage(found), booker.Agent is not null);
        }

        if (numbers.Count == 0 || !ants.Configured)
            return new ApplicationsCheck.Passed(wanted.NameKey, kept, null, null, []) { HoldNumbers = holdNumbers, HoldPerson = holdPerson };

        var deposit = AntsSync.IsDeposit(reason.Code);
        var status = await ants.StatusAsync(numbers, site.Id, ct);
        if (status is not AntsResult<IReadOnlyDictionary<string, ApplicationState>>.Ok ok)
        {
            log.LogWarning("ANTS status unavailable while booking at site {SiteId}: booking goes through, to be checked again", site.Id);
            return new ApplicationsCheck.Passed(wanted.NameKey, kept, AntsCheckState.Pending,
                "L'ANTS n'a pas répondu au moment de la réservation : les numéros de pré-demande seront vérifiés automatiquement plus tard.", []) { HoldNumbers = holdNumbers, HoldPerson = holdPerson };
        }

        var reading = Read(ok.Value, numbers, deposit, sync.OwnUrlPrefix);
        if (reading.Refusals.Count > 0) return new ApplicationsCheck.Refused(reading.Refusals);
        if (reading.Elsewhere.Count > 0)
        {
            var policy = await PolicyAsync(db, site.OrganisationId, ct);
            var where = string.Join(" ; ", reading.Elsewhere);
            if (policy == ElsewherePolicy.Refuse && !overriding)
                return new ApplicationsCheck.Duplicate(
                    $"Selon l'ANTS, ce numéro de pré-demande a déjà un rendez-vous : {where}. Une pré-demande ne donne droit qu'à un rendez-vous : "
                    + (booker.Agent is null
                        ? "annulez d'abord l'autre rendez-vous, puis réservez à nouveau."
                        : "pour réserver quand même, indiquez pourquoi dans le champ « Justification »."),
                    booker.Agent is not null);
            if (policy == ElsewherePolicy.Refuse) kept = justification;
            var note = $"Selon l'ANTS, un autre rendez-vous existe déjà : {where}.";
            return new ApplicationsCheck.Passed(wanted.NameKey, kept, AntsCheckState.Elsewhere, note,
                [note + " Pensez à annuler celui que vous ne garderez pas : il servira à quelqu'un d'autre."]) { HoldNumbers = holdNumbers, HoldPerson = holdPerson };
        }
        return reading.Unverified.Count > 0
            ? new ApplicationsCheck.Passed(wanted.NameKey, kept, AntsCheckState.Pending,
                $"L'ANTS n'a pas pu confirmer {string.Join(", ", reading.Unverified)} : vérification automatique plus tard.", []) { HoldNumbers = holdNumbers, HoldPerson = holdPerson }
            : new ApplicationsCheck.Passed(wanted.NameKey, kept, AntsCheckState.Verified, null, []) { HoldNumbers = holdNumbers, HoldPerson = holdPerson };
    }

    /// <summary>Writes what the checks decided onto the new appointment, and queues its ANTS calls, in the booking's own SaveChanges.</summary>
    public void Record(Appointment appointment, Site site, ApplicationsCheck.Passed passed, DateTime now)
    {
        appointment.NameKey = passed.NameKey;
        appointment.DuplicateJustification = passed.Justification;
        if (passed.HoldNumbers)
            foreach (var number in appointment.PreRequestNumbers.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                db.Set<ApplicationHold>().Add(new ApplicationHold { ApplicationId = number, AppointmentId = appointment.Id, UntilUtc = appointment.EndUtc });
        if (passed.HoldPerson)
            foreach (var key in PersonHold.KeysOf(passed.NameKey, appointment.Email, appointment.Phone))
                db.Set<PersonHold>().Add(new PersonHold { Key = key, AppointmentId = appointment.Id, UntilUtc = appointment.EndUtc });
        if (passed.State is { } state)
            db.Set<AntsCheck>().Add(new AntsCheck
            {
                AppointmentId = appointment.Id, OrganisationId = appointment.OrganisationId, State = state, Note = passed.Note,
                CheckedUtc = state == AntsCheckState.Pending ? null : now, CreatedUtc = now,
            });
        sync.AddAfterBooking(appointment, site, check: passed.State == AntsCheckState.Pending);
    }

    public sealed record Reading(List<FieldError> Refusals, List<string> Refused, List<string> Elsewhere, List<string> Unverified);

    /// <summary>ANTS's answer, number by number: refusals with their French message, appointments held elsewhere, numbers it could not confirm.</summary>
    public static Reading Read(IReadOnlyDictionary<string, ApplicationState> states, IEnumerable<string> numbers, bool deposit, string ownUrlPrefix)
    {
        var reading = new Reading([], [], [], []);
        foreach (var number in numbers)
        {
            var state = states.GetValueOrDefault(number) ?? new ApplicationState(ApplicationStatus.Unrecognised, "", []);
            switch (Judge(state.Status, deposit))
            {
                case Verdict.Refuse r:
                    reading.Refusals.Add(new FieldError("preRequestNumbers", $"{number} : {r.Message}"));
                    reading.Refused.Add(number);
                    break;
                case Verdict.CannotVerify:
                    reading.Unverified.Add(number);
                    break;
                case Verdict.Accept when deposit && state.Status == ApplicationStatus.Validated:
                    // Ours are left to the local rule, which knows whether they are still active (a cancellation's
                    // delete may still be on its way to ANTS).
                    foreach (var other in state.Appointments.Where(a => a.ManagementUrl?.StartsWith(ownUrlPrefix, StringComparison.OrdinalIgnoreCase) != true))
                        reading.Elsewhere.Add($"{number} à {other.MeetingPoint ?? "un lieu non précisé"}{When(other.AppointmentDate)}");
                    break;
            }
        }
        return reading;
    }

    /// <summary>reference/ants.md, B1: deposits need a validated number; a withdrawal comes after the deposit, so consumed is expected.</summary>
    public static Verdict Judge(ApplicationStatus status, bool deposit) => status switch
    {
        ApplicationStatus.Validated => new Verdict.Accept(),
        ApplicationStatus.Consumed when !deposit => new Verdict.Accept(),
        ApplicationStatus.Consumed => new Verdict.Refuse("ce numéro a déjà servi pour une demande déposée en mairie. Il ne peut pas servir pour un nouveau dépôt ; refaites une pré-demande sur le site de l'ANTS si besoin."),
        ApplicationStatus.Declared when !deposit => new Verdict.Accept(),
        ApplicationStatus.Declared => new Verdict.Refuse("cette pré-demande n'est pas encore reconnue officiellement par l'ANTS. Terminez-la sur le site de l'ANTS (ants.gouv.fr), puis réservez à nouveau."),
        ApplicationStatus.Expired when !deposit => new Verdict.Accept(),
        ApplicationStatus.Expired => new Verdict.Refuse("cette pré-demande a expiré. Refaites une pré-demande sur le site de l'ANTS (ants.gouv.fr), puis réservez avec le nouveau numéro."),
        ApplicationStatus.Unknown => new Verdict.Refuse("l'ANTS ne connaît pas ce numéro. Vérifiez-le sur le récapitulatif de votre pré-demande (10 lettres et chiffres)."),
        _ => new Verdict.CannotVerify(),
    };

    public static async Task<ElsewherePolicy> PolicyAsync(GuichetDb db, string organisationId, CancellationToken ct) =>
        (await db.Set<AntsPolicy>().AsNoTracking().FirstOrDefaultAsync(p => p.OrganisationId == organisationId, ct))?.Elsewhere ?? ElsewherePolicy.Warn;

    /// <summary>", le jeudi 19 mars 2026 à 9 h" from ANTS's "2026-03-19T09:00:00" (or with a space, or without seconds).</summary>
    private static string When(string? date)
    {
        if (string.IsNullOrWhiteSpace(date)) return "";
        string[] formats = ["yyyy-MM-ddTHH:mm:ss", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-ddTHH:mm", "yyyy-MM-dd HH:mm", "yyyy-MM-ddTHH:mm:ssZ", "yyyy-MM-ddTHH:mmZ"];
        return DateTime.TryParseExact(date.Trim(), formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local)
            ? $", le {FrenchDates.DayAndTime(local)}"
            : $", le {date.Trim()}";
    }
}

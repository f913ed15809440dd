using System.Globalization;
using Guichet.Domain.Contacts;
using Guichet.Domain.Scheduling;
using Guichet.Web.Data;
using Guichet.Web.Features.Appointments;
using Guichet.Web.Platform;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Waitlist;

/// <param name="AppointmentCode">With <paramref name="AppointmentToken"/>: the citizen holds this appointment and wants it earlier.</param>
public sealed record WaitlistRequest(
    IReadOnlyList<string> SiteIds, string? Near, string? RadiusKm, string? ReasonCode, string? Persons,
    string? NotBefore, string? NotAfter, string? FirstName, string? LastName, string? Email, string? Phone,
    string? AppointmentCode = null, string? AppointmentToken = null);

public abstract record JoinResult
{
    public sealed record Joined(WaitlistEntry Entry, string Token) : JoinResult;
    public sealed record Refused(IReadOnlyList<FieldError> Errors) : JoinResult;
    /// <summary>The appointment link is wrong, or the appointment is cancelled or past.</summary>
    public sealed record NoAppointment(string Message) : JoinResult;
}

/// <summary>Puts a citizen on the waiting list. Nothing is offered now: offers follow freed slots (OfferFreedSlots).</summary>
public sealed class JoinWaitlist(GuichetDb db, Nearby.FindPlace places, TimeProvider clock, ILogger<JoinWaitlist> log)
{
    public const int MaxDaysAhead = 366;
    public static readonly int[] Radii = SlotsModel.Radii;

    /// <summary>The appointment the request is about, when it came from the manage link; null when there is none or it cannot be moved.</summary>
    public async Task<Appointment?> HeldAppointmentAsync(string? code, string? token, CancellationToken ct)
    {
        var a = await CancelAppointment.FindByTokenAsync(db, code, token, ct);
        return a is { Status: AppointmentStatus.Booked } && a.StartUtc > clock.GetUtcNow().UtcDateTime ? a : null;
    }

    public async Task<JoinResult> RunAsync(WaitlistRequest request, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        // The citizen's dates are French calendar days; "today" is the metropolitan one (overseas sites differ by hours only).
        var today = DateOnly.FromDateTime(FrenchDates.ToLocal(now, "Europe/Paris"));
        var errors = new List<FieldError>();
        Appointment? held = null;
        if (request.AppointmentCode is not null || request.AppointmentToken is not null)
        {
            held = await HeldAppointmentAsync(request.AppointmentCode, request.AppointmentToken, ct);
            if (held is null) return new JoinResult.NoAppointment("Ce rendez-vous est introuvable, annulé ou déjà passé : la liste d'attente ne peut pas l'avancer.");
        }

        List<Site> sites = [];
        Nearby.Place? place = null;
        int? radius = null;
        string reasonCode;
        int persons;
        if (held is not null)
        {
            // A held appointment is moved, never doubled, and a move stays at its site for its reason (MoveAppointment).
            sites = [await db.Sites.AsNoTracking().FirstAsync(s => s.Id == held.SiteId, ct)];
            (reasonCode, persons) = (held.ReasonCode, held.Persons);
        }
        else
        {
            var reasons = await StartModel.ReasonChoicesAsync(db, ct);
            reasonCode = reasons.FirstOrDefault(r => r.Code == request.ReasonCode).Code ?? "";
            if (reasonCode.Length == 0) errors.Add(new("reason", "Choisissez un motif de rendez-vous."));
            if (!int.TryParse(request.Persons ?? "1", NumberStyles.None, CultureInfo.InvariantCulture, out persons) || persons is < 1 or > 6)
            {
                errors.Add(new("persons", "Le nombre de personnes va de 1 à 6."));
                persons = 1;
            }
            var ids = request.SiteIds.Where(s => !string.IsNullOrWhiteSpace(s)).Distinct().Take(50).ToList();
            sites = await db.Sites.AsNoTracking().Where(s => s.Active && ids.Contains(s.Id)).OrderBy(s => s.Name).ToListAsync(ct);
            if (sites.Count != ids.Count) errors.Add(new("sites", "Une des mairies choisies n'existe pas. Choisissez dans la liste."));
            if (!string.IsNullOrWhiteSpace(request.Near))
            {
                switch (await places.RunAsync(request.Near, ct))
                {
                    case Nearby.PlaceResult.Found found: place = found.Place; break;
                    case Nearby.PlaceResult.Refused refused: errors.Add(refused.Error); break;
                }
                if (int.TryParse(request.RadiusKm, NumberStyles.None, CultureInfo.InvariantCulture, out var km) && Radii.Contains(km)) radius = km;
                else errors.Add(new("radius", "Choisissez une distance dans la liste."));
            }
            else if (ids.Count == 0 && !errors.Any(e => e.Field == "sites"))
                errors.Add(new("sites", "Choisissez au moins une mairie, ou indiquez votre commune pour accepter toutes les mairies proches."));
        }

        var notBefore = ParseDate(request.NotBefore, "notBefore", "La date « pas avant » n'est pas valide.", errors);
        var notAfter = ParseDate(request.NotAfter, "notAfter", "La date « pas après » n'est pas valide.", errors);
        if (notAfter is null && !errors.Any(e => e.Field == "notAfter"))
            errors.Add(new("notAfter", "Indiquez jusqu'à quelle date vous pouvez venir (« pas après »)."));
        if (notBefore is { } nb && nb < today) notBefore = null;
        if (notAfter is { } na)
        {
            if (na < today) errors.Add(new("notAfter", "La date « pas après » est déjà passée."));
            else if (na > today.AddDays(MaxDaysAhead)) errors.Add(new("notAfter", "La liste d'attente vaut au plus un an."));
            else if (notBefore is { } b && b > na) errors.Add(new("notBefore", "La date « pas avant » vient après la date « pas après »."));
            else if (held is not null)
            {
                // Earlier than the appointment held, or it would not be an improvement.
                var heldDay = DateOnly.FromDateTime(FrenchDates.ToLocal(held.StartUtc, sites[0].TimeZone));
                if (na >= heldDay) notAfter = heldDay.AddDays(-1);
                if (notAfter < today) errors.Add(new("notAfter", "Votre rendez-vous est déjà au plus tôt : il n'y a pas de jour libre avant lui."));
            }
        }
        errors.AddRange(BookingRules.CheckContact(request.FirstName, request.LastName, request.Email, request.Phone, phoneMustBeMobile: true));
        if (errors.Count > 0) return new JoinResult.Refused(errors);

        var organisationId = held?.OrganisationId ?? sites.FirstOrDefault()?.OrganisationId
            ?? await NearestOrganisationAsync(place!.Point, ct);
        var token = Secrets.NewToken();
        var entry = new WaitlistEntry
        {
            Id = Secrets.NewId(), OrganisationId = organisationId, SiteIds = string.Join(' ', sites.Select(s => s.Id)),
            NearLatitude = place?.Point.Latitude, NearLongitude = place?.Point.Longitude, RadiusKm = radius, NearLabel = place?.Label,
            ReasonCode = reasonCode, Persons = persons, NotBefore = notBefore, NotAfter = notAfter!.Value,
            FirstName = request.FirstName!.Trim(), LastName = request.LastName!.Trim(),
            Email = string.IsNullOrWhiteSpace(request.Email) ? null : request.Email.Trim(),
            Phone = FrenchPhone.Parse(request.Phone)?.E164,
            AppointmentId = held?.Id, TokenHash = Secrets.Hash(token), Status = WaitlistStatus.Active, CreatedUtc = now,
        };
        db.Add(entry);
        await db.SaveChangesAsync(ct);
        log.LogInformation("Waitlist entry {EntryId} created (appointment {AppointmentId})", entry.Id, held?.Id ?? "none");
        return new JoinResult.Joined(entry, token);
    }

    /// <summary>The entry behind its own link; null for a wrong id or token alike.</summary>
    public static async Task<WaitlistEntry?> FindByTokenAsync(GuichetDb db, string? id, string? token, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(id) || string.IsNullOrWhiteSpace(token) || id.Length > 64 || token.Length > 100) return null;
        var entry = await db.Set<WaitlistEntry>().FirstOrDefaultAsync(e => e.Id == id, ct);
        return entry is not null && Secrets.HashEquals(token, entry.TokenHash) ? entry : null;
    }

    /// <summary>The citizen leaves the list: their open offers are withdrawn with it.</summary>
    public async Task<bool> LeaveAsync(WaitlistEntry entry, CancellationToken ct)
    {
        if (entry.Status != WaitlistStatus.Active) return false;
        var now = clock.GetUtcNow().UtcDateTime;
        var changed = await db.Set<WaitlistEntry>().Where(e => e.Id == entry.Id && e.Status == WaitlistStatus.Active)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.Status, WaitlistStatus.Cancelled).SetProperty(e => e.ClosedUtc, now), ct);
        await db.Set<WaitlistOffer>().Where(o => o.EntryId == entry.Id && o.Status == OfferStatus.Open)
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.Status, OfferStatus.Withdrawn).SetProperty(o => o.AnsweredUtc, now), ct);
        entry.Status = WaitlistStatus.Cancelled;
        entry.ClosedUtc = now;
        log.LogInformation("Waitlist entry {EntryId} cancelled by the citizen", entry.Id);
        return changed > 0;
    }

    private async Task<string> NearestOrganisationAsync(Domain.Geography.GeoPoint point, CancellationToken ct)
    {
        var all = await db.Sites.AsNoTracking().Where(s => s.Active).ToListAsync(ct);
        return all.OrderBy(s => point.DistanceKm(new(s.Latitude, s.Longitude))).First().OrganisationId;
    }

    private static DateOnly? ParseDate(string? text, string field, string message, List<FieldError> errors)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) return d;
        errors.Add(new(field, message));
        return null;
    }
}

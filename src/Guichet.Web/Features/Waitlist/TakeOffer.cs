using Guichet.Web.Data;
using Guichet.Web.Features.Appointments;
using Guichet.Web.Platform;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Waitlist;

public abstract record TakeResult
{
    /// <param name="ManageToken">The new appointment's manage token; null when a held appointment was moved (its link stays).</param>
    public sealed record Booked(Appointment Appointment, string? ManageToken) : TakeResult;
    /// <summary>Someone was faster: the slot is gone, the citizen stays on the list.</summary>
    public sealed record Taken : TakeResult;
    /// <summary>The offer ran out, was withdrawn or was already answered.</summary>
    public sealed record Closed(string Message) : TakeResult;
    public sealed record Refused(IReadOnlyList<Domain.Scheduling.FieldError> Errors) : TakeResult;
    public sealed record NotFound : TakeResult;
}

/// <summary>
/// The citizen takes an offered slot. The booking goes through the normal path (<see cref="BookAppointment"/>, or
/// <see cref="MoveAppointment"/> for a citizen who already holds an appointment), so the slot claims' primary key
/// decides between offerees racing for it, exactly as between any two bookings.
/// </summary>
public sealed class TakeOffer(GuichetDb db, BookAppointment book, MoveAppointment move, TimeProvider clock, ILogger<TakeOffer> log)
{
    public const string TakenMessage = "Ce créneau vient d'être pris par une autre personne.";

    public static async Task<(WaitlistOffer Offer, WaitlistEntry Entry)?> FindAsync(GuichetDb db, string? id, string? token, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(id) || string.IsNullOrWhiteSpace(token) || id.Length > 64 || token.Length > 100) return null;
        var offer = await db.Set<WaitlistOffer>().AsNoTracking().FirstOrDefaultAsync(o => o.Id == id, ct);
        if (offer is null || !Secrets.HashEquals(token, offer.TokenHash)) return null;
        var entry = await db.Set<WaitlistEntry>().AsNoTracking().FirstAsync(e => e.Id == offer.EntryId, ct);
        return (offer, entry);
    }

    /// <summary>Why this offer can no longer be taken, or null.</summary>
    public static string? ClosedWhy(WaitlistOffer offer, WaitlistEntry entry, DateTime nowUtc) => offer.Status switch
    {
        OfferStatus.Taken => "Vous avez déjà pris ce créneau.",
        OfferStatus.Lost => TakenMessage,
        OfferStatus.Withdrawn => "Cette proposition n'est plus valable : vous avez quitté la liste d'attente ou obtenu un autre créneau.",
        OfferStatus.Expired => "Cette proposition a expiré.",
        _ when offer.ExpiresUtc <= nowUtc => "Cette proposition a expiré.",
        _ when entry.Status != WaitlistStatus.Active => "Cette proposition n'est plus valable : votre inscription sur la liste d'attente est close.",
        _ => null,
    };

    public async Task<TakeResult> RunAsync(string? offerId, string? token, CancellationToken ct)
    {
        if (await FindAsync(db, offerId, token, ct) is not var (offer, entry)) return new TakeResult.NotFound();
        var now = clock.GetUtcNow().UtcDateTime;
        if (ClosedWhy(offer, entry, now) is { } why) return new TakeResult.Closed(why);
        var site = await db.Sites.AsNoTracking().FirstAsync(s => s.Id == offer.SiteId, ct);
        var start = FrenchDates.ToOffset(offer.StartUtc, site.TimeZone);

        Appointment appointment;
        string? manageToken = null;
        if (entry.AppointmentId is { } held)
        {
            switch (await move.ByWaitlistAsync(held, start, ct))
            {
                case MoveResult.Moved m: appointment = m.Appointment; break;
                case MoveResult.SlotTaken: return await LostAsync(offer, now, ct);
                case MoveResult.Refused r: return new TakeResult.Refused([new("start", r.Message)]);
                default: return new TakeResult.Closed("Le rendez-vous à avancer n'existe plus.");
            }
        }
        else
        {
            var request = new BookingRequest(site.Id, offer.ReasonCode, start, entry.Persons, entry.FirstName, entry.LastName, entry.Email, entry.Phone, []);
            switch (await book.RunAsync(request, Booker.Citizen, ct))
            {
                case BookingResult.Booked b: (appointment, manageToken) = (b.Appointment, b.ManageToken); break;
                case BookingResult.SlotTaken: return await LostAsync(offer, now, ct);
                case BookingResult.Refused r: return new TakeResult.Refused(r.Errors);
                case BookingResult.Duplicate d: return new TakeResult.Refused([new("start", d.Message)]);
                default: throw new InvalidOperationException();
            }
        }

        // The slot is the citizen's: the entry is satisfied, their other offers and the others' offers of this slot close.
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.Set<WaitlistOffer>().Where(o => o.Id == offer.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.Status, OfferStatus.Taken).SetProperty(o => o.AnsweredUtc, now).SetProperty(o => o.AppointmentId, appointment.Id), ct);
        await db.Set<WaitlistOffer>().Where(o => o.EntryId == entry.Id && o.Status == OfferStatus.Open)
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.Status, OfferStatus.Withdrawn).SetProperty(o => o.AnsweredUtc, now), ct);
        await db.Set<WaitlistOffer>().Where(o => o.SiteId == offer.SiteId && o.StartUtc == offer.StartUtc && o.Status == OfferStatus.Open)
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.Status, OfferStatus.Lost), ct);
        await db.Set<WaitlistEntry>().Where(e => e.Id == entry.Id && e.Status == WaitlistStatus.Active)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.Status, WaitlistStatus.Satisfied).SetProperty(e => e.ClosedUtc, now), ct);
        await tx.CommitAsync(ct);
        log.LogInformation("Waitlist offer {OfferId} taken: appointment {AppointmentId}", offer.Id, appointment.Id);
        return new TakeResult.Booked(appointment, manageToken);
    }

    private async Task<TakeResult> LostAsync(WaitlistOffer offer, DateTime now, CancellationToken ct)
    {
        await db.Set<WaitlistOffer>().Where(o => o.Id == offer.Id && o.Status == OfferStatus.Open)
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.Status, OfferStatus.Lost).SetProperty(o => o.AnsweredUtc, now), ct);
        return new TakeResult.Taken();
    }

    /// <summary>The entry's other offers still open: what the citizen may take next.</summary>
    public static async Task<IReadOnlyList<WaitlistOffer>> OpenOffersAsync(GuichetDb db, string entryId, DateTime nowUtc, CancellationToken ct) =>
        await db.Set<WaitlistOffer>().AsNoTracking()
            .Where(o => o.EntryId == entryId && o.Status == OfferStatus.Open && o.ExpiresUtc > nowUtc).OrderBy(o => o.StartUtc).ToListAsync(ct);
}

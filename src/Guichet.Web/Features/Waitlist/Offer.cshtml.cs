using Guichet.Web.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Waitlist;

/// <summary>An offered slot behind the offer's secret link: take it (first come, first served) or leave the list.</summary>
[EnableRateLimiting(Guichet.Web.Platform.PlatformExtensions.TokenLinkPolicy)]
public sealed class OfferModel(GuichetDb db, TakeOffer take, JoinWaitlist join, TimeProvider clock) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? Id { get; set; }
    [BindProperty(SupportsGet = true)] public string? Token { get; set; }

    public WaitlistOffer? Offer { get; private set; }
    public WaitlistEntry? Entry { get; private set; }
    public Site? Site { get; private set; }
    public string ReasonName { get; private set; } = "";
    public Appointment? Held { get; private set; }
    /// <summary>Why the offer can no longer be taken; null while it can.</summary>
    public string? Closed { get; private set; }
    public bool Taken { get; private set; }
    public bool Left { get; private set; }
    public IReadOnlyList<Domain.Scheduling.FieldError> Errors { get; private set; } = [];
    public IReadOnlyList<WaitlistOffer> NextOffers { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        switch (await take.RunAsync(Id, Token, ct))
        {
            case TakeResult.Booked { ManageToken: { } token } b:
                return Redirect($"/rendez-vous/{b.Appointment.Code}?token={Uri.EscapeDataString(token)}&confirme=1");
            case TakeResult.Booked b:
                return Redirect($"/liste-attente/offre/{Id}?token={Uri.EscapeDataString(Token!)}");
            case TakeResult.Taken:
                Taken = true;
                Response.StatusCode = StatusCodes.Status409Conflict;
                break;
            case TakeResult.Refused r:
                Errors = r.Errors;
                Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
                break;
            case TakeResult.Closed:
                Response.StatusCode = StatusCodes.Status409Conflict;
                break;
        }
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostLeaveAsync(CancellationToken ct)
    {
        if (await TakeOffer.FindAsync(db, Id, Token, ct) is var (_, entry))
        {
            var tracked = await db.Set<WaitlistEntry>().FirstAsync(e => e.Id == entry.Id, ct);
            Left = await join.LeaveAsync(tracked, ct);
        }
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Response.Headers.CacheControl = "no-store";
        if (await TakeOffer.FindAsync(db, Id, Token, ct) is not var (offer, entry))
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        (Offer, Entry) = (offer, entry);
        var now = clock.GetUtcNow().UtcDateTime;
        Closed = TakeOffer.ClosedWhy(offer, entry, now);
        // Lost to another offeree a moment before this answer was read: the same words as losing the race itself.
        if (offer.Status == OfferStatus.Lost) Taken = true;
        Site = await db.Sites.AsNoTracking().FirstAsync(s => s.Id == offer.SiteId, ct);
        ReasonName = await db.Reasons.AsNoTracking().Where(r => r.OrganisationId == Site.OrganisationId && r.Code == offer.ReasonCode)
            .Select(r => r.Name).FirstOrDefaultAsync(ct) ?? offer.ReasonCode;
        if ((offer.AppointmentId ?? entry.AppointmentId) is { } id) Held = await db.Appointments.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, ct);
        NextOffers = (await TakeOffer.OpenOffersAsync(db, entry.Id, now, ct)).Where(o => o.Id != offer.Id).ToList();
    }
}

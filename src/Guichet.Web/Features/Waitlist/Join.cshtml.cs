using Guichet.Domain.Scheduling;
using Guichet.Web.Data;
using Guichet.Web.Features.Appointments;
using Guichet.Web.Platform;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Waitlist;

/// <summary>
/// "Être prévenu si un créneau se libère": from the slots page (no convenient slot) or from the manage page (an
/// earlier slot for the appointment held, which is then moved rather than doubled).
/// </summary>
[EnableRateLimiting("booking")]
public sealed class JoinModel(GuichetDb db, JoinWaitlist join, TimeProvider clock) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? Reason { get; set; }
    [BindProperty(SupportsGet = true)] public string? Persons { get; set; }
    [BindProperty(SupportsGet = true, Name = "site")] public string[] SiteIds { get; set; } = [];
    [BindProperty(SupportsGet = true)] public string? Near { get; set; }
    [BindProperty(SupportsGet = true)] public string? Radius { get; set; }
    [BindProperty] public string? NotBefore { get; set; }
    [BindProperty] public string? NotAfter { get; set; }
    [BindProperty] public string? FirstName { get; set; }
    [BindProperty] public string? LastName { get; set; }
    [BindProperty] public string? Email { get; set; }
    [BindProperty] public string? Phone { get; set; }
    /// <summary>From the manage link: the appointment held.</summary>
    [BindProperty(SupportsGet = true)] public string? Code { get; set; }
    [BindProperty(SupportsGet = true)] public string? Token { get; set; }

    public Appointment? Held { get; private set; }
    public Site? HeldSite { get; private set; }
    public string? NotFoundMessage { get; private set; }
    public IReadOnlyList<(string Code, string Name)> Reasons { get; private set; } = [];
    public IReadOnlyList<Site> Sites { get; private set; } = [];
    public List<FieldError> Errors { get; } = [];
    public string? Invalid(string field) => Errors.Any(e => e.Field == field) ? "true" : null;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return Page();
        var today = DateOnly.FromDateTime(FrenchDates.ToLocal(clock.GetUtcNow().UtcDateTime, "Europe/Paris"));
        if (Held is { } a)
        {
            (FirstName, LastName, Email, Phone) = (a.FirstName, a.LastName, a.Email, a.Phone);
            NotAfter = DateOnly.FromDateTime(FrenchDates.ToLocal(a.StartUtc, HeldSite!.TimeZone)).AddDays(-1).ToString("yyyy-MM-dd");
        }
        else NotAfter ??= today.AddDays(60).ToString("yyyy-MM-dd");
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return Page();
        var request = new WaitlistRequest(SiteIds, Near, Radius, Reason, Persons, NotBefore, NotAfter, FirstName, LastName, Email, Phone,
            Held is null ? null : Code, Held is null ? null : Token);
        switch (await join.RunAsync(request, ct))
        {
            case JoinResult.Joined j:
                return Redirect($"/liste-attente/{j.Entry.Id}?token={Uri.EscapeDataString(j.Token)}&inscrit=1");
            case JoinResult.Refused r:
                Errors.AddRange(r.Errors);
                Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
                return Page();
            case JoinResult.NoAppointment n:
                NotFoundMessage = n.Message;
                Response.StatusCode = StatusCodes.Status404NotFound;
                return Page();
            default:
                throw new InvalidOperationException();
        }
    }

    private async Task<bool> LoadAsync(CancellationToken ct)
    {
        Response.Headers.CacheControl = "no-store";
        if (Code is not null || Token is not null)
        {
            Held = await join.HeldAppointmentAsync(Code, Token, ct);
            if (Held is null)
            {
                NotFoundMessage = "Ce rendez-vous est introuvable, annulé ou déjà passé : la liste d'attente ne peut pas l'avancer.";
                Response.StatusCode = StatusCodes.Status404NotFound;
                return false;
            }
            HeldSite = await db.Sites.AsNoTracking().FirstAsync(s => s.Id == Held.SiteId, ct);
        }
        Reasons = await StartModel.ReasonChoicesAsync(db, ct);
        Sites = await db.Sites.AsNoTracking().Where(s => s.Active).OrderBy(s => s.Name).ToListAsync(ct);
        return true;
    }
}

using Guichet.Domain.Requests;
using Guichet.Domain.Scheduling;
using Guichet.Web.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Requests;

/// <summary>
/// The citizen's tracking page: the code and the surname as second proof, rate-limited per address. A wrong code and
/// a wrong surname get the very same answer, so the page never confirms that a code exists.
/// </summary>
[EnableRateLimiting(RequestsFeature.TrackingPolicy)]
public sealed class TrackModel(GuichetDb db) : PageModel
{
    public const string NotFoundMessage = "Aucune demande ne correspond à ce code et à ce nom. Vérifiez le code reçu avec l'accusé de réception et votre nom de famille.";

    public sealed record View(CitizenRequest Request, string CategoryName, Unit Unit, DateOnly ReceivedOn, string TimeZone,
        IReadOnlyList<RequestEvent> History, IReadOnlyList<RequestEvent> Replies);

    [BindProperty] public string? Code { get; set; }
    [BindProperty] public string? LastName { get; set; }
    public List<FieldError> Errors { get; } = [];
    public View? Found { get; private set; }

    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var code = TrackingCode.Normalise(Code);
        var key = ReceiveRequest.NameKey(LastName);
        var request = code is null || key.Length == 0 ? null : await db.CitizenRequests.AsNoTracking().FirstOrDefaultAsync(r => r.TrackingCode == code, ct);
        if (request is null || !System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
                System.Text.Encoding.UTF8.GetBytes(request.NameKey), System.Text.Encoding.UTF8.GetBytes(key)))
        {
            Errors.Add(new("code", NotFoundMessage));
            Response.StatusCode = StatusCodes.Status404NotFound;
            return Page();
        }
        var organisation = await db.Organisations.AsNoTracking().FirstAsync(o => o.Id == request.OrganisationId, ct);
        var (zone, _) = await OrganisationCalendar.ForAsync(db, organisation, ct);
        var events = await db.Set<RequestEvent>().AsNoTracking().Where(e => e.RequestId == request.Id && e.Public).ToListAsync(ct);
        events = events.OrderBy(e => e.AtUtc).ThenBy(e => e.Id, StringComparer.Ordinal).ToList();
        Found = new View(request,
            await db.Set<Category>().Where(c => c.Id == request.CategoryId).Select(c => c.Name).FirstAsync(ct),
            await db.Set<Unit>().AsNoTracking().FirstAsync(u => u.Id == request.UnitId, ct),
            Deadline.ReceivedOn(request.ReceivedUtc, zone), zone.Id,
            events, events.Where(e => e.Kind == RequestEventKind.Reply).ToList());
        return Page();
    }

    /// <summary>An event as the citizen reads it: never the agent's name, never an internal note.</summary>
    public static string Describe(RequestEvent e) => e.Kind switch
    {
        RequestEventKind.StatusChanged when e.ToStatus is { } to => $"état « {RequestLifecycle.Label(to)} »" + (string.IsNullOrEmpty(e.Text) ? "" : $" — {e.Text}"),
        RequestEventKind.Reply => "réponse de la mairie (ci-dessus)",
        _ => e.Text ?? "",
    };
}

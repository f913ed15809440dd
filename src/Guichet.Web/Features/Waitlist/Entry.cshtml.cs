using Guichet.Web.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Waitlist;

/// <summary>The citizen's own entry, behind its secret link: what was asked, and a button to leave the list.</summary>
[EnableRateLimiting("manage")]
public sealed class EntryModel(GuichetDb db, JoinWaitlist join) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? Id { get; set; }
    [BindProperty(SupportsGet = true)] public string? Token { get; set; }
    [BindProperty(SupportsGet = true, Name = "inscrit")] public string? JoinedText { get; set; }
    public bool Joined => JoinedText == "1";
    public bool Left { get; private set; }
    public WaitlistEntry? Entry { get; private set; }
    public string ReasonName { get; private set; } = "";
    public IReadOnlyList<string> SiteNames { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        await LoadAsync(await JoinWaitlist.FindByTokenAsync(db, Id, Token, ct), ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var entry = await JoinWaitlist.FindByTokenAsync(db, Id, Token, ct);
        if (entry is not null) Left = await join.LeaveAsync(entry, ct);
        await LoadAsync(entry, ct);
        return Page();
    }

    private async Task LoadAsync(WaitlistEntry? entry, CancellationToken ct)
    {
        Response.Headers.CacheControl = "no-store";
        Entry = entry;
        if (entry is null)
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        ReasonName = await db.Reasons.AsNoTracking().Where(r => r.Code == entry.ReasonCode).Select(r => r.Name).FirstOrDefaultAsync(ct) ?? entry.ReasonCode;
        var ids = entry.Sites.ToList();
        SiteNames = await db.Sites.AsNoTracking().Where(s => ids.Contains(s.Id)).OrderBy(s => s.Name).Select(s => s.Name).ToListAsync(ct);
    }

    public static string StatusText(WaitlistStatus s) => s switch
    {
        WaitlistStatus.Active => "inscrit : vous serez prévenu quand un créneau se libère",
        WaitlistStatus.Satisfied => "terminée : vous avez obtenu un créneau",
        WaitlistStatus.Cancelled => "terminée : vous avez quitté la liste d'attente",
        _ => "terminée : la date « pas après » est passée",
    };
}

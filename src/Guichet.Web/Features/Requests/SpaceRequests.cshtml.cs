using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace Guichet.Web.Features.Requests;

/// <summary>The personal space behind a secret link: every request sent with the address, newest first. An unknown or expired link is a 404.</summary>
[EnableRateLimiting("manage")]   // a GET with the secret link: counted like a manage look-up
public sealed class SpaceRequestsModel(CitizenSpace space) : PageModel
{
    public IReadOnlyList<CitizenSpace.Item>? Items { get; private set; }

    public async Task<IActionResult> OnGetAsync(string token, CancellationToken ct)
    {
        // The token is the only key: never cached, never sent on as a referrer.
        Response.Headers.CacheControl = "no-store";
        Response.Headers["Referrer-Policy"] = "no-referrer";
        Items = await space.OpenAsync(token, ct);
        if (Items is null) Response.StatusCode = StatusCodes.Status404NotFound;
        return Page();
    }
}

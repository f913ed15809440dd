using Guichet.Domain.Scheduling;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace Guichet.Web.Features.Requests;

/// <summary>The citizen asks for the link to their personal space; the answer is the same whether the address has requests or not.</summary>
[EnableRateLimiting(RequestsFeature.TrackingPolicy)]
public sealed class SpaceModel(CitizenSpace space) : PageModel
{
    [BindProperty] public string? Email { get; set; }
    public bool Sent { get; private set; }
    public List<FieldError> Errors { get; } = [];

    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!await space.SendLinkAsync(Email, ct))
        {
            Errors.Add(new("email", "Cette adresse électronique n'est pas valide (exemple : prenom.nom@exemple.fr)."));
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }
        Sent = true;
        return Page();
    }
}

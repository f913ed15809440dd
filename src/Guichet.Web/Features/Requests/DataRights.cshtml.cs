using Guichet.Domain.Scheduling;
using Guichet.Web.Data;
using Guichet.Web.Platform;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Requests;

/// <summary>
/// An administrator exports or erases one citizen's data (the requests sent with one e-mail address to their own
/// organisation). Everything is posted: the address never travels in a URL, so never in a log.
/// </summary>
[Authorize(Policy = "administrator")]
public sealed class DataRightsModel(GuichetDb db, CurrentAgent current, CitizenDataRights rights) : PageModel
{
    [BindProperty] public string? Email { get; set; }
    [BindProperty] public string? Format { get; set; }
    [BindProperty] public string? Reason { get; set; }
    [BindProperty] public bool Confirm { get; set; }

    public string OrganisationName { get; private set; } = "";
    public IReadOnlyList<CitizenRequest>? Found { get; private set; }
    public List<FieldError> Errors { get; } = [];
    [TempData] public string? Message { get; set; }

    public bool Invalid(string name) => Errors.Any(e => e.Field == name);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var admin = await current.GetAsync(ct);
        if (admin is null) return Challenge();
        await LoadAsync(admin, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostFindAsync(CancellationToken ct)
    {
        var admin = await current.GetAsync(ct);
        if (admin is null) return Challenge();
        await LoadAsync(admin, ct);
        if (CitizenDataRights.NormaliseEmail(Email) is not { } email) return Invalid("email", "Cette adresse électronique n'est pas valide.");
        Found = await rights.FindAsync(admin.OrganisationId, email, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostExportAsync(CancellationToken ct)
    {
        var admin = await current.GetAsync(ct);
        if (admin is null) return Challenge();
        await LoadAsync(admin, ct);
        if (CitizenDataRights.NormaliseEmail(Email) is not { } email) return Invalid("email", "Cette adresse électronique n'est pas valide.");
        var export = await rights.ExportAsync(admin, email, Format == "csv" ? "csv" : "json", ct);
        Response.Headers.CacheControl = "no-store";
        return File(export.Content, export.ContentType, export.FileName);
    }

    public async Task<IActionResult> OnPostEraseAsync(CancellationToken ct)
    {
        var admin = await current.GetAsync(ct);
        if (admin is null) return Challenge();
        await LoadAsync(admin, ct);
        if (CitizenDataRights.NormaliseEmail(Email) is not { } email) return Invalid("email", "Cette adresse électronique n'est pas valide.");
        if (!Confirm)
        {
            Found = await rights.FindAsync(admin.OrganisationId, email, ct);
            return Invalid("confirm", "Cochez la case de confirmation : l'effacement est définitif.");
        }
        switch (await rights.EraseAsync(admin, email, Reason, ct))
        {
            case EraseResult.Erased erased:
                Message = erased.Count switch
                {
                    0 => "Aucune demande à effacer.",
                    1 => "Les données de la demande sont effacées ; l'effacement est enregistré.",
                    _ => $"Les données des {erased.Count} demandes sont effacées ; l'effacement est enregistré.",
                };
                return Redirect("/admin/demandes/donnees");
            case EraseResult.Refused refused:
                Errors.AddRange(refused.Errors);
                break;
        }
        Found = await rights.FindAsync(admin.OrganisationId, email, ct);
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return Page();
    }

    private IActionResult Invalid(string field, string message)
    {
        Errors.Add(new(field, message));
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return Page();
    }

    private async Task LoadAsync(Agent admin, CancellationToken ct) =>
        OrganisationName = await db.Organisations.Where(o => o.Id == admin.OrganisationId).Select(o => o.Name).FirstAsync(ct);
}

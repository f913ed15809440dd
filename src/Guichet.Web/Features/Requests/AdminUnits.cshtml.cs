using Guichet.Domain.Scheduling;
using Guichet.Web.Data;
using Guichet.Web.Platform;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Requests;

/// <summary>The administrator's units: list, and one form to add or edit (?service=ID). Own organisation only.</summary>
[Authorize(Policy = "administrator")]
public sealed class AdminUnitsModel(GuichetDb db, CurrentAgent current, ConfigureRequests configure) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? Service { get; set; }
    [BindProperty] public string? Name { get; set; }
    [BindProperty] public string? Address { get; set; }
    [BindProperty] public string? PostalCode { get; set; }
    [BindProperty] public string? City { get; set; }
    [BindProperty] public string? Phone { get; set; }
    [BindProperty] public string? Email { get; set; }
    [BindProperty] public bool Active { get; set; } = true;

    public string OrganisationName { get; private set; } = "";
    public IReadOnlyList<Unit> Units { get; private set; } = [];
    public List<FieldError> Errors { get; } = [];
    [TempData] public string? Message { get; set; }

    public bool Invalid(string name) => Errors.Any(e => e.Field == name);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var admin = await current.GetAsync(ct);
        if (admin is null) return Challenge();
        await LoadAsync(admin, ct);
        if (Service is not null)
        {
            var unit = Units.FirstOrDefault(u => u.Id == Service);
            if (unit is null) return NotFound();
            (Name, Address, PostalCode, City, Phone, Email, Active) = (unit.Name, unit.Address, unit.PostalCode, unit.City, unit.Phone, unit.Email, unit.Active);
        }
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var admin = await current.GetAsync(ct);
        if (admin is null) return Challenge();
        switch (await configure.SaveUnitAsync(admin, Service, new UnitInput(Name, Address, PostalCode, City, Phone, Email, Active), ct))
        {
            case ConfigureResult.NotFound: return NotFound();
            case ConfigureResult.Saved saved:
                Message = "Le service est enregistré.";
                return Redirect($"/admin/demandes/services?service={Uri.EscapeDataString(saved.Id)}");
            case ConfigureResult.Refused refused:
                Errors.AddRange(refused.Errors);
                break;
        }
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        await LoadAsync(admin, ct);
        return Page();
    }

    private async Task LoadAsync(Agent admin, CancellationToken ct)
    {
        OrganisationName = await db.Organisations.Where(o => o.Id == admin.OrganisationId).Select(o => o.Name).FirstAsync(ct);
        Units = await db.Set<Unit>().AsNoTracking().Where(u => u.OrganisationId == admin.OrganisationId).OrderBy(u => u.Name).ToListAsync(ct);
    }
}

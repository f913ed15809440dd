using Guichet.Domain.Scheduling;
using Guichet.Web.Data;
using Guichet.Web.Platform;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Requests;

/// <summary>The doors into requests of the administrator's organisation: inbound address and a category per channel.</summary>
[Authorize(Policy = "administrator")]
public sealed class AdminIntakeModel(GuichetDb db, CurrentAgent current, ConfigureIntake configure) : PageModel
{
    [BindProperty] public string? InboundEmail { get; set; }
    [BindProperty] public string? EmailCategoryId { get; set; }
    [BindProperty] public string? SmsCategoryId { get; set; }
    [BindProperty] public string? VoiceCategoryId { get; set; }

    public string OrganisationName { get; private set; } = "";
    public IReadOnlyList<(string Id, string Name)> Categories { get; private set; } = [];
    public List<FieldError> Errors { get; } = [];
    [TempData] public string? Message { get; set; }

    public bool Invalid(string name) => Errors.Any(e => e.Field == name);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var admin = await current.GetAsync(ct);
        if (admin is null) return Challenge();
        await LoadAsync(admin, ct);
        if (await configure.FindAsync(admin, ct) is { } s)
            (InboundEmail, EmailCategoryId, SmsCategoryId, VoiceCategoryId) = (s.InboundEmail, s.EmailCategoryId, s.SmsCategoryId, s.VoiceCategoryId);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var admin = await current.GetAsync(ct);
        if (admin is null) return Challenge();
        switch (await configure.SaveAsync(admin, new IntakeInput(InboundEmail, EmailCategoryId, SmsCategoryId, VoiceCategoryId), ct))
        {
            case ConfigureResult.Saved:
                Message = "Les canaux de réception sont enregistrés.";
                return Redirect("/admin/demandes/canaux");
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
        Categories = (await db.Set<Category>().AsNoTracking().Where(c => c.OrganisationId == admin.OrganisationId && c.Active)
            .OrderBy(c => c.SortOrder).ThenBy(c => c.Name).Select(c => new { c.Id, c.Name }).ToListAsync(ct)).Select(c => (c.Id, c.Name)).ToList();
    }
}

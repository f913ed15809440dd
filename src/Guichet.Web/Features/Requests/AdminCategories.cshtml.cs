using Guichet.Domain.Requests;
using Guichet.Domain.Scheduling;
using Guichet.Web.Data;
using Guichet.Web.Platform;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Requests;

/// <summary>The administrator's request categories: list, and one form to add or edit (?categorie=ID). Own organisation only.</summary>
[Authorize(Policy = "administrator")]
public sealed class AdminCategoriesModel(GuichetDb db, CurrentAgent current, ConfigureRequests configure) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? Categorie { get; set; }
    [BindProperty] public string? Name { get; set; }
    [BindProperty] public string? Description { get; set; }
    [BindProperty] public string? UnitId { get; set; }
    [BindProperty] public string? Priority { get; set; } = nameof(RequestPriority.Normal);
    [BindProperty] public string? WebDays { get; set; } = Deadline.DefaultDays.ToString();
    [BindProperty] public string? EmailDays { get; set; } = Deadline.DefaultDays.ToString();
    [BindProperty] public string? PostDays { get; set; } = Deadline.DefaultPostDays.ToString();
    [BindProperty] public string? OtherDays { get; set; } = Deadline.DefaultDays.ToString();
    [BindProperty] public string? Fields { get; set; }
    [BindProperty] public string? SortOrder { get; set; } = "10";
    [BindProperty] public bool Active { get; set; } = true;
    [BindProperty] public string? SilenceRule { get; set; } = nameof(Domain.Requests.SilenceRule.None);
    [BindProperty] public string? SilenceMonths { get; set; } = ImplicitDecision.DefaultMonths.ToString();
    [BindProperty] public string? RetentionMonths { get; set; } = Retention.DefaultMonths.ToString();
    [BindProperty] public string? Sectors { get; set; } = "";

    public string OrganisationName { get; private set; } = "";
    public IReadOnlyList<Category> Categories { get; private set; } = [];
    public IReadOnlyList<Unit> Units { get; private set; } = [];
    public List<FieldError> Errors { get; } = [];
    [TempData] public string? Message { get; set; }

    public bool Invalid(string name) => Errors.Any(e => e.Field == name);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var admin = await current.GetAsync(ct);
        if (admin is null) return Challenge();
        await LoadAsync(admin, ct);
        if (Categorie is not null)
        {
            var c = Categories.FirstOrDefault(x => x.Id == Categorie);
            if (c is null) return NotFound();
            (Name, Description, UnitId, Priority, Active) = (c.Name, c.Description, c.UnitId, c.Priority.ToString(), c.Active);
            (WebDays, EmailDays, PostDays, OtherDays, SortOrder) = ($"{c.WebDays}", $"{c.EmailDays}", $"{c.PostDays}", $"{c.OtherDays}", $"{c.SortOrder}");
            Fields = RequestForm.Format(c.Fields);
            (SilenceRule, SilenceMonths, RetentionMonths) = (c.SilenceRule.ToString(), $"{c.SilenceMonths}", $"{c.RetentionMonths}");
            var names = Units.ToDictionary(u => u.Id, u => u.Name);
            Sectors = string.Join('\n', c.SectorRoutes.Select(r => $"{r.Sector} : {names.GetValueOrDefault(r.UnitId, r.UnitId)}"));
        }
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var admin = await current.GetAsync(ct);
        if (admin is null) return Challenge();
        var input = new CategoryInput(Name, Description, UnitId, Priority, WebDays, EmailDays, PostDays, OtherDays, Fields, SortOrder, Active,
            SilenceRule, SilenceMonths, RetentionMonths, Sectors ?? "");
        switch (await configure.SaveCategoryAsync(admin, Categorie, input, ct))
        {
            case ConfigureResult.NotFound: return NotFound();
            case ConfigureResult.Saved saved:
                Message = "La catégorie est enregistrée.";
                return Redirect($"/admin/demandes/categories?categorie={Uri.EscapeDataString(saved.Id)}");
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
        Categories = await db.Set<Category>().AsNoTracking().Where(c => c.OrganisationId == admin.OrganisationId).OrderBy(c => c.SortOrder).ThenBy(c => c.Name).ToListAsync(ct);
        Units = await db.Set<Unit>().AsNoTracking().Where(u => u.OrganisationId == admin.OrganisationId).OrderBy(u => u.Name).ToListAsync(ct);
    }
}

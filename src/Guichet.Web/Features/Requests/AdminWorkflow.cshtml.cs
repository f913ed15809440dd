using Guichet.Domain.Scheduling;
using Guichet.Web.Data;
using Guichet.Web.Platform;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Requests;

/// <summary>
/// The administrator's handling settings: which categories' replies go through the approval circuit, how many
/// working days before the due date the alert leaves, and the canned answers. Own organisation only.
/// </summary>
[Authorize(Policy = "administrator")]
public sealed class AdminWorkflowModel(GuichetDb db, CurrentAgent current, TimeProvider clock) : PageModel
{
    public string OrganisationName { get; private set; } = "";
    public IReadOnlyList<Category> Categories { get; private set; } = [];
    public IReadOnlySet<string> Approved { get; private set; } = new HashSet<string>();
    public IReadOnlyList<CannedAnswer> Answers { get; private set; } = [];
    [BindProperty] public int AlertDaysBefore { get; set; } = WorkflowSettings.DefaultAlertDaysBefore;
    [BindProperty] public string? Title { get; set; }
    [BindProperty] public string? Text { get; set; }
    [BindProperty] public string? CategoryId { get; set; }
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

    /// <summary>Saves the circuit (one checkbox per category, "approval" values) and the alert delay together.</summary>
    public async Task<IActionResult> OnPostSettingsAsync(string[]? approval, CancellationToken ct)
    {
        var admin = await current.GetAsync(ct);
        if (admin is null) return Challenge();
        if (!ModelState.IsValid || AlertDaysBefore is < 0 or > WorkflowSettings.MaxAlertDaysBefore)
            return await RefuseAsync(admin, "alertDaysBefore", $"Le délai d'alerte va de 0 à {WorkflowSettings.MaxAlertDaysBefore} jours ouvrés.", ct);
        var chosen = (approval ?? []).ToHashSet(StringComparer.Ordinal);
        var categories = await db.Set<Category>().Where(c => c.OrganisationId == admin.OrganisationId).Select(c => c.Id).ToListAsync(ct);
        var rows = await db.Set<CategoryWorkflow>().Where(w => w.OrganisationId == admin.OrganisationId).ToListAsync(ct);
        foreach (var id in categories)
        {
            var row = rows.FirstOrDefault(w => w.CategoryId == id);
            if (row is null) db.Add(row = new CategoryWorkflow { CategoryId = id, OrganisationId = admin.OrganisationId });
            row.ApprovalRequired = chosen.Contains(id);
        }
        var settings = await db.Set<WorkflowSettings>().FirstOrDefaultAsync(s => s.OrganisationId == admin.OrganisationId, ct);
        if (settings is null) db.Add(settings = new WorkflowSettings { OrganisationId = admin.OrganisationId });
        settings.AlertDaysBefore = AlertDaysBefore;
        await db.SaveChangesAsync(ct);
        Message = "Les réglages du traitement sont enregistrés.";
        return Redirect("/admin/demandes/traitement");
    }

    public async Task<IActionResult> OnPostAddAnswerAsync(CancellationToken ct)
    {
        var admin = await current.GetAsync(ct);
        if (admin is null) return Challenge();
        var title = Title?.Trim();
        var text = Text?.Trim().Replace("\0", "");
        if (string.IsNullOrEmpty(title)) return await RefuseAsync(admin, "title", "Donnez un titre à la réponse type.", ct);
        if (title.Length > CannedAnswer.MaxTitleLength) return await RefuseAsync(admin, "title", $"Le titre dépasse {CannedAnswer.MaxTitleLength} caractères.", ct);
        if (string.IsNullOrEmpty(text)) return await RefuseAsync(admin, "text", "Écrivez le texte de la réponse type.", ct);
        if (text.Length > HandleRequest.MaxTextLength) return await RefuseAsync(admin, "text", $"Le texte dépasse {HandleRequest.MaxTextLength} caractères.", ct);
        string? category = string.IsNullOrEmpty(CategoryId) ? null : CategoryId;
        if (category is not null && !await db.Set<Category>().AnyAsync(c => c.Id == category && c.OrganisationId == admin.OrganisationId, ct))
            return await RefuseAsync(admin, "categoryId", "Choisissez une catégorie de la liste.", ct);
        db.Add(new CannedAnswer
        {
            Id = Secrets.NewId(), OrganisationId = admin.OrganisationId, CategoryId = category, Title = title, Text = text,
            CreatedUtc = clock.GetUtcNow().UtcDateTime,
        });
        await db.SaveChangesAsync(ct);
        Message = $"La réponse type « {title} » est ajoutée.";
        return Redirect("/admin/demandes/traitement#reponses-types");
    }

    public async Task<IActionResult> OnPostDeleteAnswerAsync(string? answerId, CancellationToken ct)
    {
        var admin = await current.GetAsync(ct);
        if (admin is null) return Challenge();
        var deleted = await db.Set<CannedAnswer>().Where(c => c.Id == answerId && c.OrganisationId == admin.OrganisationId).ExecuteDeleteAsync(ct);
        if (deleted == 0) return NotFound();
        Message = "La réponse type est supprimée.";
        return Redirect("/admin/demandes/traitement#reponses-types");
    }

    private async Task<IActionResult> RefuseAsync(Agent admin, string field, string message, CancellationToken ct)
    {
        Errors.Add(new(field, message));
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        var typed = AlertDaysBefore;
        await LoadAsync(admin, ct);
        AlertDaysBefore = typed;
        return Page();
    }

    private async Task LoadAsync(Agent admin, CancellationToken ct)
    {
        OrganisationName = await db.Organisations.Where(o => o.Id == admin.OrganisationId).Select(o => o.Name).FirstAsync(ct);
        Categories = await db.Set<Category>().AsNoTracking().Where(c => c.OrganisationId == admin.OrganisationId).OrderBy(c => c.SortOrder).ThenBy(c => c.Name).ToListAsync(ct);
        Approved = (await db.Set<CategoryWorkflow>().AsNoTracking().Where(w => w.OrganisationId == admin.OrganisationId && w.ApprovalRequired).Select(w => w.CategoryId).ToListAsync(ct)).ToHashSet();
        AlertDaysBefore = await db.Set<WorkflowSettings>().Where(s => s.OrganisationId == admin.OrganisationId).Select(s => (int?)s.AlertDaysBefore).FirstOrDefaultAsync(ct)
            ?? WorkflowSettings.DefaultAlertDaysBefore;
        Answers = await db.Set<CannedAnswer>().AsNoTracking().Where(c => c.OrganisationId == admin.OrganisationId).OrderBy(c => c.Title).ToListAsync(ct);
    }
}

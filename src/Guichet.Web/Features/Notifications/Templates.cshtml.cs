using Guichet.Web.Data;
using Guichet.Web.Platform;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Notifications;

/// <summary>The administrator's list of the messages their organisation sends, and which ones it has rewritten.</summary>
[Authorize(Policy = "administrator")]
public sealed class TemplatesModel(GuichetDb db, CurrentAgent current) : PageModel
{
    public sealed record Row(TemplateSpec Spec, DateTime? UpdatedUtc);

    public string OrganisationName { get; private set; } = "";
    public List<Row> Rows { get; } = [];
    /// <summary>An organisation has no time zone of its own: its first site's.</summary>
    public string TimeZone { get; private set; } = "Europe/Paris";

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var admin = await current.GetAsync(ct);
        if (admin is null) return Challenge();
        OrganisationName = await db.Organisations.Where(o => o.Id == admin.OrganisationId).Select(o => o.Name).FirstAsync(ct);
        TimeZone = await db.Sites.Where(s => s.OrganisationId == admin.OrganisationId).OrderBy(s => s.Name).Select(s => s.TimeZone).FirstOrDefaultAsync(ct) ?? TimeZone;
        var stored = await db.Set<OrganisationTemplate>().AsNoTracking().Where(t => t.OrganisationId == admin.OrganisationId)
            .Select(t => new { t.Kind, t.Channel, t.UpdatedUtc }).ToListAsync(ct);
        foreach (var spec in TemplateCatalog.All)
            Rows.Add(new(spec, stored.FirstOrDefault(t => t.Kind == spec.Kind && t.Channel == spec.Channel)?.UpdatedUtc));
        return Page();
    }
}

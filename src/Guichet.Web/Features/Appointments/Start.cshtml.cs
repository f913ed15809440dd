using Guichet.Web.Data;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Appointments;

public sealed class StartModel(GuichetDb db) : PageModel
{
    public IReadOnlyList<(string Code, string Name)> Reasons { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => Reasons = await ReasonChoicesAsync(db, ct);

    /// <summary>The reasons offered somewhere on the platform, in their usual order.</summary>
    public static async Task<IReadOnlyList<(string Code, string Name)>> ReasonChoicesAsync(GuichetDb db, CancellationToken ct)
    {
        var all = await db.Reasons.AsNoTracking().OrderBy(r => r.SortOrder).Select(r => new { r.Code, r.Name }).ToListAsync(ct);
        return all.DistinctBy(r => r.Code).Select(r => (r.Code, r.Name)).ToList();
    }
}

using Guichet.Web.Data;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Requests;

/// <summary>The categories citizens can send a request in, by organisation.</summary>
public sealed class RequestsIndexModel(GuichetDb db) : PageModel
{
    public sealed record Group(string Organisation, IReadOnlyList<Category> Categories);

    public IReadOnlyList<Group> Groups { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        var categories = await db.Set<Category>().AsNoTracking().Where(c => c.Active).ToListAsync(ct);
        var names = await db.Organisations.AsNoTracking().ToDictionaryAsync(o => o.Id, o => o.Name, ct);
        Groups = categories.GroupBy(c => c.OrganisationId)
            .Select(g => new Group(names.GetValueOrDefault(g.Key, g.Key), g.OrderBy(c => c.SortOrder).ThenBy(c => c.Name).ToList()))
            .OrderBy(g => g.Organisation, StringComparer.Create(System.Globalization.CultureInfo.GetCultureInfo("fr-FR"), false))
            .ToList();
    }
}

using System.Globalization;
using Guichet.Web.Platform;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Requests;

/// <summary>The map of the organisation's requests, with the inbox's filters: a server-drawn SVG and the list. Works without tiles and without JavaScript.</summary>
[Authorize(Policy = "agenda")]
public sealed class RequestMapModel(Data.GuichetDb db, CurrentAgent current, RequestMap map) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? Statut { get; set; }
    [BindProperty(SupportsGet = true)] public string? Categorie { get; set; }
    [BindProperty(SupportsGet = true)] public string? Service { get; set; }
    [BindProperty(SupportsGet = true)] public string? Du { get; set; }
    [BindProperty(SupportsGet = true)] public string? Au { get; set; }

    public string OrganisationName { get; private set; } = "";
    public RequestMap.Result? Result { get; private set; }
    public MapFilter Filter { get; private set; } = new(null, null, null, null, null);
    public string? DateError { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var agent = await current.GetAsync(ct);
        if (agent is null) return Challenge();
        OrganisationName = await db.Organisations.Where(o => o.Id == agent.OrganisationId).Select(o => o.Name).FirstAsync(ct);
        var (filter, error) = Parse(Statut, Categorie, Service, Du, Au);
        (Filter, DateError) = (filter, error);
        Result = await map.LoadAsync(agent, filter, ct);
        return Page();
    }

    /// <summary>Reads the query string; a date that is not one is dropped with a message, never a 500.</summary>
    public static (MapFilter Filter, string? Error) Parse(string? statut, string? categorie, string? service, string? du, string? au)
    {
        static DateOnly? Date(string? v, ref bool bad)
        {
            if (string.IsNullOrWhiteSpace(v)) return null;
            if (DateOnly.TryParseExact(v, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) return d;
            bad = true;
            return null;
        }
        var bad = false;
        var filter = new MapFilter(statut, categorie, service, Date(du, ref bad), Date(au, ref bad));
        return (filter, bad ? "Une date de la période n'est pas valide (format attendu : 2026-11-30) : elle est ignorée." : null);
    }
}

using Guichet.Domain.Calendar;
using Guichet.Domain.Scheduling;
using Guichet.Web.Data;
using Guichet.Web.Platform;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Closures;

/// <summary>The administrator's closures: the coming ones, a form to add one, and an .ics import. Own organisation only.</summary>
[Authorize(Policy = "administrator")]
[RequestFormLimits(MultipartBodyLengthLimit = RecordClosures.MaxImportBytes + 64 * 1024)]
public sealed class ClosuresModel(GuichetDb db, CurrentAgent current, RecordClosures record, TimeProvider clock) : PageModel
{
    public sealed record Row(Closure Closure, Site Site, string? StationName, string? AgentName, int Affected);
    public sealed record Place(Site Site, IReadOnlyList<Station> Stations);

    [BindProperty] public string? SiteId { get; set; }
    [BindProperty] public string? StationId { get; set; }
    [BindProperty] public string? Kind { get; set; }
    [BindProperty] public string? StartDate { get; set; }
    [BindProperty] public string? StartTime { get; set; }
    [BindProperty] public string? EndDate { get; set; }
    [BindProperty] public string? EndTime { get; set; }
    [BindProperty] public string? Reason { get; set; }
    [BindProperty] public string? AgentId { get; set; }

    public string OrganisationName { get; private set; } = "";
    public IReadOnlyList<Row> Rows { get; private set; } = [];
    public IReadOnlyList<Place> Places { get; private set; } = [];
    public IReadOnlyList<Agent> Agents { get; private set; } = [];
    public IReadOnlyList<(Site Site, IReadOnlyList<Holiday> Days)> Holidays { get; private set; } = [];
    public List<FieldError> Errors { get; } = [];
    public List<FieldError> ImportErrors { get; } = [];
    public ImportResult.Imported? Imported { get; private set; }
    [TempData] public string? Message { get; set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var admin = await current.GetAsync(ct);
        if (admin is null) return Challenge();
        await LoadAsync(admin, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var admin = await current.GetAsync(ct);
        if (admin is null) return Challenge();
        var result = await record.AddAsync(new ClosureInput(SiteId, StationId, Kind, StartDate, StartTime, EndDate, EndTime, Reason, AgentId), admin, ct);
        switch (result)
        {
            case ClosureResult.Saved saved:
                Message = saved.Affected.Count == 0
                    ? "La fermeture est enregistrée. Aucun rendez-vous réservé n'est touché."
                    : $"La fermeture est enregistrée. {Count(saved.Affected.Count)} réservés pendant cette fermeture : déplacez-les ou annulez-les ci-dessous.";
                return Redirect($"/admin/fermetures/{saved.Closure.Id}");
            case ClosureResult.Refused refused:
                Errors.AddRange(refused.Errors);
                break;
        }
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        await LoadAsync(admin, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostImportAsync(string? importSiteId, string? importStationId, IFormFile? file, CancellationToken ct)
    {
        var admin = await current.GetAsync(ct);
        if (admin is null) return Challenge();
        var text = await ReadFileAsync(file, ct);
        if (text is null)
        {
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        }
        else
        {
            switch (await record.ImportAsync(importSiteId, importStationId, text, admin, ct))
            {
                case ImportResult.Imported imported:
                    Imported = imported;
                    break;
                case ImportResult.Refused refused:
                    ImportErrors.Add(refused.Error);
                    Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
                    break;
            }
        }
        await LoadAsync(admin, ct);
        return Page();
    }

    private async Task<string?> ReadFileAsync(IFormFile? file, CancellationToken ct)
    {
        if (file is null || file.Length == 0)
        {
            ImportErrors.Add(new("file", "Choisissez un fichier .ics exporté de votre agenda."));
            return null;
        }
        if (file.Length > RecordClosures.MaxImportBytes)
        {
            ImportErrors.Add(new("file", "Ce fichier dépasse 1 Mo : exportez seulement les fermetures à venir."));
            return null;
        }
        // Strict UTF-8 (what RFC 5545 requires), without guessing from byte-order marks: anything else is refused.
        using var reader = new StreamReader(file.OpenReadStream(), new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: false);
        try
        {
            var text = await reader.ReadToEndAsync(ct);
            if (text.Contains('\0')) throw new System.Text.DecoderFallbackException();
            return text.TrimStart('\uFEFF');
        }
        catch (System.Text.DecoderFallbackException)
        {
            ImportErrors.Add(new("file", "Ce fichier n'est pas un calendrier .ics lisible (texte UTF-8 attendu)."));
            return null;
        }
    }

    private async Task LoadAsync(Agent admin, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        OrganisationName = await db.Organisations.Where(o => o.Id == admin.OrganisationId).Select(o => o.Name).FirstAsync(ct);
        var sites = await db.Sites.AsNoTracking().Where(s => s.OrganisationId == admin.OrganisationId).OrderBy(s => s.Name).ToListAsync(ct);
        var siteIds = sites.Select(s => s.Id).ToList();
        var stations = await db.Stations.AsNoTracking().Where(s => siteIds.Contains(s.SiteId)).OrderBy(s => s.Name).ToListAsync(ct);
        Places = sites.Select(s => new Place(s, stations.Where(st => st.SiteId == s.Id).ToList())).ToList();
        Agents = await db.Agents.AsNoTracking().Where(a => a.OrganisationId == admin.OrganisationId && a.Active).OrderBy(a => a.DisplayName).ToListAsync(ct);

        var closures = await db.Set<Closure>().AsNoTracking()
            .Where(c => c.OrganisationId == admin.OrganisationId && c.EndUtc > now)
            .OrderBy(c => c.StartUtc).Take(500).ToListAsync(ct);
        var rows = new List<Row>();
        foreach (var c in closures)
        {
            var affected = (await record.AffectedAsync(c, ct)).Count;
            rows.Add(new Row(c, sites.First(s => s.Id == c.SiteId), stations.FirstOrDefault(s => s.Id == c.StationId)?.Name,
                Agents.FirstOrDefault(a => a.Id == c.AgentId)?.DisplayName, affected));
        }
        Rows = rows;

        // What needs no closure: the public holidays of each site's territory over the coming year.
        Holidays = sites.Select(s =>
        {
            var today = DateOnly.FromDateTime(FrenchDates.ToLocal(now, s.TimeZone));
            var calendar = HolidayCalendar.For(s.Territory);
            var days = new[] { today.Year, today.Year + 1 }.SelectMany(calendar.HolidaysIn)
                .Where(h => h.Date >= today && h.Date < today.AddYears(1)).OrderBy(h => h.Date).ToList();
            return (s, (IReadOnlyList<Holiday>)days);
        }).ToList();
    }

    public static string Count(int n) => n == 1 ? "1 rendez-vous est" : $"{n} rendez-vous sont";
}

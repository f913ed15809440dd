using System.Globalization;
using Guichet.Domain.Scheduling;
using Guichet.Web.Data;
using Guichet.Web.Platform;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Appointments;

public sealed class SlotsModel(GuichetDb db, FindSlots finder, Nearby.FindPlace places, TimeProvider clock) : PageModel
{
    // Five days of choice, a dozen times per town hall and day: enough to choose, light enough to read.
    private const int ShownDays = 5;
    public const int TimesPerSiteAndDay = 12;
    private const int SearchLimit = 800;
    private const int SearchDays = 90;

    [BindProperty(SupportsGet = true)] public string? Reason { get; set; }
    [BindProperty(SupportsGet = true)] public string? Persons { get; set; }
    [BindProperty(SupportsGet = true, Name = "pre")] public string? PreText { get; set; }
    [BindProperty(SupportsGet = true)] public string? Site { get; set; }
    [BindProperty(SupportsGet = true, Name = "from")] public string? FromText { get; set; }
    /// <summary>"Votre commune ou code postal": slots by day, then nearest town hall first.</summary>
    [BindProperty(SupportsGet = true)] public string? Near { get; set; }
    [BindProperty(SupportsGet = true, Name = "radius")] public string? RadiusText { get; set; }

    /// <summary>The radius choices, in kilometres; empty is any distance.</summary>
    public static readonly int[] Radii = [10, 20, 30, 50, 100];
    public int? Radius { get; private set; }
    public Nearby.Place? Place { get; private set; }

    public bool Pre => PreText == "1";
    /// <summary>The filters stay on the page when only they were wrong (an unknown postcode), so the citizen can fix them.</summary>
    public bool ShowFilters => Errors.All(e => e.Field is "near" or "radius");
    public int PersonCount { get; private set; } = 1;
    public DateOnly From { get; private set; }
    public List<FieldError> Errors { get; } = [];
    public IReadOnlyList<Site> Sites { get; private set; } = [];
    public IReadOnlyList<IGrouping<DateOnly, SiteSlot>> Days { get; private set; } = [];
    public DateOnly? NextFrom { get; private set; }
    public string Summary { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        From = today;
        if (!string.IsNullOrEmpty(FromText))
        {
            if (!DateOnly.TryParseExact(FromText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsedFrom))
                Errors.Add(new("from", "La date de début n'est pas valide : choisissez une date dans le calendrier."));
            else if (parsedFrom > today.AddYears(1)) Errors.Add(new("from", "Les rendez-vous s'ouvrent au plus un an à l'avance."));
            else From = parsedFrom < today ? today : parsedFrom;
        }
        if (!int.TryParse(Persons ?? "1", NumberStyles.None, CultureInfo.InvariantCulture, out var persons) || persons is < 1 or > 6)
            Errors.Add(new("persons", "Le nombre de personnes va de 1 à 6."));
        else PersonCount = persons;
        var reasons = await StartModel.ReasonChoicesAsync(db, ct);
        var reason = reasons.FirstOrDefault(r => r.Code == Reason);
        if (reason.Code is null) Errors.Add(new("reason", "Choisissez un motif de rendez-vous."));
        Sites = await db.Sites.AsNoTracking().Where(s => s.Active).OrderBy(s => s.Name).ToListAsync(ct);
        if (!string.IsNullOrEmpty(Site) && Sites.All(s => s.Id != Site)) Errors.Add(new("site", "Cette mairie n'existe pas."));
        if (!string.IsNullOrEmpty(RadiusText))
        {
            if (int.TryParse(RadiusText, NumberStyles.None, CultureInfo.InvariantCulture, out var r) && Radii.Contains(r)) Radius = r;
            else Errors.Add(new("radius", "Choisissez une distance dans la liste."));
        }
        if (!string.IsNullOrWhiteSpace(Near))
        {
            switch (await places.RunAsync(Near, ct))
            {
                case Nearby.PlaceResult.Found found: Place = found.Place; break;
                case Nearby.PlaceResult.Refused refused: Errors.Add(refused.Error); break;
            }
        }
        else if (Radius is not null) Errors.Add(new("near", "Pour chercher dans un rayon, indiquez votre commune ou votre code postal."));
        if (Errors.Count > 0)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        Summary = $"{reason.Name}, {PersonCount} personne{(PersonCount > 1 ? "s" : "")}{(Pre ? ", avec pré-demande" : "")}"
            + (Place is null ? "." : $", près de {Place.Label}{(Radius is { } km ? $" (à {km} km au plus)" : "")}.");
        var to = From.AddDays(SearchDays);
        var result = await finder.RunAsync(new SlotQuery(
            string.IsNullOrEmpty(Site) ? [] : [Site], reason.Code!, PersonCount, Pre ? PersonCount : 0, From, to, SearchLimit,
            Place?.Point, Radius), ct);
        switch (result)
        {
            case SlotSearchResult.Refused r:
                Errors.Add(r.Error);
                Response.StatusCode = StatusCodes.Status400BadRequest;
                break;
            case SlotSearchResult.Found f:
                var days = f.Slots.GroupBy(LocalDay).ToList();
                // When the search hit its limit, the last day may be incomplete: never show half a day.
                if (f.Slots.Count >= SearchLimit && days.Count > 1) days.RemoveAt(days.Count - 1);
                Days = days.Take(ShownDays).ToList();
                if (days.Count > ShownDays || f.Slots.Count >= SearchLimit)
                    NextFrom = Days.Count > 0 ? Days[^1].Key.AddDays(1) : From.AddDays(1);
                break;
        }
        return Page();
    }

    private static DateOnly LocalDay(SiteSlot s) => DateOnly.FromDateTime(FrenchDates.ToLocal(s.StartUtc, s.Site.TimeZone));

    public string ContactUrl(SiteSlot slot) =>
        $"/rendez-vous/coordonnees?site={Uri.EscapeDataString(slot.Site.Id)}&reason={Uri.EscapeDataString(slot.Reason.Code)}"
        + $"&persons={PersonCount}&pre={(Pre ? 1 : 0)}&start={Uri.EscapeDataString(FrenchDates.ToOffset(slot.StartUtc, slot.Site.TimeZone).ToString("yyyy-MM-ddTHH:mm:sszzz"))}";

    public string WaitlistUrl =>
        $"/liste-attente/inscription?reason={Uri.EscapeDataString(Reason ?? "")}&persons={PersonCount}"
        + (string.IsNullOrEmpty(Site) ? "" : $"&site={Uri.EscapeDataString(Site)}") + NearQuery;

    /// <summary>With a single town hall chosen, every time of the day is listed.</summary>
    public bool AllTimes => !string.IsNullOrEmpty(Site);

    public string DayAtSiteUrl(DateOnly day, string siteId) =>
        $"/rendez-vous/creneaux?reason={Uri.EscapeDataString(Reason ?? "")}&persons={PersonCount}&pre={(Pre ? 1 : 0)}"
        + $"&site={Uri.EscapeDataString(siteId)}&from={day:yyyy-MM-dd}{NearQuery}";

    public string PageUrl(DateOnly from) =>
        $"/rendez-vous/creneaux?reason={Uri.EscapeDataString(Reason ?? "")}&persons={PersonCount}&pre={(Pre ? 1 : 0)}"
        + $"&site={Uri.EscapeDataString(Site ?? "")}&from={from:yyyy-MM-dd}{NearQuery}";

    private string NearQuery => Place is null ? "" : $"&near={Uri.EscapeDataString(Near!.Trim())}{(Radius is { } r ? $"&radius={r}" : "")}";

    /// <summary>"à 12 km" beside a town hall, when the citizen gave their commune.</summary>
    public static string Distance(SiteSlot slot) =>
        slot.DistanceKm is { } km ? $" — à {(km < 1 ? "moins d'1" : Math.Round(km).ToString(CultureInfo.InvariantCulture))} km" : "";
}

using System.Globalization;
using Guichet.Web.Data;
using Guichet.Web.Features.Appointments;
using Guichet.Web.Platform;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Agenda;

/// <summary>The day's agenda of one site, station by station, for the agents of the organisation that owns it.</summary>
public sealed class AgendaModel(GuichetDb db, CurrentAgent current, CancelAppointment cancel, RecordOutcome outcomes, TimeProvider clock) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "site")] public string? SiteId { get; set; }
    [BindProperty(SupportsGet = true, Name = "date")] public string? DateText { get; set; }

    public IReadOnlyList<Site> Sites { get; private set; } = [];
    public Site? Site { get; private set; }
    public DateOnly Day { get; private set; }
    public DateOnly Today { get; private set; }
    public IReadOnlyList<Station> Stations { get; private set; } = [];
    public Dictionary<string, List<Appointment>> ByStation { get; private set; } = [];
    /// <summary>Appointments of the day whose pre-request numbers an agent should look at (ANTS down, refused, elsewhere).</summary>
    public Dictionary<string, Ants.AntsCheckState> AntsFlags { get; private set; } = [];
    public int Count { get; private set; }
    public string? Message { get; private set; }
    /// <summary>Which outcome buttons a row offers depends on whether its appointment has started.</summary>
    public DateTime NowUtc { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var agent = await current.GetAsync(ct);
        if (agent is null) return Challenge();
        if (agent.Role == AgentRole.Partner) return LocalRedirect("/agent/reserver");
        return await LoadAsync(agent, ct);
    }

    public async Task<IActionResult> OnPostCancelAsync(string? id, CancellationToken ct)
    {
        var agent = await current.GetAsync(ct);
        if (agent is null) return Challenge();
        if (agent.Role == AgentRole.Partner) return Forbid();
        Message = await cancel.ByAgentAsync(id ?? "", agent, ct) switch
        {
            CancelResult.Cancelled => "Le rendez-vous est annulé ; le créneau est de nouveau libre.",
            CancelResult.TooLate t => t.Message,
            _ => "Ce rendez-vous n'existe pas.",
        };
        return await LoadAsync(agent, ct);
    }

    /// <summary>At the counter: came, no-show, excused, or a wrong mark taken back (Features/Agenda/RecordOutcome.cs).</summary>
    public async Task<IActionResult> OnPostMarkAsync(string? id, string? outcome, CancellationToken ct)
    {
        var agent = await current.GetAsync(ct);
        if (agent is null) return Challenge();
        if (agent.Role == AgentRole.Partner) return Forbid();
        if (AppointmentStates.FromFormValue(outcome) is not { } to)
        {
            Message = "Choisissez l'arrivée, l'absence ou l'absence excusée.";
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return await LoadAsync(agent, ct);
        }
        var result = await outcomes.RunAsync(id ?? "", to, agent, ct);
        Message = result switch
        {
            OutcomeResult.Recorded r => $"{r.Appointment.LastName.ToUpperInvariant()} {r.Appointment.FirstName} : « {r.Appointment.Label()} » est noté.",
            OutcomeResult.Refused r => r.Message,
            _ => "Ce rendez-vous n'existe pas.",
        };
        if (result is OutcomeResult.NotFound) return NotFound();
        if (result is OutcomeResult.Refused) Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return await LoadAsync(agent, ct);
    }

    private async Task<IActionResult> LoadAsync(Agent agent, CancellationToken ct)
    {
        NowUtc = clock.GetUtcNow().UtcDateTime;
        Sites = await db.Sites.AsNoTracking().Where(s => s.OrganisationId == agent.OrganisationId && s.Active).OrderBy(s => s.Name).ToListAsync(ct);
        if (SiteId is not null)
        {
            // Another organisation's site answers exactly like a site that does not exist.
            Site = Sites.FirstOrDefault(s => s.Id == SiteId);
            if (Site is null) return NotFound();
        }
        Site ??= Sites.FirstOrDefault();
        var zone = TimeZoneInfo.FindSystemTimeZoneById(Site?.TimeZone ?? "Europe/Paris");
        Today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(clock.GetUtcNow().UtcDateTime, zone));
        Day = Today;
        if (!string.IsNullOrEmpty(DateText))
        {
            // Ten years away is a typo, and the ends of the calendar have no day before or after to link to.
            if (DateOnly.TryParseExact(DateText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
                && Math.Abs(d.DayNumber - Today.DayNumber) <= 3653) Day = d;
            else Message ??= "Cette date n'est pas valide : voici l'agenda d'aujourd'hui.";
        }
        if (Site is null)
        {
            Message = "Votre collectivité n'a pas encore de lieu d'accueil.";
            return Page();
        }
        var fromUtc = TimeZoneInfo.ConvertTimeToUtc(Day.ToDateTime(TimeOnly.MinValue), zone);
        var toUtc = TimeZoneInfo.ConvertTimeToUtc(Day.AddDays(1).ToDateTime(TimeOnly.MinValue), zone);
        Stations = await db.Stations.AsNoTracking().Where(s => s.SiteId == Site.Id).OrderBy(s => s.Name).ToListAsync(ct);
        var appointments = await db.Appointments.AsNoTracking()
            .Where(a => a.OrganisationId == agent.OrganisationId && a.SiteId == Site.Id && a.StartUtc >= fromUtc && a.StartUtc < toUtc)
            .OrderBy(a => a.StartUtc)
            .ToListAsync(ct);
        ByStation = appointments.GroupBy(a => a.StationId).ToDictionary(g => g.Key, g => g.ToList());
        var ids = appointments.Select(a => a.Id).ToList();
        AntsFlags = await db.Set<Ants.AntsCheck>().AsNoTracking()
            .Where(c => ids.Contains(c.AppointmentId) && c.State != Ants.AntsCheckState.Verified)
            .ToDictionaryAsync(c => c.AppointmentId, c => c.State, ct);
        Count = appointments.Count(a => a.Status != AppointmentStatus.Cancelled);   // came, absent or excused still count
        return Page();
    }

    public static string ChannelName(Channel channel) => channel switch
    {
        Channel.Web => "Internet",
        Channel.Phone => "Téléphone",
        Channel.Counter => "Guichet",
        Channel.Partner => "Mairie associée",
        Channel.Voice => "Serveur vocal",
        _ => channel.ToString(),
    };
}

using System.Globalization;
using Guichet.Domain.Scheduling;
using Guichet.Web.Data;
using Guichet.Web.Features.Appointments;
using Guichet.Web.Platform;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Agenda;

/// <summary>
/// Booking on behalf of a caller or a walk-in, or — for a partner town hall — for one of its residents
/// at a host's site. The channel is recorded.
/// </summary>
public sealed class AgentBookModel(GuichetDb db, CurrentAgent current, FindSlots finder, BookAppointment book, TimeProvider clock) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "site")] public string? SiteId { get; set; }
    [BindProperty(SupportsGet = true)] public string? Reason { get; set; }
    [BindProperty(SupportsGet = true, Name = "persons")] public string? PersonsText { get; set; }
    [BindProperty(SupportsGet = true, Name = "channel")] public string? ChannelText { get; set; }
    [BindProperty(SupportsGet = true, Name = "date")] public string? DateText { get; set; }
    [BindProperty(SupportsGet = true)] public string? Start { get; set; }
    /// <summary>"1": a proven urgency; the urgent reserve is offered and the justification is required.</summary>
    [BindProperty(SupportsGet = true, Name = "urgence")] public string? UrgentText { get; set; }
    [BindProperty] public string? UrgentJustification { get; set; }
    public bool Urgent => UrgentText == "1";
    [BindProperty] public string? FirstName { get; set; }
    [BindProperty] public string? LastName { get; set; }
    [BindProperty] public string? Email { get; set; }
    [BindProperty] public string? Phone { get; set; }
    /// <summary>One field per person, each optional.</summary>
    [BindProperty] public string[] PreRequestNumbers { get; set; } = [];
    public string PreRequestNumber(int person) => person < PreRequestNumbers.Length ? PreRequestNumbers[person] ?? "" : "";
    /// <summary>Why the agent books in spite of a duplicate; asked for once a duplicate was found.</summary>
    [BindProperty] public string? Justification { get; set; }
    /// <summary>The duplicate found, for the agent to judge; the page then asks for a justification.</summary>
    public string? Duplicate { get; private set; }

    public IReadOnlyList<Site> Sites { get; private set; } = [];
    public Site? Site { get; private set; }
    public IReadOnlyList<(string Code, string Name)> Reasons { get; private set; } = [];
    public int PersonCount { get; private set; } = 1;
    public Channel Channel { get; private set; } = Channel.Phone;
    public bool IsPartner { get; private set; }
    public DateOnly From { get; private set; }
    public bool Searched { get; private set; }
    public string? Chosen { get; private set; }
    public bool Taken { get; private set; }
    public List<FieldError> Errors { get; } = [];
    public IReadOnlyList<IGrouping<DateOnly, SiteSlot>> Days { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var agent = await current.GetAsync(ct);
        if (agent is null) return Challenge();
        return await LoadAsync(agent, ct) ?? Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var agent = await current.GetAsync(ct);
        if (agent is null) return Challenge();
        if (await LoadAsync(agent, ct) is { } early) return early;
        var start = DateTimeOffset.TryParseExact(Start, "yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture, DateTimeStyles.None, out var s) ? s : (DateTimeOffset?)null;
        var request = new BookingRequest(Site?.Id, Reason, start, PersonCount, FirstName, LastName, Email, Phone,
            BookingRules.ParsePreRequests(string.Join(' ', PreRequestNumbers)), Justification,
            Urgent ? UrgentJustification ?? "" : null);
        switch (await book.RunAsync(request, new Booker(Channel, agent), ct))
        {
            case BookingResult.Booked b:
                return LocalRedirect($"/agent/rendez-vous/{b.Appointment.Id}");
            case BookingResult.Duplicate d:
                Duplicate = d.Message;
                Response.StatusCode = StatusCodes.Status409Conflict;
                return Page();
            case BookingResult.SlotTaken:
                Taken = true;
                Chosen = null;
                Start = null;
                await SearchAsync(ct);
                Response.StatusCode = StatusCodes.Status409Conflict;
                return Page();
            case BookingResult.Refused r:
                Errors.AddRange(r.Errors);
                Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
                return Page();
            default:
                throw new InvalidOperationException();
        }
    }

    /// <summary>Fills the page; returns a result only when the request must stop here.</summary>
    private async Task<IActionResult?> LoadAsync(Agent agent, CancellationToken ct)
    {
        IsPartner = agent.Role == AgentRole.Partner;
        var hosts = await db.Partnerships.AsNoTracking().Where(p => p.PartnerOrganisationId == agent.OrganisationId)
            .Select(p => p.OrganisationId).ToListAsync(ct);
        Sites = await db.Sites.AsNoTracking()
            .Where(s => s.Active && (s.OrganisationId == agent.OrganisationId || hosts.Contains(s.OrganisationId)))
            .OrderBy(s => s.Name).ToListAsync(ct);
        if (SiteId is not null)
        {
            Site = Sites.FirstOrDefault(s => s.Id == SiteId);
            if (Site is null) return NotFound();
        }
        Site ??= Sites.FirstOrDefault();
        Reasons = await StartModel.ReasonChoicesAsync(db, ct);
        Reason ??= Reasons.FirstOrDefault().Code;
        if (int.TryParse(PersonsText, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p is >= 1 and <= 6) PersonCount = p;
        Channel = IsPartner || agent.OrganisationId != Site?.OrganisationId ? Channel.Partner
            : Enum.TryParse<Channel>(ChannelText, out var c) && c is Channel.Phone or Channel.Counter ? c : Channel.Phone;
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        From = DateOnly.TryParseExact(DateText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) && d >= today && d <= today.AddYears(1) ? d : today;

        if (Site is null) return null;
        if (DateTimeOffset.TryParseExact(Start, "yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture, DateTimeStyles.None, out var start))
        {
            var reasonName = Reasons.FirstOrDefault(r => r.Code == Reason).Name ?? Reason;
            Chosen = $"{reasonName}, {PersonCount} personne{(PersonCount > 1 ? "s" : "")}, {FrenchDates.DayAndTime(FrenchDates.ToLocal(start.UtcDateTime, Site.TimeZone))}, {Site.Name}";
            return null;
        }
        if (SiteId is not null) await SearchAsync(ct);
        return null;
    }

    private async Task SearchAsync(CancellationToken ct)
    {
        if (Site is null || Reason is null) return;
        Searched = true;
        var result = await finder.RunAsync(new SlotQuery([Site.Id], Reason, PersonCount, 0, From, From.AddDays(13), 200, Urgent: Urgent), ct);
        if (result is SlotSearchResult.Found f)
            Days = f.Slots.GroupBy(s => DateOnly.FromDateTime(FrenchDates.ToLocal(s.StartUtc, s.Site.TimeZone))).ToList();
        else if (result is SlotSearchResult.Refused r) Errors.Add(r.Error);
    }

    public string ChooseUrl(SiteSlot slot) =>
        $"/agent/reserver?site={Uri.EscapeDataString(slot.Site.Id)}&reason={Uri.EscapeDataString(slot.Reason.Code)}&persons={PersonCount}"
        + $"&channel={Channel}&date={From:yyyy-MM-dd}{(Urgent ? "&urgence=1" : "")}&start={Uri.EscapeDataString(FrenchDates.ToOffset(slot.StartUtc, slot.Site.TimeZone).ToString("yyyy-MM-ddTHH:mm:sszzz"))}";
}

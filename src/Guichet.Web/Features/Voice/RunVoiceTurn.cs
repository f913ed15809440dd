using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Guichet.Domain.Calendar;
using Guichet.Domain.Contacts;
using Guichet.Domain.Scheduling;
using Guichet.Domain.Voice;
using Guichet.Web.Data;
using Guichet.Web.Features.Appointments;
using Guichet.Web.Platform;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Guichet.Web.Features.Voice;

/// <summary>
/// Runs one turn of a call for any door: loads the call's state, gives the engine what it needs, answers its
/// service requests against the shared planning (slot search, holds, booking, cancelling, messages) and saves
/// the state before answering, so the next turn may run on another node. Returns the media actions only.
/// </summary>
public sealed class RunVoiceTurn(GuichetDb db, FindSlots finder, BookAppointment book, CancelAppointment cancel,
    IOptions<VoiceOptions> options, IMemoryCache cache, TimeProvider clock, ILogger<RunVoiceTurn> log, Requests.FileVoiceMessage requests,
    VoiceOffers offers, VoiceRecordings recordings)
{
    public static readonly JsonSerializerOptions Json = new() { Converters = { new JsonStringEnumConverter() } };
    private const int SlotsPerPrompt = 3;
    private const int MinCandidates = 60;
    private const int MaxCandidates = 600;

    /// <summary>
    /// A new call. The organisation is the door's argument (FastAGI <c>agi_arg_1</c>, the TwiML URL), or else the one
    /// whose published number was called. Unknown: the caller hears so and the call ends, nothing stored.
    /// </summary>
    public async Task<IReadOnlyList<VoiceAction>> StartAsync(string callId, string door, string? organisationId,
        string? caller, string? called, CancellationToken ct)
    {
        var existing = await db.Set<VoiceCall>().AsNoTracking().FirstOrDefaultAsync(c => c.Id == callId, ct);
        if (existing is not null) return await RunAsync(callId, new VoiceEvent.Digits("*"), ct);   // a retried start: repeat
        var organisation = await FindOrganisationAsync(organisationId, called, ct);
        if (organisation is null)
        {
            log.LogWarning("Voice call {CallId} on door {Door} names no known organisation", callId, door);
            return [new VoiceAction.Say("Ce numéro n'est pas en service. Au revoir."), new VoiceAction.Hangup()];
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var call = new VoiceCall
        {
            Id = callId, OrganisationId = organisation.Id, Door = door, State = "{}", Path = "",
            StartedUtc = now, UpdatedUtc = now, UnitId = await CallUnitAsync(organisation.Id, called, ct),
        };
        db.Add(call);
        log.LogInformation("Voice call {CallId} started on door {Door} for organisation {OrganisationId}", callId, door, organisation.Id);
        return await TurnAsync(call, new CallState(), new VoiceEvent.CallStarted(Clean(caller), Clean(called)), ct);
    }

    /// <summary>The next event of a known call. An unknown call id only hangs up (nothing to resume).</summary>
    public async Task<IReadOnlyList<VoiceAction>> RunAsync(string callId, VoiceEvent e, CancellationToken ct)
    {
        var call = await db.Set<VoiceCall>().FirstOrDefaultAsync(c => c.Id == callId, ct);
        if (call is null) return e is VoiceEvent.HangUp ? [] : [new VoiceAction.Hangup()];
        var state = JsonSerializer.Deserialize<CallState>(call.State, Json) ?? new CallState();
        return await TurnAsync(call, state, e, ct);
    }

    private async Task<IReadOnlyList<VoiceAction>> TurnAsync(VoiceCall call, CallState state, VoiceEvent e, CancellationToken ct)
    {
        var facts = await FactsAsync(call.OrganisationId, ct);
        var setting = Setting(call.OrganisationId, facts);
        var media = new List<VoiceAction>();
        // Queries are answered in the same turn; a confused engine cannot loop the node forever.
        for (var round = 0; round < 20; round++)
        {
            var turn = VoiceEngine.Next(state, e, setting);
            state = turn.State;
            VoiceAction? query = null;
            foreach (var action in turn.Actions)
            {
                if (action.IsQuery) query = action;
                else if (action.IsCommand) await RunCommandAsync(call, facts, action, ct);
                else media.Add(action);
            }
            if (query is null) break;
            e = await AnswerAsync(call, facts, setting, query, ct);
            if (e is VoiceEvent.Booked) call.AppointmentId = lastBookedId;
        }
        media = await WithRecordingsAsync(call.OrganisationId, media);
        var now = clock.GetUtcNow().UtcDateTime;
        call.State = JsonSerializer.Serialize(state, Json);
        call.Path = string.Join('>', state.Path);
        call.Outcome = state.Outcome;
        call.UpdatedUtc = now;
        if (state.Node == VoiceNode.Ended) offers.Forget(call.Id);
        if (state.Node == VoiceNode.Ended && call.EndedUtc is null)
        {
            call.EndedUtc = now;
            call.DurationSeconds = (int)Math.Round((now - call.StartedUtc).TotalSeconds);
            log.LogInformation("Voice call {CallId} ended: {Outcome} after {Seconds} s", call.Id, state.Outcome, call.DurationSeconds);
        }
        await db.SaveChangesAsync(ct);
        return media;
    }

    private string? lastBookedId;

    /// <summary>The organisation's own recording in place of the synthetic voice, for each prompt it recorded.</summary>
    private async Task<List<VoiceAction>> WithRecordingsAsync(string organisationId, List<VoiceAction> media)
    {
        if (!media.Any(a => a is VoiceAction.Play)) return media;
        var recorded = await recordings.ListAsync(organisationId);
        if (recorded.Count == 0) return media;
        return media.Select(a => a is VoiceAction.Play p && recorded.ContainsKey(p.PromptId)
            ? p with { PromptId = VoiceRecordings.RelativeName(organisationId, p.PromptId) } : a).ToList();
    }

    // ---- what the engine needs ------------------------------------------------------------------------------

    private async Task<Organisation?> FindOrganisationAsync(string? organisationId, string? called, CancellationToken ct)
    {
        if (!string.IsNullOrWhiteSpace(organisationId))
            return await db.Organisations.AsNoTracking().FirstOrDefaultAsync(o => o.Id == organisationId.Trim(), ct);
        if (FrenchPhone.Parse(called) is not { } number) return null;
        // Published numbers are typed by administrators in any format: compare them parsed.
        var withPhone = await db.Organisations.AsNoTracking().Where(o => o.Phone != null).ToListAsync(ct);
        if (withPhone.FirstOrDefault(o => FrenchPhone.Parse(o.Phone)?.E164 == number.E164) is { } organisation) return organisation;
        // A service's own line (the civil-status office's number) also reaches its organisation's voice server.
        var units = await db.Set<Requests.Unit>().AsNoTracking().Where(u => u.Active).Select(u => new { u.OrganisationId, u.Phone }).ToListAsync(ct);
        var unit = units.FirstOrDefault(u => FrenchPhone.Parse(u.Phone)?.E164 == number.E164);
        return unit is null ? null : await db.Organisations.AsNoTracking().FirstOrDefaultAsync(o => o.Id == unit.OrganisationId, ct);
    }

    /// <summary>
    /// The unit a call counts for: the active unit whose published number was dialled, else the unit of the category
    /// that receives the organisation's voice messages (the service that answers the phone), else none.
    /// </summary>
    private async Task<string?> CallUnitAsync(string organisationId, string? called, CancellationToken ct)
    {
        if (FrenchPhone.Parse(called) is { } number)
        {
            var units = await db.Set<Requests.Unit>().AsNoTracking().Where(u => u.OrganisationId == organisationId && u.Active)
                .OrderBy(u => u.Id).Select(u => new { u.Id, u.Phone }).ToListAsync(ct);
            if (units.FirstOrDefault(u => FrenchPhone.Parse(u.Phone)?.E164 == number.E164) is { } dialled) return dialled.Id;
        }
        return await (from s in db.Set<Requests.RequestIntakeSettings>()
                      join c in db.Set<Requests.Category>() on s.VoiceCategoryId equals c.Id
                      where s.OrganisationId == organisationId
                      select c.UnitId).FirstOrDefaultAsync(ct);
    }

    private static string? Clean(string? number) =>
        string.IsNullOrWhiteSpace(number) || number.Trim() is "unknown" or "anonymous" or "Restricted" ? null : number.Trim();

    /// <summary>
    /// What a turn needs to know about an organisation that rarely changes, read at most every 30 seconds per node: its
    /// name, its active sites (the first stands for the organisation), their stations' opening rules, today's closures.
    /// </summary>
    private sealed record OrganisationFacts(string Name, Site? Site, List<string> SiteIds, List<Data.OpeningRule> Rules,
        List<(DateTime StartUtc, DateTime EndUtc)> Closures, int MaxPersons);

    private static readonly TimeSpan FactsLifetime = TimeSpan.FromSeconds(30);

    private async Task<OrganisationFacts> FactsAsync(string organisationId, CancellationToken ct) =>
        (await cache.GetOrCreateAsync(("voice-facts", organisationId), async entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = FactsLifetime;
            var name = await db.Organisations.AsNoTracking().Where(o => o.Id == organisationId).Select(o => o.Name).FirstOrDefaultAsync(ct) ?? "";
            var sites = await db.Sites.AsNoTracking().Where(s => s.OrganisationId == organisationId && s.Active).OrderBy(s => s.Name).ToListAsync(ct);
            var siteIds = sites.Select(s => s.Id).ToList();
            var stationIds = await db.Stations.AsNoTracking().Where(s => s.Active && siteIds.Contains(s.SiteId)).Select(s => s.Id).ToListAsync(ct);
            var rules = await db.OpeningRules.AsNoTracking().Where(r => stationIds.Contains(r.StationId)).ToListAsync(ct);
            var now = clock.GetUtcNow().UtcDateTime;
            var closures = await db.Set<Closures.Closure>().AsNoTracking()
                .Where(c => siteIds.Contains(c.SiteId) && c.StationId == null && c.EndUtc > now.AddDays(-1) && c.StartUtc < now.AddDays(2))
                .Select(c => new { c.StartUtc, c.EndUtc }).ToListAsync(ct);
            var maxPersons = await db.Reasons.AsNoTracking().Where(r => r.OrganisationId == organisationId && r.Code != "WITHDRAWAL")
                .Select(r => (int?)r.MaxPersons).MaxAsync(ct) ?? 1;
            return new OrganisationFacts(name, sites.FirstOrDefault(), siteIds, rules, closures.Select(c => (c.StartUtc, c.EndUtc)).ToList(), maxPersons);
        }))!;

    /// <summary>
    /// Open now, opening hours and address in words, from the organisation's sites and their stations' opening
    /// rules (the counter is open when a station is). The first active site stands for the organisation.
    /// </summary>
    private VoiceSetting Setting(string organisationId, OrganisationFacts facts)
    {
        var site = facts.Site;
        var now = clock.GetUtcNow().UtcDateTime;
        var zone = TimeZoneInfo.FindSystemTimeZoneById(site?.TimeZone ?? "Europe/Paris");
        var local = TimeZoneInfo.ConvertTimeFromUtc(now, zone);
        var today = DateOnly.FromDateTime(local);
        var rules = facts.Rules.Where(r => r.ValidFrom <= today && (r.ValidUntil == null || r.ValidUntil >= today)).ToList();
        var holidays = HolidayCalendar.For(site?.Territory ?? Territory.Metropolitan);
        var time = TimeOnly.FromDateTime(local);
        var closedNow = facts.Closures.Any(c => c.StartUtc <= now && c.EndUtc > now);
        var openNow = !closedNow && !holidays.IsHoliday(today)
            && rules.Any(r => r.ToDomain().AppliesOn(today) && r.StartTime <= time && time < r.EndTime);
        options.Value.Transfers.TryGetValue(organisationId, out var transfer);
        return new VoiceSetting(
            facts.Name,
            openNow,
            HoursText(rules),
            site is null ? "" : $"{site.Address}, {site.PostalCode} {site.City}",
            string.IsNullOrWhiteSpace(transfer) ? null : transfer,
            today,
            Math.Clamp(facts.MaxPersons, 1, 9));
    }

    /// <summary>"le lundi de neuf heures à douze heures et de quatorze heures à dix-sept heures ; le mardi …".</summary>
    internal static string HoursText(IReadOnlyList<Data.OpeningRule> rules)
    {
        var days = new[] { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday, DayOfWeek.Saturday, DayOfWeek.Sunday };
        var french = CultureInfo.GetCultureInfo("fr-FR").DateTimeFormat;
        var parts = new List<string>();
        foreach (var day in days)
        {
            // Stations of one counter overlap: merge their windows.
            var windows = rules.Where(r => r.DayOfWeek == day).Select(r => (r.StartTime, r.EndTime)).OrderBy(w => w.StartTime).ToList();
            var merged = new List<(TimeOnly Start, TimeOnly End)>();
            foreach (var w in windows)
                if (merged.Count > 0 && w.StartTime <= merged[^1].End) merged[^1] = (merged[^1].Start, w.EndTime > merged[^1].End ? w.EndTime : merged[^1].End);
                else merged.Add((w.StartTime, w.EndTime));
            if (merged.Count == 0) continue;
            parts.Add($"le {french.GetDayName(day)} " + string.Join(" et ", merged.Select(m => $"de {FrenchSpeech.Time(m.Start)} à {FrenchSpeech.Time(m.End)}")));
        }
        return parts.Count == 0 ? "sur rendez-vous uniquement" : string.Join(" ; ", parts);
    }

    // ---- service requests -----------------------------------------------------------------------------------

    private async Task<VoiceEvent> AnswerAsync(VoiceCall call, OrganisationFacts facts, VoiceSetting setting, VoiceAction query, CancellationToken ct) => query switch
    {
        VoiceAction.FindSlots f => new VoiceEvent.SlotsFound(await SlotsAsync(call, facts.SiteIds, f, setting, ct)),
        VoiceAction.HoldSlot h => new VoiceEvent.SlotHeld(await HoldAsync(call, h.Slot, ct)),
        VoiceAction.Book b => await BookAsync(call, b, ct),
        VoiceAction.FindAppointment f => await FindAppointmentAsync(call, f.Code, f.Phone, ct),
        VoiceAction.Cancel c => await CancelAsync(call, c.Code, c.Phone, ct),
        _ => throw new InvalidOperationException($"Unknown voice query {query.GetType().Name}."),
    };

    private async Task<IReadOnlyList<OfferedSlot>> SlotsAsync(VoiceCall call, List<string> siteIds, VoiceAction.FindSlots f, VoiceSetting setting, CancellationToken ct)
    {
        if (siteIds.Count == 0) return [];
        var from = f.AfterLocal is { } after ? DateOnly.FromDateTime(after) : setting.Today;
        var to = from.AddDays(BookingRules.MaxSearchDays - 1);
        // Enough candidates that every caller listening on this node can be read slots of their own.
        var limit = Math.Min(MaxCandidates, MinCandidates + SlotsPerPrompt * offers.Listening);
        var result = await finder.RunAsync(new SlotQuery(siteIds, f.ReasonCode, f.Persons, 0, from, to, Limit: limit), ct);
        if (result is not SlotSearchResult.Found found) return [];
        var candidates = found.Slots
            .Select(s => (Slot: s, Local: TimeZoneInfo.ConvertTimeFromUtc(s.StartUtc, TimeZoneInfo.FindSystemTimeZoneById(s.Site.TimeZone))))
            .Where(s => f.AfterLocal is null || s.Local > f.AfterLocal)
            .ToList();
        // Offers are counted per station (a slot read to another caller leaves its twin on the other station free for
        // this one) and read out per time.
        return offers.Choose(call.Id, candidates,
                s => TimeUnits.Covering(s.Slot.StartUtc, s.Slot.EndUtc).Select(u => s.Slot.StationId + "|" + u.ToString(CultureInfo.InvariantCulture)),
                s => (s.Slot.Site.Id, s.Slot.StartUtc), SlotsPerPrompt)
            .Select(s => new OfferedSlot(SlotRef.Format(s.Slot), s.Local, s.Slot.Site.Name))
            .ToList();
    }

    /// <summary>Holds the slot's minutes on its station, unless booked or held by another call meanwhile.</summary>
    private async Task<bool> HoldAsync(VoiceCall call, OfferedSlot slot, CancellationToken ct)
    {
        if (SlotRef.Parse(slot.Ref) is not { } r) return false;
        var now = clock.GetUtcNow().UtcDateTime;
        var units = TimeUnits.Covering(r.StartUtc, r.EndUtc).ToList();
        // This call's earlier hold, and anyone's expired hold of these minutes, make room.
        await db.Set<VoiceHold>().Where(h => h.CallId == call.Id || (h.StationId == r.StationId && units.Contains(h.Unit) && h.ExpiresUtc <= now)).ExecuteDeleteAsync(ct);
        // Booked, or held by another call: callers offered the same earliest slot press 1 together, most find it held
        // already, and looking first spares them a failed insert (an exception and EF's error log each); the key below
        // still settles a true race. One query for both.
        var booked = db.SlotClaims.Where(c => c.StationId == r.StationId && units.Contains(c.Unit)).Select(c => c.Unit);
        var held = db.Set<VoiceHold>().Where(h => h.StationId == r.StationId && units.Contains(h.Unit)).Select(h => h.Unit);
        if (await booked.Concat(held).AnyAsync(ct)) return false;
        var expires = now.AddMinutes(options.Value.HoldMinutes);
        var holds = units.Select(u => new VoiceHold { StationId = r.StationId, Unit = u, CallId = call.Id, ExpiresUtc = expires }).ToList();
        db.AddRange(holds);
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException ex) when (ex.IsUniqueViolation())
        {
            // Another caller holds these minutes right now.
            foreach (var h in holds) db.Entry(h).State = EntityState.Detached;
            return false;
        }
    }

    private Task ReleaseAsync(VoiceCall call, CancellationToken ct) =>
        db.Set<VoiceHold>().Where(h => h.CallId == call.Id).ExecuteDeleteAsync(ct);

    /// <summary>
    /// Books through the web's own use case (channel voice). The hold is given up just before, so that the booking
    /// check sees the minutes free; should someone take them in that instant, the claims' key refuses the second
    /// booking and the caller hears that the slot was taken.
    /// </summary>
    private async Task<VoiceEvent> BookAsync(VoiceCall call, VoiceAction.Book b, CancellationToken ct)
    {
        await ReleaseAsync(call, ct);
        if (SlotRef.Parse(b.Slot.Ref) is not { } r) return new VoiceEvent.BookingFailed(SlotTaken: false);
        // Names are not asked by phone (speech recognition of names is unreliable): the agent completes them at the counter.
        var request = new BookingRequest(r.SiteId, b.ReasonCode, new DateTimeOffset(r.StartUtc, TimeSpan.Zero), b.Persons,
            VoiceNames.FirstName, VoiceNames.LastName, Email: null, b.Phone, []);
        var result = await book.RunAsync(request, new Booker(Channel.Voice), ct);
        switch (result)
        {
            case BookingResult.Booked booked:
                lastBookedId = booked.Appointment.Id;
                return new VoiceEvent.Booked(booked.Appointment.Code, FrenchPhone.Parse(b.Phone)?.IsMobile == true);
            case BookingResult.SlotTaken:
                return new VoiceEvent.BookingFailed(SlotTaken: true);
            case BookingResult.Refused refused:
                log.LogWarning("Voice call {CallId}: booking refused on {Fields}", call.Id, string.Join(',', refused.Errors.Select(x => x.Field)));
                return new VoiceEvent.BookingFailed(SlotTaken: false);
            default:
                log.LogWarning("Voice call {CallId}: booking refused ({Result})", call.Id, result.GetType().Name);
                return new VoiceEvent.BookingFailed(SlotTaken: false);
        }
    }

    /// <summary>A booked, future appointment of the call's organisation, by its code and the phone number given at booking.</summary>
    private async Task<Appointment?> MatchAsync(VoiceCall call, string code, string phone, CancellationToken ct)
    {
        if (FrenchPhone.Parse(phone) is not { } p) return null;
        var now = clock.GetUtcNow().UtcDateTime;
        return await db.Appointments.AsNoTracking().FirstOrDefaultAsync(a => a.Code == code && a.Phone == p.E164
            && a.OrganisationId == call.OrganisationId && a.Status == AppointmentStatus.Booked && a.StartUtc > now, ct);
    }

    private async Task<VoiceEvent> FindAppointmentAsync(VoiceCall call, string code, string phone, CancellationToken ct)
    {
        var a = await MatchAsync(call, code, phone, ct);
        if (a is null) return new VoiceEvent.AppointmentFound(null, null);
        var site = await db.Sites.AsNoTracking().FirstAsync(s => s.Id == a.SiteId, ct);
        return new VoiceEvent.AppointmentFound(TimeZoneInfo.ConvertTimeFromUtc(a.StartUtc, TimeZoneInfo.FindSystemTimeZoneById(site.TimeZone)), site.Name);
    }

    private async Task<VoiceEvent> CancelAsync(VoiceCall call, string code, string phone, CancellationToken ct)
    {
        if (await MatchAsync(call, code, phone, ct) is null) return new VoiceEvent.CancelDone(false, false);
        return await cancel.BySmsAsync(code, FrenchPhone.Parse(phone)!.Value.E164, ct) switch
        {
            CancelResult.Cancelled => new VoiceEvent.CancelDone(true, false),
            CancelResult.TooLate => new VoiceEvent.CancelDone(false, true),
            _ => new VoiceEvent.CancelDone(false, false),
        };
    }

    private async Task RunCommandAsync(VoiceCall call, OrganisationFacts facts, VoiceAction command, CancellationToken ct)
    {
        switch (command)
        {
            case VoiceAction.ReleaseHold:
                await ReleaseAsync(call, ct);
                break;
            case VoiceAction.StoreMessage m:
                var sites = facts.SiteIds;
                var message = new VoiceMessage
                {
                    Id = Secrets.NewId(), OrganisationId = call.OrganisationId, SiteId = sites.Count == 1 ? sites[0] : null, CallId = call.Id,
                    CallbackNumber = FrenchPhone.Parse(m.CallbackNumber)?.E164, RecordingPath = m.RecordingPath, DurationSeconds = m.Seconds,
                    CreatedUtc = clock.GetUtcNow().UtcDateTime,
                };
                db.Add(message);
                log.LogInformation("Voice call {CallId} left message {MessageId} ({Seconds} s)", call.Id, message.Id, m.Seconds);
                // Filed as a citizen request at once (saved with the message); without a voice category it stays a message.
                // The call then counts for the unit the request went to (a category may route by sector).
                if (await requests.RunAsync(message, ct) is { } requestId)
                    call.UnitId = await db.CitizenRequests.Where(r => r.Id == requestId).Select(r => r.UnitId).FirstAsync(ct);
                break;
        }
    }
}

/// <summary>The names on an appointment booked by phone, until an agent completes them.</summary>
public static class VoiceNames
{
    public const string FirstName = "Appel";
    public const string LastName = "Serveur vocal";
}

/// <summary>The planning's reference of an offered slot: site, station, start and end, opaque to the engine.</summary>
public sealed record SlotRef(string SiteId, string StationId, DateTime StartUtc, DateTime EndUtc)
{
    public static string Format(SiteSlot s) => string.Join('|', s.Site.Id, s.StationId,
        s.StartUtc.Ticks.ToString(CultureInfo.InvariantCulture), s.EndUtc.Ticks.ToString(CultureInfo.InvariantCulture));

    public static SlotRef? Parse(string value)
    {
        var p = value.Split('|');
        if (p.Length != 4 || !long.TryParse(p[2], CultureInfo.InvariantCulture, out var start) || !long.TryParse(p[3], CultureInfo.InvariantCulture, out var end)) return null;
        return new SlotRef(p[0], p[1], new DateTime(start, DateTimeKind.Utc), new DateTime(end, DateTimeKind.Utc));
    }
}

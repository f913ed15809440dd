using System.Collections.Concurrent;
using Guichet.Domain.Calendar;
using Guichet.Domain.Quality;
using Guichet.Domain.Requests;
using Guichet.Web.Data;
using Guichet.Web.Features.Requests;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Quality;

/// <summary>
/// Stamps the facts the indicators count on the request itself, when the history records them: the first answer
/// (answered, rejected or closed; a reopened request keeps its first) and the first message to the citizen (a public
/// reply, or the answer). Stored with their local dates and working days since receipt, so the dashboard groups rows
/// in SQL instead of replaying a million histories.
/// </summary>
public static class RequestStamps
{
    // The organisation's zone and holidays, as its deadlines are counted (OrganisationCalendar); read once per organisation
    // and node, since a site's time zone does not change under a running service.
    private static readonly ConcurrentDictionary<string, (TimeZoneInfo Zone, HolidayCalendar Calendar)> Calendars = new();

    public static bool IsAnswer(RequestStatus? status) =>
        status is RequestStatus.Answered or RequestStatus.Rejected or RequestStatus.Closed;

    public static void OnEvent(GuichetDb db, CitizenRequest request, RequestEventKind kind, bool isPublic, RequestStatus? to, DateTime nowUtc)
    {
        var answer = kind == RequestEventKind.StatusChanged && IsAnswer(to);
        var response = answer || (kind is RequestEventKind.Reply or RequestEventKind.DocumentsRequested && isPublic);
        var stampAnswer = answer && request.AnsweredUtc is null;
        var stampResponse = response && request.FirstResponseUtc is null;
        if (!stampAnswer && !stampResponse) return;
        var (zone, calendar) = CalendarOf(db, request.OrganisationId);
        var receivedOn = Deadline.ReceivedOn(request.ReceivedUtc, zone);
        var on = Deadline.ReceivedOn(nowUtc, zone);
        var days = QualityMath.WorkingDaysBetween(receivedOn, on, calendar);
        if (stampAnswer) (request.AnsweredUtc, request.AnsweredOn, request.AnswerWorkingDays) = (nowUtc, on, days);
        if (stampResponse) (request.FirstResponseUtc, request.FirstResponseOn, request.FirstResponseWorkingDays) = (nowUtc, on, days);
    }

    internal static (TimeZoneInfo Zone, HolidayCalendar Calendar) CalendarOf(GuichetDb db, string organisationId) =>
        Calendars.GetOrAdd(organisationId, id =>
        {
            // Synchronous on purpose: the history's Add is synchronous, and this runs once per organisation and node.
            var site = db.Sites.AsNoTracking().Where(s => s.OrganisationId == id).OrderBy(s => s.Id)
                .Select(s => new { s.TimeZone, s.Territory }).FirstOrDefault();
            var department = db.Organisations.AsNoTracking().Where(o => o.Id == id).Select(o => o.DepartmentCode).FirstOrDefault();
            var zone = TimeZoneInfo.FindSystemTimeZoneById(site?.TimeZone ?? "Europe/Paris");
            var territory = site?.Territory ?? (department is { } d ? Territories.FromDepartment(d) : Territory.Metropolitan);
            return (zone, HolidayCalendar.For(territory));
        });
}

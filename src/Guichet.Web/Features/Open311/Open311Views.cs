using Guichet.Domain.Requests;
using Guichet.Web.Features.Requests;

namespace Guichet.Web.Features.Open311;

/// <summary>How our categories, fields and requests look on the Open311 wire.</summary>
public static class Open311Views
{
    public const string Specification = "http://wiki.open311.org/GeoReport_v2";

    /// <summary>Open311 core status: open while the request counts against its deadline.</summary>
    public static string CoreStatus(RequestStatus s) => RequestLifecycle.IsOpen(s) ? "open" : "closed";

    /// <summary>The mySociety extended status of each of our states (used in service request updates).</summary>
    public static string ExtendedStatus(RequestStatus s) => s switch
    {
        RequestStatus.Received => "OPEN",
        RequestStatus.Assigned => "INVESTIGATING",
        RequestStatus.InProgress => "IN_PROGRESS",
        RequestStatus.AwaitingApproval => "IN_PROGRESS",
        RequestStatus.Answered => "FIXED",
        RequestStatus.Rejected => "NO_FURTHER_ACTION",
        RequestStatus.Closed => "CLOSED",
        RequestStatus.Merged => "DUPLICATE",   // FixMyStreet's extended status for a report merged into another
        _ => "OPEN",
    };

    /// <summary>
    /// A category about a public place (its form has a location field: voirie, propreté…) is a "report" whose place,
    /// description and public answer may be shown to anyone. Any other request (état civil…) is a private matter:
    /// only its service, state and dates go out.
    /// </summary>
    public static bool IsPublicPlace(Category c) => c.Fields.Any(f => f.Kind == FieldKind.Location);

    /// <summary>The category's questions an Open311 client answers as attributes: text, choice and date (the place and the photo have their own fields).</summary>
    public static IEnumerable<(int Index, string Code, FormField Field)> Attributes(Category c) =>
        c.Fields.Select((f, i) => (i, FormField.InputName(i), f)).Where(x => x.f.Kind is FieldKind.Text or FieldKind.Choice or FieldKind.Date)
            .Select(x => (x.i, x.Item2, x.f));

    public static WireObject Service(Category c, Unit unit) => new WireObject()
        .Add("service_code", c.Id)
        .Add("service_name", c.Name)
        .Add("description", c.Description ?? "")
        .Add("metadata", Attributes(c).Any())
        .Add("type", "realtime")
        .Add("keywords", "")
        .Add("group", unit.Name);

    public static WireObject Definition(Category c) => new WireObject()
        .Add("service_code", c.Id)
        .Add("attributes", new WireList("attributes", "attribute", Attributes(c).Select((a, order) => (object)new WireObject()
            .Add("variable", true)
            .Add("code", a.Code)
            .Add("datatype", a.Field.Kind switch { FieldKind.Choice => "singlevaluelist", FieldKind.Date => "datetime", _ => "string" })
            .Add("required", a.Field.Required)
            .Add("datatype_description", a.Field.Kind switch
            {
                FieldKind.Choice => "Une des valeurs proposées (sa clé, ou son libellé exact).",
                FieldKind.Date => "Une date : 2026-12-24 (ou une date et heure ISO 8601, dont seul le jour compte).",
                _ => $"Du texte, {RequestForm.MaxTextLength} caractères au plus.",
            })
            .Add("order", order + 1)
            .Add("description", a.Field.Label)
            .Add("values", a.Field.Kind == FieldKind.Choice
                ? new WireList("values", "value", a.Field.Choices.Select((v, i) => (object)new WireObject().Add("key", (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)).Add("name", v)).ToList())
                : null)).ToList()));

    /// <summary>"Traitement sous 5 jours ouvrés…": the delay announced for the category on this channel, and the date it gives.</summary>
    public static string Notice(int workingDays, DateOnly due) =>
        $"Traitement sous {workingDays} jour{(workingDays > 1 ? "s" : "")} ouvré{(workingDays > 1 ? "s" : "")} : réponse attendue au plus tard le {Acknowledgement.Date(due)}.";

    /// <summary>The end of the due day in the organisation's zone: the whole due day still counts.</summary>
    public static string Expected(DateOnly due, TimeZoneInfo zone)
    {
        var local = due.ToDateTime(new TimeOnly(23, 59, 59), DateTimeKind.Unspecified);
        var utc = TimeZoneInfo.ConvertTimeToUtc(local, zone);
        return Open311Wire.Date(utc, zone);
    }

    /// <summary>One request as anyone may read it: the report, never the reporter (no name, e-mail, phone, postal address).</summary>
    public static WireObject Request(CitizenRequest r, Category c, Unit unit, string? lastPublicReply, TimeZoneInfo zone)
    {
        var place = IsPublicPlace(c);
        return new WireObject()
            .Add("service_request_id", r.Id)
            .Add("status", CoreStatus(r.Status))
            .Add("status_notes", place ? lastPublicReply : null)
            .Add("service_name", c.Name)
            .Add("service_code", c.Id)
            // Only what the reporter typed into a public-reporting app is published; a web or counter request's text may be private.
            .Add("description", place && r.Channel == RequestChannel.Open311 ? r.Text : null)
            .Add("agency_responsible", unit.Name)
            .Add("service_notice", Notice(c.DaysFor(r.Channel), r.DueDate))
            .Add("requested_datetime", Open311Wire.Date(r.ReceivedUtc, zone))
            .Add("updated_datetime", Open311Wire.Date(r.UpdatedUtc, zone))
            .Add("expected_datetime", Expected(r.DueDate, zone))
            .Add("address", place ? r.LocationAddress : null)
            .Add("lat", place ? r.Latitude : null)
            .Add("long", place ? r.Longitude : null)
            .Add("interface_used", RequestChannels.Label(r.Channel));
    }
}

using System.Globalization;
using Guichet.Domain.Scheduling;
using Guichet.Web.Data;
using Guichet.Web.Platform;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Appointments;

public sealed record ChosenSlot(string ReasonName, string When, string SiteName, string Address);

/// <remarks>Rate limits apply to Razor Pages per page, not per handler; the policy counts only POSTs.</remarks>
[EnableRateLimiting("booking")]
public sealed class ContactModel(GuichetDb db, BookAppointment book) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? Site { get; set; }
    [BindProperty(SupportsGet = true)] public string? Reason { get; set; }
    [BindProperty(SupportsGet = true)] public string? Start { get; set; }
    [BindProperty(SupportsGet = true, Name = "persons")] public string? PersonsText { get; set; }
    [BindProperty(SupportsGet = true, Name = "pre")] public string? PreText { get; set; }
    [BindProperty] public string? FirstName { get; set; }
    [BindProperty] public string? LastName { get; set; }
    [BindProperty] public string? Email { get; set; }
    [BindProperty] public string? Phone { get; set; }
    /// <summary>One field per person; a field may also hold several numbers pasted with separators.</summary>
    [BindProperty] public string[] PreRequestNumbers { get; set; } = [];
    public string PreRequestNumber(int person) => person < PreRequestNumbers.Length ? PreRequestNumbers[person] : "";
    /// <summary>A duplicate refused: the French message, shown as an alert.</summary>
    public string? Duplicate { get; private set; }

    public int Persons { get; private set; } = 1;
    public bool Pre => PreText == "1";
    public ChosenSlot? Chosen { get; private set; }
    public List<FieldError> Errors { get; } = [];
    public bool Taken { get; private set; }
    public string? Invalid(string field) => Errors.Any(e => e.Field == field) ? "true" : null;

    public string SlotsUrl =>
        $"/rendez-vous/creneaux?reason={Uri.EscapeDataString(Reason ?? "")}&persons={Persons}&pre={(Pre ? 1 : 0)}";

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        await DescribeAsync(ct);
        if (Chosen is null) Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        await DescribeAsync(ct);
        if (Chosen is null)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        var numbers = BookingRules.ParsePreRequests(string.Join(' ', PreRequestNumbers));
        if (Pre && numbers.Count < Persons)
        {
            // The slot was chosen as "with a pre-request for each person": a missing number would not fit in it.
            Errors.Add(new("preRequestNumbers", Persons == 1
                ? "Indiquez votre numéro de pré-demande, ou choisissez à nouveau un créneau en répondant « Non, pas encore » à la question de la pré-demande."
                : "Indiquez un numéro de pré-demande pour chaque personne, ou choisissez à nouveau un créneau en répondant « Non, pas encore » à la question de la pré-demande."));
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }
        var request = new BookingRequest(Site, Reason, ParseStart(Start), Persons, FirstName, LastName, Email, Phone, numbers);
        switch (await book.RunAsync(request, Booker.Citizen, ct))
        {
            case BookingResult.Booked b:
                return Redirect($"/rendez-vous/{b.Appointment.Code}?token={Uri.EscapeDataString(b.ManageToken)}&confirme=1");
            case BookingResult.Duplicate d:
                Duplicate = d.Message;
                Response.StatusCode = StatusCodes.Status409Conflict;
                return Page();
            case BookingResult.SlotTaken:
                Taken = true;
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

    /// <summary>Reads the chosen slot back from the query; a tampered or stale link gets a clear message.</summary>
    private async Task DescribeAsync(CancellationToken ct)
    {
        if (!int.TryParse(PersonsText ?? "1", NumberStyles.None, CultureInfo.InvariantCulture, out var persons) || persons is < 1 or > 6)
        {
            Errors.Add(new("persons", "Le nombre de personnes va de 1 à 6. Recommencez depuis le choix du créneau."));
            return;
        }
        Persons = persons;
        var start = ParseStart(Start);
        var site = Site is null ? null : await db.Sites.AsNoTracking().FirstOrDefaultAsync(s => s.Id == Site && s.Active, ct);
        var reason = site is null || Reason is null ? null
            : await db.Reasons.AsNoTracking().FirstOrDefaultAsync(r => r.OrganisationId == site.OrganisationId && r.Code == Reason, ct);
        if (start is null || site is null || reason is null)
        {
            Errors.Add(new("start", "Ce créneau n'est pas valide. Choisissez-en un dans la liste des créneaux libres."));
            return;
        }
        var local = FrenchDates.ToLocal(start.Value.UtcDateTime, site.TimeZone);
        Chosen = new ChosenSlot(reason.Name, FrenchDates.DayAndTime(local), site.Name, $"{site.Address}, {site.PostalCode} {site.City}");
    }

    private static DateTimeOffset? ParseStart(string? text) =>
        DateTimeOffset.TryParseExact(text, "yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;
}

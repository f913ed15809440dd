using Guichet.Web.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Appointments;

[EnableRateLimiting("manage")]
public sealed class ManageModel(GuichetDb db, CancelAppointment cancel) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? Code { get; set; }
    [BindProperty(SupportsGet = true)] public string? Token { get; set; }
    [BindProperty(SupportsGet = true, Name = "confirme")] public string? ConfirmedText { get; set; }

    [BindProperty(SupportsGet = true, Name = "deplace")] public string? MovedText { get; set; }

    public bool Confirmed => ConfirmedText == "1";
    public bool Moved => MovedText == "1";
    public Appointment? Appointment { get; private set; }
    public Site? Site { get; private set; }
    public string ReasonName { get; private set; } = "";
    public string? Error { get; private set; }
    /// <summary>What ANTS said that the citizen should know (another appointment elsewhere); null when nothing.</summary>
    public string? AntsWarning { get; private set; }
    /// <summary>The documents questionnaire of the appointment's organisation, its title already chosen.</summary>
    public string? ChecklistUrl => Appointment is { } a && IdentityDocuments.LoadChecklist.TitleOfReason(a.ReasonCode) is { } title
        ? $"/pieces-a-fournir/{Uri.EscapeDataString(a.OrganisationId)}?titre={title}"
        : null;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        await LoadAsync(await CancelAppointment.FindByTokenAsync(db, Code, Token, ct), ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        switch (await cancel.ByCitizenAsync(Code, Token, ct))
        {
            case CancelResult.Cancelled c:
                await LoadAsync(c.Appointment, ct);
                break;
            case CancelResult.TooLate t:
                Error = t.Message;
                Response.StatusCode = StatusCodes.Status409Conflict;
                await LoadAsync(await CancelAppointment.FindByTokenAsync(db, Code, Token, ct), ct);
                break;
            default:
                await LoadAsync(null, ct);
                break;
        }
        return Page();
    }

    private async Task LoadAsync(Appointment? appointment, CancellationToken ct)
    {
        Appointment = appointment;
        if (appointment is null)
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        Site = await db.Sites.AsNoTracking().FirstAsync(s => s.Id == appointment.SiteId, ct);
        AntsWarning = await Ants.AntsNotes.ForCitizenAsync(db, appointment.Id, ct);
        ReasonName = await db.Reasons.AsNoTracking()
            .Where(r => r.OrganisationId == appointment.OrganisationId && r.Code == appointment.ReasonCode)
            .Select(r => r.Name).FirstOrDefaultAsync(ct) ?? appointment.ReasonCode;
        // The page shows personal data: never cached, never sent on as a referrer.
        Response.Headers.CacheControl = "no-store";
    }
}

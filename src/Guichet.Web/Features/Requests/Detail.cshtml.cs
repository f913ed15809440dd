using Guichet.Domain.Requests;
using Guichet.Domain.Scheduling;
using Guichet.Web.Data;
using Guichet.Web.Platform;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Requests;

/// <summary>One request for an agent of its organisation (any other agent gets a 404): details, history and actions.</summary>
[Authorize(Policy = "agenda")]
public sealed class RequestDetailModel(GuichetDb db, CurrentAgent current, HandleRequest handle, TimeProvider clock) : PageModel
{
    public CitizenRequest Item { get; private set; } = null!;
    public string AgentId { get; private set; } = "";
    public string CategoryName { get; private set; } = "";
    public string UnitName { get; private set; } = "";
    public string? AssigneeName { get; private set; }
    public string TimeZone { get; private set; } = "Europe/Paris";
    public bool Overdue { get; private set; }
    public IReadOnlyList<RequestEvent> History { get; private set; } = [];
    public IReadOnlyDictionary<string, string> AgentNames { get; private set; } = new Dictionary<string, string>();
    public IReadOnlyList<(string Id, string FileName, long Size)> Attachments { get; private set; } = [];
    public IReadOnlyList<Unit> Units { get; private set; } = [];
    public List<FieldError> Errors { get; } = [];
    [TempData] public string? Message { get; set; }

    public bool Invalid(string name) => Errors.Any(e => e.Field == name);

    public async Task<IActionResult> OnGetAsync(string id, CancellationToken ct)
    {
        var agent = await current.GetAsync(ct);
        if (agent is null) return Challenge();
        var request = await handle.FindAsync(agent, id, ct);
        if (request is null) return NotFound();
        await handle.RecordViewAsync(agent, request, ct);
        await LoadAsync(agent, id, ct);
        return Page();
    }

    public Task<IActionResult> OnPostAssignAsync(string id, CancellationToken ct) => ActAsync(id, ct, (a, c) => handle.AssignToMeAsync(a, id, c));
    public Task<IActionResult> OnPostStatusAsync(string id, string? status, string? comment, CancellationToken ct) => ActAsync(id, ct, (a, c) => handle.ChangeStatusAsync(a, id, status, comment, c));
    public Task<IActionResult> OnPostNoteAsync(string id, string? note, CancellationToken ct) => ActAsync(id, ct, (a, c) => handle.AddNoteAsync(a, id, note, c));
    public Task<IActionResult> OnPostReplyAsync(string id, string? reply, CancellationToken ct) => ActAsync(id, ct, (a, c) => handle.ReplyAsync(a, id, reply, c));
    public Task<IActionResult> OnPostTransferAsync(string id, string? unitId, string? transferComment, CancellationToken ct) => ActAsync(id, ct, (a, c) => handle.TransferAsync(a, id, unitId, transferComment, c));

    private async Task<IActionResult> ActAsync(string id, CancellationToken ct, Func<Agent, CancellationToken, Task<HandleResult>> act)
    {
        var agent = await current.GetAsync(ct);
        if (agent is null) return Challenge();
        switch (await act(agent, ct))
        {
            case HandleResult.NotFound:
                return NotFound();
            case HandleResult.Done done:
                Message = done.Message;
                return Redirect($"/agent/demandes/{Uri.EscapeDataString(id)}");
            case HandleResult.Refused refused:
                Errors.Add(new(refused.Field, refused.Message));
                break;
        }
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        await LoadAsync(agent, id, ct);
        return Page();
    }

    private async Task LoadAsync(Agent agent, string id, CancellationToken ct)
    {
        AgentId = agent.Id;
        Item = await db.CitizenRequests.AsNoTracking().FirstAsync(r => r.Id == id && r.OrganisationId == agent.OrganisationId, ct);
        var organisation = await db.Organisations.AsNoTracking().FirstAsync(o => o.Id == agent.OrganisationId, ct);
        var (zone, _) = await OrganisationCalendar.ForAsync(db, organisation, ct);
        TimeZone = zone.Id;
        Overdue = Deadline.IsOverdue(Item.DueDate, Deadline.ReceivedOn(clock.GetUtcNow().UtcDateTime, zone), Item.Status);
        CategoryName = await db.Set<Category>().Where(c => c.Id == Item.CategoryId).Select(c => c.Name).FirstAsync(ct);
        UnitName = await db.Set<Unit>().Where(u => u.Id == Item.UnitId).Select(u => u.Name).FirstAsync(ct);
        Units = await db.Set<Unit>().AsNoTracking().Where(u => u.OrganisationId == agent.OrganisationId && u.Active && u.Id != Item.UnitId).OrderBy(u => u.Name).ToListAsync(ct);
        var events = await db.Set<RequestEvent>().AsNoTracking().Where(e => e.RequestId == id).ToListAsync(ct);
        History = events.OrderBy(e => e.AtUtc).ThenBy(e => e.Id, StringComparer.Ordinal).ToList();
        var ids = History.Select(e => e.AgentId).Append(Item.AssigneeAgentId).OfType<string>().Distinct().ToList();
        AgentNames = await db.Agents.AsNoTracking().Where(a => ids.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => a.DisplayName, ct);
        AssigneeName = Item.AssigneeAgentId is null ? null : AgentNames.GetValueOrDefault(Item.AssigneeAgentId);
        Attachments = (await db.Set<RequestAttachment>().AsNoTracking().Where(a => a.RequestId == id)
            .Select(a => new { a.Id, a.FileName, a.Size, a.CreatedUtc }).ToListAsync(ct))
            .OrderBy(a => a.CreatedUtc).Select(a => (a.Id, a.FileName, a.Size)).ToList();
    }

    public static string Describe(RequestEvent e) => e.Kind switch
    {
        RequestEventKind.Created => e.Text ?? "Demande reçue.",
        RequestEventKind.Acknowledged => e.Text ?? "Accusé de réception.",
        RequestEventKind.StatusChanged => $"État : {(e.FromStatus is { } f ? RequestLifecycle.Label(f) : "?")} → {(e.ToStatus is { } t ? RequestLifecycle.Label(t) : "?")}" + (string.IsNullOrEmpty(e.Text) ? "" : $" — {e.Text}"),
        RequestEventKind.Assigned => e.Text ?? "Attribuée.",
        RequestEventKind.Note => $"Note interne : {e.Text}",
        RequestEventKind.Reply => $"Réponse à l'usager : {e.Text}",
        RequestEventKind.CitizenMessage => $"Message de l'usager : {e.Text}",
        RequestEventKind.Transferred => e.Text ?? "Transférée.",
        RequestEventKind.Viewed => e.Text ?? "Consultée.",
        _ => e.Text ?? e.Kind.ToString(),
    };
}

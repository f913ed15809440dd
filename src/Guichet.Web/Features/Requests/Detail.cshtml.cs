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
public sealed class RequestDetailModel(GuichetDb db, CurrentAgent current, HandleRequest handle, ApproveReply approve, MergeRequests merge, RequestDocuments missing, TimeProvider clock) : PageModel
{
    public CitizenRequest Item { get; private set; } = null!;
    public string AgentId { get; private set; } = "";
    public string CategoryName { get; private set; } = "";
    public string UnitName { get; private set; } = "";
    public string? AssigneeName { get; private set; }
    public string TimeZone { get; private set; } = "Europe/Paris";
    public bool Overdue { get; private set; }
    /// <summary>The organisation's local day: the documents' supply-by day is proposed from it.</summary>
    public DateOnly Today { get; private set; }
    public IReadOnlyList<RequestEvent> History { get; private set; } = [];
    public IReadOnlyDictionary<string, string> AgentNames { get; private set; } = new Dictionary<string, string>();
    public IReadOnlyList<(string Id, string FileName, long Size, string RequestId)> Attachments { get; private set; } = [];
    public IReadOnlyList<Unit> Units { get; private set; } = [];
    public List<FieldError> Errors { get; } = [];
    /// <summary>The reply waiting for its visa or signature, if any.</summary>
    public ReplyDraft? PendingDraft { get; private set; }
    /// <summary>The current agent's last reply refused by the circuit, with its comment, until they write another.</summary>
    public ReplyDraft? RejectedDraft { get; private set; }
    public bool ApprovalRequired { get; private set; }
    public bool CanVisa { get; private set; }
    public bool CanSign { get; private set; }
    /// <summary>Other agents who opened the request in the last minutes: name and since when (UTC).</summary>
    public IReadOnlyList<(string Name, DateTime SinceUtc)> Colleagues { get; private set; } = [];
    public IReadOnlyList<CannedAnswer> CannedAnswers { get; private set; } = [];
    /// <summary>The reply box's text: a canned answer just inserted, or the refused draft to rework.</summary>
    public string? ReplyText { get; set; }
    public string? CannedId { get; set; }
    /// <summary>The missing documents and their day as the agent typed them, shown again when refused.</summary>
    public string? DocumentsText { get; set; }
    public string? SupplyByValue { get; set; }
    public const int ColleagueMinutes = 10;
    /// <summary>Requests linked to this one: merged into it or it into them, split from it or it from them.</summary>
    public IReadOnlyList<(RequestLink Link, string OtherId, string OtherCode, bool Outgoing)> Links { get; private set; } = [];
    public IReadOnlyList<Category> SplitCategories { get; private set; } = [];
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
    public Task<IActionResult> OnPostVisaAsync(string id, string? visaComment, CancellationToken ct) => ActAsync(id, ct, (a, c) => approve.VisaAsync(a, id, visaComment, c));
    public Task<IActionResult> OnPostSignAsync(string id, string? signComment, CancellationToken ct) => ActAsync(id, ct, (a, c) => approve.SignAsync(a, id, signComment, c));
    public Task<IActionResult> OnPostRejectDraftAsync(string id, string? rejectComment, CancellationToken ct) => ActAsync(id, ct, (a, c) => approve.RejectAsync(a, id, rejectComment, c));

    /// <summary>"Insérer": re-renders the page with the chosen canned answer in the reply box, placeholders filled (no JavaScript).</summary>
    public async Task<IActionResult> OnPostInsertAsync(string id, string? cannedId, string? reply, CancellationToken ct)
    {
        var agent = await current.GetAsync(ct);
        if (agent is null) return Challenge();
        var request = await handle.FindAsync(agent, id, ct);
        if (request is null) return NotFound();
        await LoadAsync(agent, id, ct);
        var canned = CannedAnswers.FirstOrDefault(c => c.Id == cannedId);
        CannedId = cannedId;
        if (canned is null)
        {
            Errors.Add(new("cannedId", "Choisissez une réponse type dans la liste."));
            ReplyText = reply;
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }
        var filled = CannedAnswerText.Fill(canned.Text, request);
        ReplyText = string.IsNullOrWhiteSpace(reply) ? filled : reply.TrimEnd() + "\n\n" + filled;
        return Page();
    }

    public Task<IActionResult> OnPostMergeAsync(string id, string? targetCode, CancellationToken ct) => ActAsync(id, ct, (a, c) => merge.MergeAsync(a, id, targetCode, c));
    public Task<IActionResult> OnPostSplitAsync(string id, string? splitCategoryId, string? splitText, CancellationToken ct) =>
        ActAsync(id, ct, async (a, c) => (await merge.SplitAsync(a, id, splitCategoryId, splitText, c)).Result);

    public Task<IActionResult> OnPostDocumentsAsync(string id, string? documents, string? supplyBy, CancellationToken ct) =>
        ActAsync(id, ct, (a, c) => missing.AskAsync(a, id, documents, supplyBy, c));
    public Task<IActionResult> OnPostDocumentsReceivedAsync(string id, string? documentsOn, CancellationToken ct) =>
        ActAsync(id, ct, (a, c) => missing.ReceivedAsync(a, id, documentsOn, c));
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
        if (Request.HasFormContentType && Request.Form.TryGetValue("reply", out var typed)) ReplyText = typed.ToString();
        if (Request.HasFormContentType && Request.Form.TryGetValue("documents", out var documents)) DocumentsText = documents.ToString();
        if (Request.HasFormContentType && Request.Form.TryGetValue("supplyBy", out var supplyBy)) SupplyByValue = supplyBy.ToString();
        return Page();
    }

    private async Task LoadAsync(Agent agent, string id, CancellationToken ct)
    {
        AgentId = agent.Id;
        Item = await db.CitizenRequests.AsNoTracking().FirstAsync(r => r.Id == id && r.OrganisationId == agent.OrganisationId, ct);
        var organisation = await db.Organisations.AsNoTracking().FirstAsync(o => o.Id == agent.OrganisationId, ct);
        var (zone, _) = await OrganisationCalendar.ForAsync(db, organisation, ct);
        TimeZone = zone.Id;
        Today = Deadline.ReceivedOn(clock.GetUtcNow().UtcDateTime, zone);
        Overdue = Deadline.IsOverdue(Item.DueDate, Today, Item.Status);
        CategoryName = await db.Set<Category>().Where(c => c.Id == Item.CategoryId).Select(c => c.Name).FirstAsync(ct);
        UnitName = await db.Set<Unit>().Where(u => u.Id == Item.UnitId).Select(u => u.Name).FirstAsync(ct);
        Units = await db.Set<Unit>().AsNoTracking().Where(u => u.OrganisationId == agent.OrganisationId && u.Active && u.Id != Item.UnitId).OrderBy(u => u.Name).ToListAsync(ct);
        var events = await db.Set<RequestEvent>().AsNoTracking().Where(e => e.RequestId == id).ToListAsync(ct);
        History = events.OrderBy(e => e.AtUtc).ThenBy(e => e.Id, StringComparer.Ordinal).ToList();
        var ids = History.Select(e => e.AgentId).Append(Item.AssigneeAgentId).OfType<string>().Distinct().ToList();
        AgentNames = await db.Agents.AsNoTracking().Where(a => ids.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => a.DisplayName, ct);
        AssigneeName = Item.AssigneeAgentId is null ? null : AgentNames.GetValueOrDefault(Item.AssigneeAgentId);
        var drafts = await db.Set<ReplyDraft>().AsNoTracking().Where(d => d.RequestId == id).ToListAsync(ct);
        PendingDraft = drafts.FirstOrDefault(d => d.Stage is DraftStage.AwaitingVisa or DraftStage.AwaitingSignature);
        var lastOwn = drafts.Where(d => d.AuthorAgentId == agent.Id).OrderByDescending(d => d.CreatedUtc).FirstOrDefault();
        RejectedDraft = PendingDraft is null && lastOwn is { Stage: DraftStage.Rejected } ? lastOwn : null;
        ReplyText = RejectedDraft?.Text;
        ApprovalRequired = await db.Set<CategoryWorkflow>().AnyAsync(w => w.CategoryId == Item.CategoryId && w.ApprovalRequired, ct);
        CanVisa = ApproveReply.CanVisa(agent);
        CanSign = ApproveReply.CanSign(agent);
        var recent = clock.GetUtcNow().UtcDateTime.AddMinutes(-ColleagueMinutes);
        var views = History.Where(e => e.Kind == RequestEventKind.Viewed && e.AgentId is not null && e.AgentId != agent.Id && e.AtUtc >= recent).ToList();
        var viewerIds = views.Select(e => e.AgentId!).Distinct().Where(v => !AgentNames.ContainsKey(v)).ToList();
        var extraNames = viewerIds.Count == 0 ? new Dictionary<string, string>()
            : await db.Agents.AsNoTracking().Where(a => viewerIds.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => a.DisplayName, ct);
        Colleagues = views.GroupBy(e => e.AgentId!)
            .Select(g => (AgentNames.GetValueOrDefault(g.Key) ?? extraNames.GetValueOrDefault(g.Key, "Un collègue"), g.Min(e => e.AtUtc)))
            .OrderBy(c => c.Item2).ToList();
        CannedAnswers = await db.Set<CannedAnswer>().AsNoTracking()
            .Where(c => c.OrganisationId == agent.OrganisationId && (c.CategoryId == null || c.CategoryId == Item.CategoryId))
            .OrderBy(c => c.Title).ToListAsync(ct);
        var links = await db.Set<RequestLink>().AsNoTracking().Where(l => l.FromRequestId == id || l.ToRequestId == id).ToListAsync(ct);
        var otherIds = links.Select(l => l.FromRequestId == id ? l.ToRequestId : l.FromRequestId).Distinct().ToList();
        var codes = await db.CitizenRequests.AsNoTracking().Where(r => otherIds.Contains(r.Id) && r.OrganisationId == agent.OrganisationId)
            .ToDictionaryAsync(r => r.Id, r => r.TrackingCode, ct);
        Links = links.Where(l => codes.ContainsKey(l.FromRequestId == id ? l.ToRequestId : l.FromRequestId))
            .Select(l => { var other = l.FromRequestId == id ? l.ToRequestId : l.FromRequestId; return (l, other, codes[other], l.FromRequestId == id); })
            .OrderBy(l => l.l.CreatedUtc).ToList();
        SplitCategories = await db.Set<Category>().AsNoTracking().Where(c => c.OrganisationId == agent.OrganisationId && c.Active).OrderBy(c => c.SortOrder).ToListAsync(ct);
        // The attachments of duplicates merged into this request are reachable from it.
        var mergedHere = Links.Where(l => l.Link.Kind == RequestLinkKind.MergedInto && !l.Outgoing).Select(l => l.OtherId).ToList();
        Attachments = (await db.Set<RequestAttachment>().AsNoTracking().Where(a => a.RequestId == id || mergedHere.Contains(a.RequestId))
            .Select(a => new { a.Id, a.RequestId, a.FileName, a.Size, a.CreatedUtc }).ToListAsync(ct))
            .OrderBy(a => a.CreatedUtc).Select(a => (a.Id, a.FileName, a.Size, a.RequestId)).ToList();
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
        RequestEventKind.DraftSubmitted => $"Réponse transmise pour visa : {e.Text}",
        RequestEventKind.DraftVisaed => "Visa donné." + (string.IsNullOrEmpty(e.Text) ? "" : $" — {e.Text}"),
        RequestEventKind.DraftSigned => "Réponse signée." + (string.IsNullOrEmpty(e.Text) ? "" : $" — {e.Text}"),
        RequestEventKind.DraftRejected => $"Réponse refusée : {e.Text}",
        RequestEventKind.Merged or RequestEventKind.Split or RequestEventKind.Exported => e.Text ?? e.Kind.ToString(),
        _ => e.Text ?? e.Kind.ToString(),
    };
}

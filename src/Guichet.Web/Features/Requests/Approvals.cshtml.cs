using Guichet.Domain.Requests;
using Guichet.Web.Data;
using Guichet.Web.Platform;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Requests;

/// <summary>The approval baskets (parapheur): the organisation's replies waiting for a visa, and those waiting for a signature.</summary>
[Authorize(Policy = "agenda")]
public sealed class ApprovalsModel(GuichetDb db, CurrentAgent current) : PageModel
{
    public sealed record Row(string RequestId, string TrackingCode, string CategoryName, string Author, DateTime SubmittedUtc, DateOnly DueDate);

    public string TimeZone { get; private set; } = "Europe/Paris";
    public IReadOnlyList<Row> ToVisa { get; private set; } = [];
    public IReadOnlyList<Row> ToSign { get; private set; } = [];
    public bool CanVisa { get; private set; }
    public bool CanSign { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var agent = await current.GetAsync(ct);
        if (agent is null) return Challenge();
        var organisation = await db.Organisations.AsNoTracking().FirstAsync(o => o.Id == agent.OrganisationId, ct);
        TimeZone = (await OrganisationCalendar.ForAsync(db, organisation, ct)).Zone.Id;
        CanVisa = ApproveReply.CanVisa(agent);
        CanSign = ApproveReply.CanSign(agent);
        var rows = await (from d in db.Set<ReplyDraft>().AsNoTracking()
                          join r in db.CitizenRequests.AsNoTracking() on d.RequestId equals r.Id
                          join c in db.Set<Category>().AsNoTracking() on r.CategoryId equals c.Id
                          join a in db.Agents.AsNoTracking() on d.AuthorAgentId equals a.Id
                          where d.OrganisationId == agent.OrganisationId && (d.Stage == DraftStage.AwaitingVisa || d.Stage == DraftStage.AwaitingSignature)
                          select new { d.Stage, Row = new Row(r.Id, r.TrackingCode, c.Name, a.DisplayName, d.CreatedUtc, r.DueDate) })
            .ToListAsync(ct);
        ToVisa = rows.Where(x => x.Stage == DraftStage.AwaitingVisa).Select(x => x.Row).OrderBy(x => x.DueDate).ThenBy(x => x.SubmittedUtc).ToList();
        ToSign = rows.Where(x => x.Stage == DraftStage.AwaitingSignature).Select(x => x.Row).OrderBy(x => x.DueDate).ThenBy(x => x.SubmittedUtc).ToList();
        return Page();
    }
}

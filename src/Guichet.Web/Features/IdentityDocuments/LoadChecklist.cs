using Guichet.Domain.IdentityDocuments;
using Guichet.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.IdentityDocuments;

/// <summary>
/// The rule set a citizen's answers are evaluated against: the national rows, changed by the organisation's
/// overrides when the page is an organisation's. Pages, the convocation and the voice server share it.
/// </summary>
public sealed class LoadChecklist(GuichetDb db)
{
    /// <summary>The town halls that receive ID-card and passport applications: they have their own checklist page.</summary>
    public async Task<IReadOnlyList<(string Id, string Name)>> OrganisationsAsync(CancellationToken ct)
    {
        var withDeposits = db.Reasons.Where(r => r.Code == "CNI" || r.Code == "PASSPORT").Select(r => r.OrganisationId);
        var rows = await db.Organisations.AsNoTracking().Where(o => withDeposits.Contains(o.Id))
            .OrderBy(o => o.Name).Select(o => new { o.Id, o.Name }).ToListAsync(ct);
        return rows.Select(o => (o.Id, o.Name)).ToList();
    }

    public Task<Organisation?> FindOrganisationAsync(string id, CancellationToken ct) =>
        db.Organisations.AsNoTracking().FirstOrDefaultAsync(o => o.Id == id, ct);

    public async Task<RuleSet> RuleSetAsync(string? organisationId, CancellationToken ct)
    {
        if (organisationId is null) return NationalRules.Default;
        var rows = await db.ChecklistOverrides.AsNoTracking().Where(o => o.OrganisationId == organisationId).OrderBy(o => o.RuleId).ToListAsync(ct);
        return NationalRules.Default.With(
            rows.Where(r => !r.IsExtra).Select(r => r.ToOverride()),
            rows.Where(r => r.IsExtra).Select(r => r.ToExtraRule()));
    }

    /// <summary>The questionnaire value of the title an appointment reason is about; null for a withdrawal.</summary>
    public static string? TitleOfReason(string reasonCode) => reasonCode switch
    {
        "CNI" => "cni",
        "PASSPORT" => "passeport",
        "CNI-PASSPORT" => "les-deux",
        _ => null,
    };
}

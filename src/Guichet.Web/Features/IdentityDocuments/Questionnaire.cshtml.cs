using Microsoft.AspNetCore.Mvc;

namespace Guichet.Web.Features.IdentityDocuments;

/// <summary>The questionnaire alone, pre-filled from the query (e.g. ?titre=cni from an appointment's page).</summary>
public sealed class QuestionnaireModel(LoadChecklist load) : ChecklistPage(load)
{
    public ChecklistForm Form { get; private set; } = null!;
    public IReadOnlyList<(string Id, string Name)> TownHalls { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!await LoadRulesAsync(ct)) return NotFoundPage();
        Form = new ChecklistForm(ResultUrl, SelectedFromQuery(), []);
        if (Owner is null) TownHalls = await Load.OrganisationsAsync(ct);
        return Page();
    }
}

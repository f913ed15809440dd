using Microsoft.AspNetCore.Mvc;

namespace Guichet.Web.Features.IdentityDocuments;

/// <summary>The FAQ rows of the rule set: national ones, minus those the organisation turned off.</summary>
public sealed class FaqModel(LoadChecklist load) : ChecklistPage(load)
{
    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await LoadRulesAsync(ct) ? Page() : NotFoundPage();
}

using Guichet.Domain.Voice;
using Guichet.Web.Platform;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Guichet.Web.Features.Voice;

/// <summary>The voice server's fixed prompts, each in the synthetic voice or the organisation's own recording.</summary>
[Authorize(Policy = "administrator")]
public sealed class VoicePromptsModel(CurrentAgent current, VoiceRecordings recordings) : PageModel
{
    public IReadOnlyDictionary<string, RecordedPrompt> Recorded { get; private set; } = new Dictionary<string, RecordedPrompt>();

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var admin = await current.GetAsync(ct);
        if (admin is null) return Challenge();
        Recorded = await recordings.ListAsync(admin.OrganisationId);
        return Page();
    }
}

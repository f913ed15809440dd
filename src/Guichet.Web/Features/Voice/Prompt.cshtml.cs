using Guichet.Domain.Scheduling;
using Guichet.Domain.Voice;
using Guichet.Web.Platform;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Guichet.Web.Features.Voice;

/// <summary>One prompt: listen to the organisation's recording, replace it with a WAV file, or go back to synthesis.</summary>
[Authorize(Policy = "administrator")]
[RequestFormLimits(MultipartBodyLengthLimit = VoiceRecordings.MaxUploadBytes + 64 * 1024)]
[RequestSizeLimit(VoiceRecordings.MaxUploadBytes + 128 * 1024)]
public sealed class VoicePromptModel(CurrentAgent current, VoiceRecordings recordings) : PageModel
{
    public CatalogPrompt Prompt { get; private set; } = null!;
    public RecordedPrompt? Recorded { get; private set; }
    public string? AudioUrl { get; private set; }
    public string? Message { get; private set; }
    public List<FieldError> Errors { get; } = [];

    private const string Unwritable = "Le répertoire des annonces n'est pas accessible en écriture sur ce serveur (réglage Voice:PromptsPath) : "
        + "rien n'a changé. Prévenez la personne qui administre le serveur.";

    public async Task<IActionResult> OnGetAsync(string id, string? done, CancellationToken ct)
    {
        var admin = await current.GetAsync(ct);
        if (admin is null) return Challenge();
        if (VoicePromptCatalog.Find(id) is not { } prompt) return NotFound();
        Message = done switch
        {
            "enregistre" => "Votre enregistrement remplace la voix de synthèse pour cette annonce.",
            "synthese" => "Cette annonce est de nouveau dite par la voix de synthèse.",
            _ => null,
        };
        await LoadAsync(admin.OrganisationId, prompt);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string id, IFormFile? file, CancellationToken ct)
    {
        var admin = await current.GetAsync(ct);
        if (admin is null) return Challenge();
        if (VoicePromptCatalog.Find(id) is not { } prompt) return NotFound();
        if (file is null || file.Length == 0) Errors.Add(new("file", "Choisissez un fichier WAV."));
        else if (file.Length > VoiceRecordings.MaxUploadBytes) Errors.Add(new("file", "Ce fichier dépasse 12 Mo : enregistrez en mono, ou à une fréquence plus basse."));
        else
        {
            using var buffer = new MemoryStream((int)file.Length);
            await file.CopyToAsync(buffer, ct);
            switch (PromptAudio.Read(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)))
            {
                case PromptAudioResult.Accepted audio when await recordings.SaveAsync(admin.OrganisationId, prompt.Id, audio.Samples, admin.Id, ct):
                    return Redirect($"/admin/voix/annonces/{prompt.Id}?done=enregistre");
                case PromptAudioResult.Accepted:
                    Errors.Add(new("file", Unwritable));
                    Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                    await LoadAsync(admin.OrganisationId, prompt);
                    return Page();
                case PromptAudioResult.Refused refused:
                    Errors.Add(new("file", refused.Message));
                    break;
            }
        }
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        await LoadAsync(admin.OrganisationId, prompt);
        return Page();
    }

    public async Task<IActionResult> OnPostSynthesisAsync(string id, CancellationToken ct)
    {
        var admin = await current.GetAsync(ct);
        if (admin is null) return Challenge();
        if (VoicePromptCatalog.Find(id) is not { } prompt) return NotFound();
        if (recordings.Delete(admin.OrganisationId, prompt.Id, admin.Id)) return Redirect($"/admin/voix/annonces/{prompt.Id}?done=synthese");
        Errors.Add(new("file", Unwritable));
        Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        await LoadAsync(admin.OrganisationId, prompt);
        return Page();
    }

    private async Task LoadAsync(string organisationId, CatalogPrompt prompt)
    {
        Prompt = prompt;
        Recorded = (await recordings.ListAsync(organisationId)).GetValueOrDefault(prompt.Id);
        AudioUrl = Recorded is null ? null : $"{TwilioDoor.PromptsBase}/{VoiceRecordings.RelativeName(organisationId, prompt.Id)}.wav";
    }
}

using System.Security.Cryptography;
using System.Text;
using Guichet.Domain.Voice;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Guichet.Web.Features.Voice;

/// <summary>A prompt an organisation recorded: when, and how long it plays.</summary>
public sealed record RecordedPrompt(string PromptId, DateTime SavedUtc, double Seconds);

/// <summary>
/// Administrators' own recordings of the fixed prompts, one set per organisation under
/// <c>{PromptsPath}/org-{organisation}/</c> in the three forms the doors play (.alaw, .ulaw for Asterisk, .wav for a
/// URL). The directory is the store: the PBX reads it, and nodes sharing it share the recordings. Which prompts an
/// organisation recorded is read at most every 30 seconds per node.
/// </summary>
public sealed class VoiceRecordings(IOptions<VoiceOptions> options, IMemoryCache cache, ILogger<VoiceRecordings> log)
{
    public const long MaxUploadBytes = 12 * 1024 * 1024;
    private static readonly TimeSpan ListLifetime = TimeSpan.FromSeconds(30);

    /// <summary>The prompt file's name relative to the prompts directory, without extension ("org-mairie-lorval/menu").</summary>
    public static string RelativeName(string organisationId, string promptId) => $"{Folder(organisationId)}/{promptId}";

    /// <summary>Organisation ids are ours, but a folder name must be safe whatever they hold.</summary>
    public static string Folder(string organisationId) =>
        organisationId.Length is > 0 and <= 64 && organisationId.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')
            ? "org-" + organisationId
            : "org-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(organisationId)))[..24];

    private string Directory(string organisationId) => Path.Combine(options.Value.PromptsPath, Folder(organisationId));

    public async Task<IReadOnlyDictionary<string, RecordedPrompt>> ListAsync(string organisationId) =>
        (await cache.GetOrCreateAsync(("voice-recordings", organisationId), entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = ListLifetime;
            var dir = Directory(organisationId);
            var found = new Dictionary<string, RecordedPrompt>(StringComparer.Ordinal);
            if (System.IO.Directory.Exists(dir))
                foreach (var prompt in VoicePromptCatalog.All)
                {
                    var wav = new FileInfo(Path.Combine(dir, prompt.Id + ".wav"));
                    if (wav.Exists && File.Exists(Path.Combine(dir, prompt.Id + ".alaw")))
                        found[prompt.Id] = new RecordedPrompt(prompt.Id, wav.LastWriteTimeUtc, Math.Max(0, wav.Length - 44) / 2.0 / PromptAudio.Rate);
                }
            return Task.FromResult<IReadOnlyDictionary<string, RecordedPrompt>>(found);
        }))!;

    /// <summary>
    /// Writes the three forms, each replaced atomically: a call playing the prompt meanwhile hears the old or the new.
    /// False when the directory cannot be written (the page says so; the previous files stay as they were).
    /// </summary>
    public async Task<bool> SaveAsync(string organisationId, string promptId, short[] samples, string agentId, CancellationToken ct)
    {
        _ = VoicePromptCatalog.Get(promptId);
        var dir = Directory(organisationId);
        try
        {
            System.IO.Directory.CreateDirectory(dir);
            await WriteAsync(dir, promptId, samples, ct);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.LogError("Voice prompt {Prompt} of organisation {OrganisationId} not saved: {Error}", promptId, organisationId, e.Message);
            return false;
        }
        cache.Remove(("voice-recordings", organisationId));
        log.LogInformation("Voice prompt {Prompt} of organisation {OrganisationId} recorded by agent {AgentId} ({Samples} samples)", promptId, organisationId, agentId, samples.Length);
        return true;
    }

    private static async Task WriteAsync(string dir, string promptId, short[] samples, CancellationToken ct)
    {
        var scratch = Path.Combine(dir, $".{promptId}.{Guid.NewGuid():N}");
        try
        {
            await File.WriteAllBytesAsync(scratch + ".alaw", PromptAudio.ALaw(samples), ct);
            await File.WriteAllBytesAsync(scratch + ".ulaw", PromptAudio.MuLaw(samples), ct);
            await File.WriteAllBytesAsync(scratch + ".wav", PromptAudio.Wav(samples), ct);
            // The .wav last: the listing counts a prompt as recorded once its .wav and .alaw are both there.
            foreach (var ext in new[] { ".alaw", ".ulaw", ".wav" }) File.Move(scratch + ext, Path.Combine(dir, promptId + ext), overwrite: true);
        }
        finally
        {
            foreach (var leftover in System.IO.Directory.EnumerateFiles(dir, $".{promptId}.*")) File.Delete(leftover);
        }
    }

    /// <summary>Back to the synthetic voice; false when the files cannot be removed.</summary>
    public bool Delete(string organisationId, string promptId, string agentId)
    {
        _ = VoicePromptCatalog.Get(promptId);
        var dir = Directory(organisationId);
        try
        {
            // The .wav first: without it the prompt no longer counts as recorded, even if the rest fails.
            foreach (var ext in new[] { ".wav", ".alaw", ".ulaw" })
            {
                var file = Path.Combine(dir, promptId + ext);
                if (File.Exists(file)) File.Delete(file);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.LogError("Voice prompt {Prompt} of organisation {OrganisationId} not removed: {Error}", promptId, organisationId, e.Message);
            return false;
        }
        finally
        {
            cache.Remove(("voice-recordings", organisationId));
        }
        log.LogInformation("Voice prompt {Prompt} of organisation {OrganisationId} back to synthesis, by agent {AgentId}", promptId, organisationId, agentId);
        return true;
    }

    /// <summary>The recorded WAV, for doors that fetch prompts by URL; null when the organisation did not record it.</summary>
    public string? WavPath(string organisationId, string promptId)
    {
        if (VoicePromptCatalog.Find(promptId) is null) return null;
        var file = Path.Combine(Directory(organisationId), promptId + ".wav");
        return File.Exists(file) ? file : null;
    }
}

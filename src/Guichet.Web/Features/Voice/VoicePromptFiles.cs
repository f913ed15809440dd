using System.Diagnostics;
using Guichet.Domain.Voice;
using Microsoft.Extensions.Options;

namespace Guichet.Web.Features.Voice;

/// <summary>
/// Makes the sound files of a prompt with espeak-ng (fr-fr) and sox: 8 kHz A-law (French trunks), µ-law and 16-bit
/// WAV, in <see cref="VoiceOptions.PromptsPath"/>, once. A file recorded by an administrator (no ".txt" beside it)
/// is never replaced; a generated one is made again only when its words changed. Both tools run from argument
/// lists, never through a shell. Without them (or with <see cref="VoiceOptions.GeneratePrompts"/> off) nothing is
/// made and the PBX plays whatever is there.
/// </summary>
public sealed class VoicePromptFiles(IOptions<VoiceOptions> options, ILogger<VoicePromptFiles> log)
{
    public const string Voice = "fr-fr";
    public const int Speed = 150;
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromSeconds(20);

    /// <summary>True when the prompt's files are there (made now, earlier, or recorded by hand).</summary>
    public async Task<bool> EnsureAsync(VoiceAction prompt, CancellationToken ct)
    {
        var dir = options.Value.PromptsPath;
        var name = VoicePrompts.Name(prompt);
        var text = VoicePrompts.Text(prompt);
        var alaw = Path.Combine(dir, name + ".alaw");
        var sidecar = Path.Combine(dir, name + ".txt");
        if (File.Exists(alaw) && (!File.Exists(sidecar) || await File.ReadAllTextAsync(sidecar, ct) == Key(text))) return true;
        if (!options.Value.GeneratePrompts) return File.Exists(alaw);
        try
        {
            Directory.CreateDirectory(dir);
            var scratch = Path.Combine(dir, $".{name}.{Guid.NewGuid():N}");
            try
            {
                if (!await RunAsync("espeak-ng", ["-v", Voice, "-s", Speed.ToString(System.Globalization.CultureInfo.InvariantCulture), "-w", scratch + ".src.wav", "--", text], ct)) return false;
                if (!await RunAsync("sox", [scratch + ".src.wav", "-r", "8000", "-c", "1", "-e", "a-law", "-t", "al", scratch + ".alaw"], ct)) return false;
                if (!await RunAsync("sox", [scratch + ".src.wav", "-r", "8000", "-c", "1", "-e", "u-law", "-t", "ul", scratch + ".ulaw"], ct)) return false;
                if (!await RunAsync("sox", [scratch + ".src.wav", "-r", "8000", "-c", "1", "-b", "16", "-e", "signed-integer", scratch + ".wav"], ct)) return false;
                // Moves are atomic: a call playing the prompt meanwhile reads either the old file or the new one.
                foreach (var ext in new[] { ".ulaw", ".wav", ".alaw" }) File.Move(scratch + ext, Path.Combine(dir, name + ext), overwrite: true);
                await File.WriteAllTextAsync(sidecar, Key(text), ct);
                return true;
            }
            finally
            {
                // Only this attempt's own scratch files: another call may be making the same prompt meanwhile.
                foreach (var leftover in Directory.EnumerateFiles(dir, Path.GetFileName(scratch) + ".*")) File.Delete(leftover);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.ComponentModel.Win32Exception)
        {
            log.LogWarning("Voice prompt {Prompt} not generated: {Error}", name, e.Message);
            return false;
        }
    }

    /// <summary>What the file was made from: a change of words, voice or speed makes it again.</summary>
    private static string Key(string text) => $"{Voice}|{Speed}|{text}";

    private async Task<bool> RunAsync(string tool, IReadOnlyList<string> arguments, CancellationToken ct)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new IOException($"{tool} did not start.");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(ToolTimeout);
        var errors = process.StandardError.ReadToEndAsync(timeout.Token);
        _ = process.StandardOutput.ReadToEndAsync(timeout.Token);
        try { await process.WaitForExitAsync(timeout.Token); }
        catch (OperationCanceledException) { process.Kill(entireProcessTree: true); throw; }
        if (process.ExitCode == 0) return true;
        log.LogWarning("{Tool} failed with exit code {Code}: {Errors}", tool, process.ExitCode, (await errors).Trim());
        return false;
    }
}

using Guichet.Domain.Voice;
using Guichet.Web.Features.Voice;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Guichet.Web.Tests.Voice;

/// <summary>Needs the Debian packages espeak-ng and sox; without them, what the generator does then.</summary>
public sealed class VoicePromptFilesTests : IDisposable
{
    private readonly string dir = Path.Combine(Path.GetTempPath(), "guichet-prompts-" + Guid.NewGuid().ToString("N"));

    private VoicePromptFiles Files(bool generate = true) =>
        new(Options.Create(new VoiceOptions { PromptsPath = dir, GeneratePrompts = generate }), NullLogger<VoicePromptFiles>.Instance);

    private static bool ToolsPresent => new[] { "espeak-ng", "sox" }.All(tool =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(p => File.Exists(Path.Combine(p, tool))));

    [Fact]
    public async Task A_sentence_becomes_8_khz_alaw_ulaw_and_wav_files_made_once()
    {
        var say = new VoiceAction.Say("Votre rendez-vous est confirmé, le mardi premier décembre à neuf heures trente.");
        var name = VoicePrompts.Name(say);
        var made = await Files().EnsureAsync(say, CancellationToken.None);
        if (!ToolsPresent)
        {
            // Without the tools the call goes on: nothing is made, nothing thrown.
            Assert.False(made);
            Assert.False(File.Exists(Path.Combine(dir, name + ".alaw")));
            return;
        }
        Assert.True(made);
        var alaw = new FileInfo(Path.Combine(dir, name + ".alaw"));
        Assert.True(alaw.Length > 8000, "at least a second of A-law at 8 kHz");
        Assert.True(File.Exists(Path.Combine(dir, name + ".ulaw")));
        var wav = await File.ReadAllBytesAsync(Path.Combine(dir, name + ".wav"));
        Assert.Equal(8000, BitConverter.ToInt32(wav, 24));   // sample rate
        Assert.Equal(16, BitConverter.ToInt16(wav, 34));     // bits per sample
        Assert.Equal(1, BitConverter.ToInt16(wav, 22));      // mono
        Assert.Empty(Directory.EnumerateFiles(dir, ".*"));   // no scratch file left

        var written = alaw.LastWriteTimeUtc;
        Assert.True(await Files().EnsureAsync(say, CancellationToken.None));
        Assert.Equal(written, new FileInfo(alaw.FullName).LastWriteTimeUtc);   // cached
    }

    [Fact]
    public async Task A_prompt_recorded_by_an_administrator_is_never_replaced_and_new_words_make_a_generated_one_again()
    {
        Directory.CreateDirectory(dir);
        var recorded = Path.Combine(dir, "menu.alaw");
        await File.WriteAllBytesAsync(recorded, [1, 2, 3]);
        Assert.True(await Files().EnsureAsync(new VoiceAction.Play("menu", "Pour prendre rendez-vous, tapez 1."), CancellationToken.None));
        Assert.Equal([1, 2, 3], await File.ReadAllBytesAsync(recorded));
        if (!ToolsPresent) return;

        Assert.True(await Files().EnsureAsync(new VoiceAction.Play("goodbye", "Au revoir."), CancellationToken.None));
        var first = await File.ReadAllBytesAsync(Path.Combine(dir, "goodbye.alaw"));
        Assert.True(await Files().EnsureAsync(new VoiceAction.Play("goodbye", "Merci de votre appel. Au revoir."), CancellationToken.None));
        Assert.NotEqual(first.Length, (await File.ReadAllBytesAsync(Path.Combine(dir, "goodbye.alaw"))).Length);
    }

    [Fact]
    public async Task With_generation_off_nothing_is_made()
    {
        Assert.False(await Files(generate: false).EnsureAsync(new VoiceAction.Say("Bonjour."), CancellationToken.None));
        Assert.False(Directory.Exists(dir));
    }

    public void Dispose()
    {
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
    }
}

using System.Security.Cryptography;
using System.Text;
using Guichet.Domain.Voice;

namespace Guichet.Web.Features.Voice;

/// <summary>
/// Names the sound file of each prompt: fixed prompts by their id (an administrator may record them), words built
/// for one call by a hash of the text, so a generated file is made once and reused by every call that says the same.
/// </summary>
public static class VoicePrompts
{
    public static string Name(VoiceAction action) => action switch
    {
        VoiceAction.Play p => p.PromptId,
        VoiceAction.Say s => "say-" + Hash(s.Text),
        _ => throw new ArgumentException("Not a prompt.", nameof(action)),
    };

    public static string Text(VoiceAction action) => action switch
    {
        VoiceAction.Play p => p.Text,
        VoiceAction.Say s => s.Text,
        _ => "",
    };

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..20];
}

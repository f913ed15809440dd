using System.Net;

namespace Guichet.Web.Features.Voice;

/// <summary>Voice server settings (section "Voice").</summary>
public sealed class VoiceOptions
{
    public FastAgiOptions FastAgi { get; set; } = new();
    public TwilioOptions Twilio { get; set; } = new();
    /// <summary>Where a person answers, per organisation id: a dial string for Asterisk ("PJSIP/accueil"), a number or
    /// "sip:…" for TwiML. No entry: callers asking for a person leave a message.</summary>
    public Dictionary<string, string> Transfers { get; set; } = [];
    /// <summary>The prompts' directory as the PBX sees it (STREAM FILE paths, without extension).</summary>
    public string PromptsPath { get; set; } = "/var/lib/guichet/prompts";
    /// <summary>Where the PBX writes messages (RECORD FILE).</summary>
    public string RecordingsPath { get; set; } = "/var/spool/guichet";
    /// <summary>Make missing prompt files with espeak-ng and sox (Debian packages espeak-ng, sox) in <see cref="PromptsPath"/>,
    /// which must then be a directory this application writes and the PBX reads.</summary>
    public bool GeneratePrompts { get; set; }
    /// <summary>How long a slot stays held while the caller confirms.</summary>
    public int HoldMinutes { get; set; } = 5;
}

public sealed class FastAgiOptions
{
    /// <summary>host:port; empty switches the FastAGI door off. FastAGI has no authentication: keep it on loopback or a private network.</summary>
    public string Listen { get; set; } = "127.0.0.1:4573";

    public IPEndPoint? EndPoint() => string.IsNullOrWhiteSpace(Listen) ? null : IPEndPoint.Parse(Listen);
}

public sealed class TwilioOptions
{
    /// <summary>The account's auth token: the key of X-Twilio-Signature. Empty switches the TwiML door off.</summary>
    public string AuthToken { get; set; } = "";
    /// <summary>The public base URL the provider calls (behind a reverse proxy, the URL must be rebuilt exactly).</summary>
    public string? PublicBaseUrl { get; set; }
}

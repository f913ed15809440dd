using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Guichet.Domain.Voice;
using Microsoft.Extensions.Options;

namespace Guichet.Web.Features.Voice;

/// <summary>
/// The FastAGI door: Asterisk connects once per call (<c>AGI(agi://host:4573/rdv,organisation-id)</c>), sends its
/// environment block, then we send one command per line and read one reply each. The dialogue runs turn by turn
/// through <see cref="RunVoiceTurn"/>, whose state is in the database. The socket is closed after HANGUP, or when
/// the caller hangs up: Asterisk keeps a dead channel in AGI until we close.
/// </summary>
public sealed partial class FastAgiServer(IServiceScopeFactory scopes, IOptions<VoiceOptions> options, VoicePromptFiles promptFiles, ILogger<FastAgiServer> log) : BackgroundService
{
    private const string EscapeDigits = "0123456789*#";
    private static readonly TimeSpan CallLimit = TimeSpan.FromMinutes(30);
    private static readonly TimeSpan EnvironmentLimit = TimeSpan.FromSeconds(15);
    private readonly TaskCompletionSource<IPEndPoint?> bound = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The address actually listened on (a test asks for port 0); null when the door is off or could not bind.</summary>
    public Task<IPEndPoint?> EndPointAsync => bound.Task;

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        var endPoint = options.Value.FastAgi.EndPoint();
        if (endPoint is null) { bound.TrySetResult(null); return; }
        var listener = new TcpListener(endPoint);
        try { listener.Start(); }
        catch (SocketException e)
        {
            // Another process holds the port: the rest of the application still serves.
            log.LogCritical(e, "FastAGI door cannot listen on {EndPoint}", endPoint);
            bound.TrySetResult(null);
            return;
        }
        bound.TrySetResult((IPEndPoint)listener.LocalEndpoint);
        log.LogInformation("FastAGI door listening on {EndPoint}", listener.LocalEndpoint);
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var client = await listener.AcceptTcpClientAsync(stop);
                _ = Task.Run(() => ServeAsync(client, stop), stop);
            }
        }
        catch (OperationCanceledException) { }
        finally { listener.Stop(); }
    }

    private async Task ServeAsync(TcpClient client, CancellationToken stop)
    {
        using var _ = client;
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(stop);
        limit.CancelAfter(CallLimit);
        var ct = limit.Token;
        string? callId = null;
        try
        {
            var stream = client.GetStream();
            var channel = new AgiChannel(new AgiLineReader(stream), new StreamWriter(stream, new UTF8Encoding(false)) { NewLine = "\n", AutoFlush = true });
            // Asterisk sends its environment at once; a peer that connects and says nothing is dropped, not waited for.
            Dictionary<string, string>? env;
            using (var greeting = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                greeting.CancelAfter(EnvironmentLimit);
                env = await channel.ReadEnvironmentAsync(greeting.Token);
            }
            if (env is null) return;
            var uniqueId = env.GetValueOrDefault("agi_uniqueid");
            callId = "agi-" + (string.IsNullOrWhiteSpace(uniqueId) ? Platform.Secrets.NewId() : uniqueId.Trim());
            var called = NonEmpty(env.GetValueOrDefault("agi_dnid")) ?? NonEmpty(env.GetValueOrDefault("agi_extension"));
            await channel.SendAsync("ANSWER", ct);

            var actions = await WithTurnAsync(t => t.StartAsync(callId, "fastagi", NonEmpty(env.GetValueOrDefault("agi_arg_1")),
                NonEmpty(env.GetValueOrDefault("agi_callerid")), called, ct));
            while (true)
            {
                var (next, done) = await PerformAsync(channel, actions, ct);
                if (done) break;
                actions = await WithTurnAsync(t => t.RunAsync(callId, next!, ct));
                // After the caller's hang-up only commands remain (release a hold); the socket closes now.
                if (next is VoiceEvent.HangUp) break;
                if (channel.HungUp)
                {
                    // The caller left during a transfer or a recording: that answer was the last one.
                    await WithTurnAsync(t => t.RunAsync(callId, new VoiceEvent.HangUp(), ct));
                    break;
                }
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or SocketException)
        {
            // The PBX went away or the call outlived its limit: the hang-up still releases any held slot.
            log.LogInformation("FastAGI call {CallId} lost: {Error}", callId, e.GetType().Name);
            if (callId is not null) await TryHangUpAsync(callId);
        }
        catch (Exception e)
        {
            log.LogError(e, "FastAGI call {CallId} failed", callId);
            if (callId is not null) await TryHangUpAsync(callId);
        }
    }

    private async Task TryHangUpAsync(string callId)
    {
        try { await WithTurnAsync(t => t.RunAsync(callId, new VoiceEvent.HangUp(), CancellationToken.None)); }
        catch (Exception e) { log.LogError(e, "FastAGI call {CallId}: hang-up not recorded", callId); }
    }

    private static readonly Meter VoiceMeter = new("Guichet.Voice");
    private static readonly Histogram<double> TurnDuration = VoiceMeter.CreateHistogram<double>("guichet.voice.turn.duration", "ms",
        "One dialogue turn of a FastAGI call: the engine and its database reads and writes, without the socket.");

    private async Task<IReadOnlyList<VoiceAction>> WithTurnAsync(Func<RunVoiceTurn, Task<IReadOnlyList<VoiceAction>>> run)
    {
        var started = Stopwatch.GetTimestamp();
        await using var scope = scopes.CreateAsyncScope();
        var actions = await run(scope.ServiceProvider.GetRequiredService<RunVoiceTurn>());
        var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        TurnDuration.Record(ms);
        // A figure only, no call id nor number: the voice bench reads these lines (Debug is off by default).
        if (log.IsEnabled(LogLevel.Debug)) log.LogDebug("FastAGI turn in {Milliseconds} ms", ms.ToString("0.###", CultureInfo.InvariantCulture));
        return actions;
    }

    private static string? NonEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    /// <summary>Plays the actions; returns the event they led to, or done when the call is over (socket to close).</summary>
    private async Task<(VoiceEvent? Next, bool Done)> PerformAsync(AgiChannel agi, IReadOnlyList<VoiceAction> actions, CancellationToken ct)
    {
        var prompts = options.Value.PromptsPath.TrimEnd('/');
        var gathers = actions.Any(a => a is VoiceAction.Gather);
        var typed = "";
        // Every prompt of the turn is made before the first plays: no silent gap between two prompts, where a key the
        // caller presses would be lost (Asterisk drops the frames that arrive between two AGI commands).
        await Task.WhenAll(actions.Where(a => a is VoiceAction.Play or VoiceAction.Say).Distinct()
            .Select(a => promptFiles.EnsureAsync(a, ct)));
        foreach (var action in actions)
        {
            if (agi.HungUp) return (new VoiceEvent.HangUp(), false);
            switch (action)
            {
                case VoiceAction.Play or VoiceAction.Say:
                    if (typed.Length > 0) continue;   // the caller barged in: the rest of the prompts is skipped
                    var played = await agi.SendAsync($"STREAM FILE {prompts}/{VoicePrompts.Name(action)} \"{(gathers ? EscapeDigits : "")}\"", ct);
                    if (played.Result is > 0 and < 256) typed = ((char)played.Result).ToString();
                    break;
                case VoiceAction.Gather g:
                    if (typed.Length > 0 && (g.MaxDigits == 1 || typed == "#")) return (Keys(typed), false);
                    var left = typed.Length > 0 ? g.MaxDigits - 1 : g.MaxDigits;
                    var data = await agi.SendAsync($"GET DATA silence/1 {g.TimeoutSeconds * 1000} {left}", ct);
                    if (agi.HungUp || data.Result < 0) return (new VoiceEvent.HangUp(), false);
                    var digits = typed + (data.Code == 200 ? data.Digits : "");
                    return (digits.TrimEnd('#').Length == 0 && typed != "*" ? new VoiceEvent.NoInput() : Keys(digits), false);
                case VoiceAction.Transfer t:
                    // Dial's own result means little (-1 after an answered call was hung up): DIALSTATUS tells.
                    await agi.SendAsync($"EXEC Dial {t.Target},{t.TimeoutSeconds}", ct);
                    var status = await agi.SendAsync("GET VARIABLE DIALSTATUS", ct);
                    return (new VoiceEvent.TransferResult(status.Data == "ANSWER"), false);
                case VoiceAction.Record r:
                    var file = $"{options.Value.RecordingsPath.TrimEnd('/')}/msg-{SafeName(agi.CallName)}";
                    var rec = await agi.SendAsync($"RECORD FILE {file} wav \"#\" {r.MaxSeconds * 1000} 0 s={r.SilenceSeconds}", ct);
                    // The numeric result is meaningless on silence; the data and endpos (8 kHz samples) tell.
                    var seconds = rec.EndPos is { } end ? (int)(end / 8000) : 0;
                    var ok = rec.Code == 200 && rec.Data is "timeout" or "dtmf" or "hangup";
                    return (new VoiceEvent.RecordingDone(ok ? file + ".wav" : null, ok ? seconds : 0), false);
                case VoiceAction.Hangup:
                    if (!agi.HungUp) await agi.SendAsync("HANGUP", ct);
                    return (null, true);
            }
        }
        if (agi.HungUp) return (new VoiceEvent.HangUp(), false);
        // Only a hang-up of the caller leaves nothing to do (the engine answered it with no action).
        return (null, true);
    }

    private static VoiceEvent Keys(string keys) => new VoiceEvent.Digits(keys);

    private static string SafeName(string name) => SafeNamePattern().Replace(name, "-");

    [GeneratedRegex("[^A-Za-z0-9._-]")]
    private static partial Regex SafeNamePattern();
}

/// <summary>A reply line: <c>200 result=49 (data) endpos=1234</c>.</summary>
public sealed partial record AgiReply(int Code, int Result, string Digits, string? Data, long? EndPos)
{
    // 3-digit code, space or dash, optional result= (signed integer or digit string), optional (data), optional endpos=.
    [GeneratedRegex(@"^(?<code>\d{3})[ -](?:result=(?<result>-?[0-9*#]*))?\s*(?:\((?<data>[^)]*)\))?\s*(?:endpos=(?<endpos>-?\d+))?")]
    private static partial Regex Pattern();

    public static AgiReply Parse(string line)
    {
        var m = Pattern().Match(line);
        if (!m.Success) return new AgiReply(0, -1, "", null, null);
        var code = int.Parse(m.Groups["code"].Value, CultureInfo.InvariantCulture);
        var raw = m.Groups["result"].Value;
        var result = int.TryParse(raw, CultureInfo.InvariantCulture, out var n) ? n : raw.Length > 0 ? 0 : code == 200 ? 0 : -1;
        // GET DATA answers the digit string itself (may start with 0, or contain * and #).
        var digits = raw.StartsWith('-') ? "" : raw;
        long? endPos = m.Groups["endpos"].Success ? long.Parse(m.Groups["endpos"].Value, CultureInfo.InvariantCulture) : null;
        return new AgiReply(code, code == 200 ? result : -1, digits, m.Groups["data"].Success ? m.Groups["data"].Value : null, endPos);
    }
}

/// <summary>One FastAGI connection: writes commands, reads replies, notices the unsolicited HANGUP line.</summary>
internal sealed class AgiChannel(AgiLineReader reader, StreamWriter writer)
{
    public bool HungUp { get; private set; }
    public string CallName { get; private set; } = "call";

    public async Task<Dictionary<string, string>?> ReadEnvironmentAsync(CancellationToken ct)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        while (true)
        {
            var line = await reader.ReadLineAsync(ct);
            if (line is null) return null;
            if (line.Length == 0) break;
            var colon = line.IndexOf(':');
            if (colon > 0) env[line[..colon].Trim()] = line[(colon + 1)..].Trim();
            if (env.Count > 200) return null;   // not Asterisk
        }
        CallName = env.GetValueOrDefault("agi_uniqueid") is { Length: > 0 } id ? id : Guid.NewGuid().ToString("N");
        return env;
    }

    /// <summary>Sends one command and reads its reply; after a hang-up, media commands answer 511.</summary>
    public async Task<AgiReply> SendAsync(string command, CancellationToken ct)
    {
        await writer.WriteLineAsync(command.AsMemory(), ct);
        while (true)
        {
            var line = await reader.ReadLineAsync(ct) ?? throw new IOException("FastAGI connection closed.");
            if (line.StartsWith("HANGUP", StringComparison.Ordinal)) { HungUp = true; continue; }   // an event, not the reply
            if (line.StartsWith("520-", StringComparison.Ordinal))
            {
                // Multi-line usage text: read up to "520 End of proper usage."
                while ((await reader.ReadLineAsync(ct) ?? throw new IOException("FastAGI connection closed.")) is var l && !l.StartsWith("520 ", StringComparison.Ordinal)) { }
                return new AgiReply(520, -1, "", null, null);
            }
            var reply = AgiReply.Parse(line);
            if (reply.Code == 511) HungUp = true;
            return reply;
        }
    }
}

/// <summary>
/// Reads the AGI socket line by line with a bound on the line: a peer sending bytes without ever a newline would
/// otherwise grow one string without end. Invalid UTF-8 becomes U+FFFD, as StreamReader did.
/// </summary>
internal sealed class AgiLineReader(Stream stream, int maxLine = 8 * 1024)
{
    private static readonly UTF8Encoding Utf8 = new(false, false);
    private readonly byte[] buffer = new byte[4096];
    private int start, end;
    private readonly MemoryStream line = new();

    public async Task<string?> ReadLineAsync(CancellationToken ct)
    {
        line.SetLength(0);
        while (true)
        {
            if (start == end)
            {
                start = 0;
                end = await stream.ReadAsync(buffer, ct);
                if (end == 0) return line.Length > 0 ? Decode() : null;
            }
            var newline = Array.IndexOf(buffer, (byte)'\n', start, end - start);
            var stop = newline < 0 ? end : newline;
            line.Write(buffer, start, stop - start);
            if (line.Length > maxLine) throw new IOException("FastAGI line too long.");
            start = newline < 0 ? end : newline + 1;
            if (newline >= 0) return Decode();
        }
    }

    private string Decode()
    {
        var bytes = line.GetBuffer().AsSpan(0, (int)line.Length);
        if (bytes.Length > 0 && bytes[^1] == (byte)'\r') bytes = bytes[..^1];
        return Utf8.GetString(bytes);
    }
}

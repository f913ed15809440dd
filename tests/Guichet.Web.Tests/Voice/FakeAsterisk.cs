using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Guichet.Web.Tests.Voice;

/// <summary>
/// Plays Asterisk's part of FastAGI over a real socket: connects, sends the environment block of a real call,
/// then reads the application's commands and answers them the way Asterisk does.
/// </summary>
public sealed class FakeAsterisk : IAsyncDisposable
{
    private readonly TcpClient client = new();
    private StreamReader reader = null!;
    private StreamWriter writer = null!;
    public List<string> Commands { get; } = [];
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    public static async Task<FakeAsterisk> CallAsync(IPEndPoint server, string uniqueId, string? callerId = "0612345678", string organisation = "mairie-lorval")
    {
        var agi = new FakeAsterisk();
        await agi.client.ConnectAsync(server);
        var stream = agi.client.GetStream();
        agi.reader = new StreamReader(stream, Encoding.UTF8);
        agi.writer = new StreamWriter(stream, new UTF8Encoding(false)) { NewLine = "\n", AutoFlush = true };
        string[] env =
        [
            "agi_network: yes", "agi_network_script: rdv", "agi_request: agi://127.0.0.1:4573/rdv", "agi_channel: PJSIP/sipp-00000001",
            "agi_language: fr", "agi_type: PJSIP", $"agi_uniqueid: {uniqueId}", "agi_version: 16.28.0", $"agi_callerid: {callerId ?? "unknown"}",
            "agi_calleridname: Jeanne Martin", "agi_callingpres: 0", "agi_callingani2: 0", "agi_callington: 0", "agi_callingtns: 0",
            "agi_dnid: 100", "agi_rdnis: unknown", "agi_context: ivr", "agi_extension: 100", "agi_priority: 1", "agi_enhanced: 0.0",
            "agi_accountcode: ", "agi_threadid: 140231", $"agi_arg_1: {organisation}", "",
        ];
        foreach (var line in env) await agi.writer.WriteLineAsync(line);
        return agi;
    }

    /// <summary>The application's next command (null when it closed the socket).</summary>
    public async Task<string?> NextAsync()
    {
        using var timeout = new CancellationTokenSource(Patience);
        var line = await reader.ReadLineAsync(timeout.Token);
        if (line is not null) Commands.Add(line);
        return line;
    }

    public Task ReplyAsync(string line) => writer.WriteLineAsync(line);

    /// <summary>Answers every prompt as fully played and returns the first command that is not one.</summary>
    public async Task<string> PlayUntilAsync(string prefix)
    {
        while (true)
        {
            var command = await NextAsync() ?? throw new InvalidOperationException($"Socket closed while waiting for {prefix}; commands: {string.Join(" | ", Commands)}");
            if (command.StartsWith(prefix, StringComparison.Ordinal)) return command;
            if (command.StartsWith("STREAM FILE", StringComparison.Ordinal) || command == "ANSWER") await ReplyAsync(command == "ANSWER" ? "200 result=0" : "200 result=0 endpos=16315");
            else throw new InvalidOperationException($"Unexpected {command} while waiting for {prefix}");
        }
    }

    /// <summary>Plays up to the next GET DATA and types the keys (Asterisk answers GET DATA with the digit string).</summary>
    public async Task TypeAsync(string keys)
    {
        await PlayUntilAsync("GET DATA");
        await ReplyAsync($"200 result={keys}");
    }

    public async Task<bool> ClosedByServerAsync()
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (await reader.ReadLineAsync(timeout.Token) is { } extra)
        {
            Commands.Add(extra);
            await ReplyAsync("511 Command Not Permitted on a dead channel or intercept routine");
        }
        return true;
    }

    public ValueTask DisposeAsync()
    {
        client.Dispose();
        return ValueTask.CompletedTask;
    }
}

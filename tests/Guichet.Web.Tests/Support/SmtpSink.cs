using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Guichet.Web.Tests.Support;

/// <summary>One message as the sink received it: envelope and the raw RFC 5322 text (dot-unstuffed).</summary>
public sealed record ReceivedMail(string From, IReadOnlyList<string> To, string Raw)
{
    public MimePart Parsed => MimePart.Parse(Raw);
}

/// <summary>
/// A real SMTP server on loopback, enough of RFC 5321 for our client: greeting, EHLO/HELO, MAIL FROM, RCPT TO, DATA
/// with dot-unstuffing, RSET, NOOP, QUIT. It can be stopped (the port then refuses connections) and started again on
/// the same port, to play an SMTP outage.
/// </summary>
public sealed class SmtpSink : IAsyncDisposable
{
    private readonly ConcurrentQueue<ReceivedMail> received = new();
    private TcpListener? listener;
    private CancellationTokenSource? stop;
    private Task? loop;

    public int Port { get; private set; }
    public IReadOnlyList<ReceivedMail> Messages => received.ToArray();

    public static SmtpSink Start()
    {
        var sink = new SmtpSink();
        sink.Listen(0);
        return sink;
    }

    public void Restart() => Listen(Port);

    private void Listen(int port)
    {
        listener = new TcpListener(IPAddress.Loopback, port);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        stop = new CancellationTokenSource();
        var token = stop.Token;
        var server = listener;
        loop = Task.Run(async () =>
        {
            while (!token.IsCancellationRequested)
            {
                TcpClient client;
                try { client = await server.AcceptTcpClientAsync(token); }
                catch (Exception) { return; }
                _ = Task.Run(() => ServeAsync(client, token));
            }
        });
    }

    public async Task StopAsync()
    {
        stop?.Cancel();
        listener?.Stop();
        if (loop is not null) await loop;
        listener = null;
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private async Task ServeAsync(TcpClient client, CancellationToken ct)
    {
        using var _ = client;
        var stream = client.GetStream();
        // Latin-1 keeps every byte as one char; the raw text is decoded later, part by part.
        var reader = new StreamReader(stream, Encoding.Latin1);
        var writer = new StreamWriter(stream, Encoding.Latin1) { NewLine = "\r\n", AutoFlush = true };
        string? from = null;
        var to = new List<string>();
        try
        {
            await writer.WriteLineAsync("220 sink.test ESMTP ready");
            while (await reader.ReadLineAsync(ct) is { } line)
            {
                var verb = (line.Length >= 4 ? line[..4] : line).ToUpperInvariant();
                switch (verb)
                {
                    case "EHLO":
                        await writer.WriteAsync("250-sink.test\r\n250-8BITMIME\r\n250 SIZE 10485760\r\n");
                        break;
                    case "HELO":
                        await writer.WriteLineAsync("250 sink.test");
                        break;
                    case "MAIL":
                        from = Address(line);
                        to.Clear();
                        await writer.WriteLineAsync("250 2.1.0 Ok");
                        break;
                    case "RCPT":
                        if (from is null) { await writer.WriteLineAsync("503 5.5.1 MAIL first"); break; }
                        to.Add(Address(line));
                        await writer.WriteLineAsync("250 2.1.5 Ok");
                        break;
                    case "DATA":
                        if (to.Count == 0) { await writer.WriteLineAsync("503 5.5.1 RCPT first"); break; }
                        await writer.WriteLineAsync("354 End data with <CR><LF>.<CR><LF>");
                        var data = new StringBuilder();
                        while (await reader.ReadLineAsync(ct) is { } dataLine && dataLine != ".")
                            data.Append(dataLine.StartsWith('.') ? dataLine[1..] : dataLine).Append("\r\n");
                        received.Enqueue(new ReceivedMail(from!, to.ToList(), data.ToString()));
                        from = null;
                        to.Clear();
                        await writer.WriteLineAsync("250 2.0.0 Ok: queued");
                        break;
                    case "RSET":
                        from = null;
                        to.Clear();
                        await writer.WriteLineAsync("250 2.0.0 Ok");
                        break;
                    case "NOOP":
                        await writer.WriteLineAsync("250 2.0.0 Ok");
                        break;
                    case "QUIT":
                        await writer.WriteLineAsync("221 2.0.0 Bye");
                        return;
                    default:
                        await writer.WriteLineAsync("502 5.5.2 Command not recognized");
                        break;
                }
            }
        }
        catch (Exception) when (ct.IsCancellationRequested) { }
        catch (IOException) { }
    }

    private static string Address(string line)
    {
        var start = line.IndexOf('<');
        var end = line.IndexOf('>', start + 1);
        return start >= 0 && end > start ? line[(start + 1)..end] : line[(line.IndexOf(':') + 1)..].Trim();
    }
}

/// <summary>
/// Just enough MIME to read our own messages back (no MIME library is available): headers with RFC 2047 words,
/// nested multiparts, base64 and quoted-printable bodies.
/// </summary>
public sealed class MimePart
{
    public required IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; }
    public required string Body { get; init; }
    public IReadOnlyList<MimePart> Parts { get; init; } = [];

    public string? Header(string name) => Headers.FirstOrDefault(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;
    public string ContentType => (Header("Content-Type") ?? "text/plain").Split(';')[0].Trim().ToLowerInvariant();

    public string? Parameter(string header, string name)
    {
        foreach (var p in (Header(header) ?? "").Split(';').Skip(1))
        {
            var eq = p.IndexOf('=');
            if (eq > 0 && p[..eq].Trim().Equals(name, StringComparison.OrdinalIgnoreCase)) return p[(eq + 1)..].Trim().Trim('"');
        }
        return null;
    }

    /// <summary>Every leaf part, depth first.</summary>
    public IEnumerable<MimePart> Leaves => Parts.Count == 0 ? [this] : Parts.SelectMany(p => p.Leaves);

    public MimePart? Find(string contentType) => Leaves.FirstOrDefault(p => p.ContentType == contentType);

    /// <summary>The decoded bytes of a leaf.</summary>
    public byte[] Content => (Header("Content-Transfer-Encoding") ?? "7bit").Trim().ToLowerInvariant() switch
    {
        "base64" => Convert.FromBase64String(string.Concat(Body.Where(c => !char.IsWhiteSpace(c)))),
        "quoted-printable" => QuotedPrintable(Body),
        _ => Encoding.Latin1.GetBytes(Body),
    };

    public string Text => Encoding.UTF8.GetString(Content);

    /// <summary>A header with its encoded words decoded.</summary>
    public string DecodedHeader(string name) => System.Text.RegularExpressions.Regex.Replace(
        Header(name) ?? "", @"=\?([^?]+)\?([bBqQ])\?([^?]*)\?=\s*", m =>
        {
            var encoding = Encoding.GetEncoding(m.Groups[1].Value);
            var text = m.Groups[3].Value;
            return m.Groups[2].Value.ToUpperInvariant() == "B"
                ? encoding.GetString(Convert.FromBase64String(text))
                : encoding.GetString(QuotedPrintable(text.Replace('_', ' ')));
        });

    public static MimePart Parse(string raw)
    {
        var split = raw.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var head = split < 0 ? raw : raw[..split];
        var body = split < 0 ? "" : raw[(split + 4)..];
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var line in head.Split("\r\n"))
        {
            if (line.Length > 0 && (line[0] == ' ' || line[0] == '\t') && headers.Count > 0)
                headers[^1] = new(headers[^1].Key, headers[^1].Value + " " + line.Trim());
            else if (line.IndexOf(':') is var colon and > 0)
                headers.Add(new(line[..colon].Trim(), line[(colon + 1)..].Trim()));
        }
        var part = new MimePart { Headers = headers, Body = body };
        if (!part.ContentType.StartsWith("multipart/", StringComparison.Ordinal)) return part;
        var boundary = "--" + part.Parameter("Content-Type", "boundary");
        var children = new List<MimePart>();
        foreach (var chunk in body.Split(boundary).Skip(1))
        {
            if (chunk.StartsWith("--", StringComparison.Ordinal)) break;
            var content = chunk.StartsWith("\r\n", StringComparison.Ordinal) ? chunk[2..] : chunk;
            if (content.EndsWith("\r\n", StringComparison.Ordinal)) content = content[..^2];
            children.Add(Parse(content));
        }
        return new MimePart { Headers = headers, Body = body, Parts = children };
    }

    private static byte[] QuotedPrintable(string text)
    {
        var bytes = new List<byte>();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '=' && i + 2 < text.Length && text[i + 1] == '\r' && text[i + 2] == '\n') { i += 2; continue; }   // soft line break
            if (text[i] == '=' && i + 2 < text.Length && Uri.IsHexDigit(text[i + 1]) && Uri.IsHexDigit(text[i + 2]))
            {
                bytes.Add(Convert.ToByte(text.Substring(i + 1, 2), 16));
                i += 2;
            }
            else bytes.Add((byte)text[i]);
        }
        return bytes.ToArray();
    }
}

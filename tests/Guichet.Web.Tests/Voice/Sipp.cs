using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;

namespace Guichet.Web.Tests.Voice;

/// <summary>
/// A caller played by SIPp (Debian package sip-tester): an INVITE to extension 100 of the local Asterisk, then key
/// presses sent as RFC 4733 telephone events at set moments, then the BYE (Asterisk's, or the caller's own).
/// </summary>
/// <remarks>
/// The key presses are pcap files written here, one per key. SIPp's own <c>dtmf_2833_*.pcap</c> all carry the same
/// sequence numbers and timestamp, so Asterisk takes a second press of any key for a retransmission of the first and
/// drops it; these files number every event of the call on from the previous one, as a real phone does.
/// </remarks>
public sealed class SippCaller
{
    private readonly List<(int AfterMs, string Keys, int GapMs)> presses = [];
    private readonly string callerId;

    public SippCaller(string callerId) => this.callerId = callerId;

    /// <summary>Waits, then presses the keys one after the other (a gap between two keys of a number).</summary>
    public SippCaller Press(string keys, int afterMs, int gapMs = 400)
    {
        presses.Add((afterMs, keys, gapMs));
        return this;
    }

    /// <summary>Runs the call; returns SIPp's exit code (0: the call went as scripted) and what it printed.</summary>
    public async Task<(int ExitCode, string Output)> CallAsync(int asteriskSipPort, bool hangUpAfterKeys, TimeSpan limit)
    {
        var dir = Directory.CreateTempSubdirectory("guichet-sipp-").FullName;
        try
        {
            var scenario = WriteScenario(dir, hangUpAfterKeys);
            var start = new ProcessStartInfo("sipp") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in new[]
                     {
                         $"127.0.0.1:{asteriskSipPort}", "-sf", scenario, "-i", "127.0.0.1", "-p", "5080", "-mi", "127.0.0.1", "-mp", "16000",
                         "-m", "1", "-nostdin", "-timeout", $"{(int)limit.TotalSeconds}s", "-trace_err", "-error_file", Path.Combine(dir, "errors.log"),
                     })
                start.ArgumentList.Add(a);
            using var sipp = Process.Start(start) ?? throw new InvalidOperationException("sipp did not start");
            var output = sipp.StandardOutput.ReadToEndAsync();
            var errors = sipp.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(limit + TimeSpan.FromSeconds(15));
            try { await sipp.WaitForExitAsync(timeout.Token); }
            catch (OperationCanceledException) { sipp.Kill(entireProcessTree: true); throw new TimeoutException("sipp did not finish"); }
            var log = Path.Combine(dir, "errors.log");
            var tail = (await output)[^Math.Min(2000, (await output).Length)..];
            return (sipp.ExitCode, $"{tail}\n{await errors}\n{(File.Exists(log) ? await File.ReadAllTextAsync(log) : "")}");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private string WriteScenario(string dir, bool hangUpAfterKeys)
    {
        var steps = new StringBuilder();
        var events = new DtmfEvents();
        var n = 0;
        foreach (var (afterMs, keys, gapMs) in presses)
        {
            for (var i = 0; i < keys.Length; i++)
            {
                steps.Append($"  <pause milliseconds=\"{(i == 0 ? afterMs : gapMs)}\"/>\n");
                var pcap = Path.Combine(dir, $"key-{++n:D2}.pcap");
                File.WriteAllBytes(pcap, events.Next(keys[i]));
                steps.Append($"  <nop><action><exec play_pcap_audio=\"{pcap}\"/></action></nop>\n");
            }
        }
        var ending = hangUpAfterKeys
            ? """
                <pause milliseconds="1500"/>
                <send retrans="500"><![CDATA[
                  BYE sip:100@[remote_ip]:[remote_port] SIP/2.0
                  Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
                  From: <sip:CALLER@[local_ip]:[local_port]>;tag=[call_number]
                  To: <sip:100@[remote_ip]:[remote_port]>[peer_tag_param]
                  Call-ID: [call_id]
                  CSeq: 2 BYE
                  Max-Forwards: 70
                  Content-Length: 0

                ]]></send>
                <recv response="200"/>
              """
            : """
                <recv request="BYE" timeout="120000"/>
                <send><![CDATA[
                  SIP/2.0 200 OK
                  [last_Via:]
                  [last_From:]
                  [last_To:]
                  [last_Call-ID:]
                  [last_CSeq:]
                  Content-Length: 0

                ]]></send>
              """;
        var xml = $"""
            <?xml version="1.0" encoding="ISO-8859-1" ?>
            <scenario name="Guichet caller">
              <send retrans="500"><![CDATA[
                INVITE sip:100@[remote_ip]:[remote_port] SIP/2.0
                Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
                From: "Appelant" <sip:CALLER@[local_ip]:[local_port]>;tag=[call_number]
                To: <sip:100@[remote_ip]:[remote_port]>
                Call-ID: [call_id]
                CSeq: 1 INVITE
                Contact: <sip:CALLER@[local_ip]:[local_port]>
                Max-Forwards: 70
                Content-Type: application/sdp
                Content-Length: [len]

                v=0
                o=guichet 1 1 IN IP[local_ip_type] [local_ip]
                s=-
                c=IN IP[media_ip_type] [media_ip]
                t=0 0
                m=audio [media_port] RTP/AVP 0 101
                a=rtpmap:0 PCMU/8000
                a=rtpmap:101 telephone-event/8000
                a=fmtp:101 0-15

              ]]></send>
              <recv response="100" optional="true"/>
              <recv response="180" optional="true"/>
              <recv response="183" optional="true"/>
              <recv response="200" timeout="30000"/>
              <send><![CDATA[
                ACK sip:100@[remote_ip]:[remote_port] SIP/2.0
                Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
                From: "Appelant" <sip:CALLER@[local_ip]:[local_port]>;tag=[call_number]
                To: <sip:100@[remote_ip]:[remote_port]>[peer_tag_param]
                Call-ID: [call_id]
                CSeq: 1 ACK
                Contact: <sip:CALLER@[local_ip]:[local_port]>
                Max-Forwards: 70
                Content-Length: 0

              ]]></send>
            {steps}{ending}
            </scenario>
            """.Replace("CALLER", callerId, StringComparison.Ordinal);
        var path = Path.Combine(dir, "caller.xml");
        File.WriteAllText(path, xml, Encoding.Latin1);
        return path;
    }

    /// <summary>
    /// RFC 4733 events of one call (payload type 101, one SSRC): each key 7 packets of a growing duration, 20 ms
    /// apart, then the end packet sent three times; sequence numbers and timestamps go on from the previous key.
    /// </summary>
    private sealed class DtmfEvents
    {
        private ushort sequence = 4000;
        private uint timestamp = 80_000;
        private const uint Ssrc = 0x4755_4943;

        public byte[] Next(char key)
        {
            var code = key switch { >= '0' and <= '9' => key - '0', '*' => 10, '#' => 11, _ => throw new ArgumentException($"no key {key}") };
            var pcap = new MemoryStream();
            Span<byte> header = stackalloc byte[24];
            BinaryPrimitives.WriteUInt32LittleEndian(header, 0xa1b2c3d4);
            BinaryPrimitives.WriteUInt16LittleEndian(header[4..], 2);
            BinaryPrimitives.WriteUInt16LittleEndian(header[6..], 4);
            BinaryPrimitives.WriteUInt32LittleEndian(header[16..], 65535);
            BinaryPrimitives.WriteUInt32LittleEndian(header[20..], 1);   // Ethernet
            pcap.Write(header);
            for (var i = 0; i < 10; i++)
            {
                var end = i >= 7;
                var duration = (ushort)(end ? 7 * 320 : i * 320);
                var micros = 20_000 * Math.Min(i, 7) + (end ? (i - 7) * 40 : 0);
                pcap.Write(Packet(micros, marker: i == 0, sequence, (byte)code, end, duration));
                if (i < 7) sequence++;
            }
            sequence++;
            timestamp += 8000 * 5;   // the next key's event starts later in the stream
            return pcap.ToArray();
        }

        private byte[] Packet(int micros, bool marker, ushort seq, byte code, bool end, ushort duration)
        {
            const int rtpLength = 12 + 4, udpLength = 8 + rtpLength, ipLength = 20 + udpLength, frame = 14 + ipLength;
            var p = new byte[16 + frame];
            BinaryPrimitives.WriteUInt32LittleEndian(p, 1_700_000_000);
            BinaryPrimitives.WriteUInt32LittleEndian(p.AsSpan(4), (uint)micros);
            BinaryPrimitives.WriteUInt32LittleEndian(p.AsSpan(8), frame);
            BinaryPrimitives.WriteUInt32LittleEndian(p.AsSpan(12), frame);
            var f = p.AsSpan(16);
            BinaryPrimitives.WriteUInt16BigEndian(f[12..], 0x0800);
            var ip = f[14..];
            ip[0] = 0x45;
            BinaryPrimitives.WriteUInt16BigEndian(ip[2..], ipLength);
            ip[8] = 64;
            ip[9] = 17;   // UDP
            ip[12] = 127; ip[15] = 1;
            ip[16] = 127; ip[19] = 1;
            uint sum = 0;
            for (var i = 0; i < 20; i += 2) sum += BinaryPrimitives.ReadUInt16BigEndian(ip[i..]);
            while (sum > 0xffff) sum = (sum & 0xffff) + (sum >> 16);
            BinaryPrimitives.WriteUInt16BigEndian(ip[10..], (ushort)~sum);
            var udp = ip[20..];
            BinaryPrimitives.WriteUInt16BigEndian(udp, 16000);
            BinaryPrimitives.WriteUInt16BigEndian(udp[2..], 20000);
            BinaryPrimitives.WriteUInt16BigEndian(udp[4..], udpLength);
            var rtp = udp[8..];
            rtp[0] = 0x80;
            rtp[1] = (byte)((marker ? 0x80 : 0) | 101);
            BinaryPrimitives.WriteUInt16BigEndian(rtp[2..], seq);
            BinaryPrimitives.WriteUInt32BigEndian(rtp[4..], timestamp);
            BinaryPrimitives.WriteUInt32BigEndian(rtp[8..], Ssrc);
            rtp[12] = code;
            rtp[13] = (byte)((end ? 0x80 : 0) | 10);   // end bit, volume -10 dBm0
            BinaryPrimitives.WriteUInt16BigEndian(rtp[14..], duration);
            return p;
        }
    }
}

namespace Guichet.Domain.Messaging.Mime;

/// <summary>
/// Content-Transfer-Encoding decoders written for what mail really contains: base64 with odd line lengths, spaces
/// and stray characters; quoted-printable with lower-case hex, "=" at a line end (soft break) and invalid
/// sequences, which are kept literally. Both are single linear passes and never throw.
/// </summary>
public static class TransferEncodings
{
    public static byte[] Decode(ReadOnlySpan<byte> content, string? transferEncoding) =>
        (transferEncoding ?? "").Trim().ToLowerInvariant() switch
        {
            "base64" => Base64(content),
            "quoted-printable" => QuotedPrintable(content),
            _ => content.ToArray(),   // 7bit, 8bit, binary and unknown encodings: the bytes as they are
        };

    private static int Sextet(byte c) => c switch
    {
        >= (byte)'A' and <= (byte)'Z' => c - 'A',
        >= (byte)'a' and <= (byte)'z' => c - 'a' + 26,
        >= (byte)'0' and <= (byte)'9' => c - '0' + 52,
        (byte)'+' or (byte)'-' => 62,    // '-' and '_': the URL-safe alphabet some senders use
        (byte)'/' or (byte)'_' => 63,
        _ => -1,
    };

    /// <summary>Skips everything outside the alphabet; stops at the first '=' run (padding) only once it ends a quantum.</summary>
    public static byte[] Base64(ReadOnlySpan<byte> input)
    {
        var output = new byte[input.Length / 4 * 3 + 3];
        int n = 0, acc = 0, bits = 0;
        foreach (var c in input)
        {
            if (c == '=')
            {
                // Padding ends the quantum; bits left over are dropped and decoding continues, so two base64 blobs
                // pasted one after another (seen in the wild) both come through.
                acc = 0; bits = 0;
                continue;
            }
            var v = Sextet(c);
            if (v < 0) continue;
            acc = (acc << 6) | v;
            bits += 6;
            if (bits >= 8)
            {
                bits -= 8;
                output[n++] = (byte)(acc >> bits);
                acc &= (1 << bits) - 1;
            }
        }
        return output.AsSpan(0, n).ToArray();
    }

    private static int Hex(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        _ => -1,
    };

    /// <summary>
    /// Quoted-printable (RFC 2045 §6.7). With <paramref name="underscoreIsSpace"/> it is the "Q" encoding of
    /// RFC 2047 encoded words. Trailing spaces before a hard line break are transport padding and are removed.
    /// </summary>
    public static byte[] QuotedPrintable(ReadOnlySpan<byte> input, bool underscoreIsSpace = false)
    {
        var output = new byte[input.Length];
        int n = 0, kept = 0;   // kept: bytes before it came from escapes (=20) and are never trimmed
        for (int i = 0; i < input.Length; i++)
        {
            var c = input[i];
            if (c == '=')
            {
                if (i + 2 < input.Length)
                {
                    int hi = Hex(input[i + 1]), lo = Hex(input[i + 2]);
                    if (hi >= 0 && lo >= 0) { output[n++] = (byte)(hi * 16 + lo); kept = n; i += 2; continue; }
                }
                // Soft line break: "=" then optional spaces then the end of the line (or of the input).
                int j = i + 1;
                while (j < input.Length && (input[j] == ' ' || input[j] == '\t')) j++;
                if (j == input.Length) { i = j - 1; continue; }
                if (input[j] == '\n') { i = j; continue; }
                if (input[j] == '\r') { i = j + 1 < input.Length && input[j + 1] == '\n' ? j + 1 : j; continue; }
                output[n++] = c;   // invalid sequence: keep the "=" and go on with what follows
                continue;
            }
            if (c == '_' && underscoreIsSpace) { output[n++] = (byte)' '; continue; }
            if (c == '\r' || c == '\n')
            {
                while (n > kept && (output[n - 1] == ' ' || output[n - 1] == '\t') && !underscoreIsSpace) n--;
                output[n++] = c;
                kept = n;
                continue;
            }
            output[n++] = c;
        }
        return output.AsSpan(0, n).ToArray();
    }
}

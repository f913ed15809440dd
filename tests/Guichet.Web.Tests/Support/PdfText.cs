using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;

namespace Guichet.Web.Tests.Support;

/// <summary>
/// Reads the text a PDF draws, enough for our own convocations: every stream is inflated when it is
/// FlateDecode-compressed, and the literal strings of text operators (Tj, TJ) are collected. The convocation uses
/// WinAnsi fonts, so those strings are the characters themselves (as Windows-1252 bytes).
/// </summary>
public static class PdfText
{
    static PdfText() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static bool IsPdf(byte[] bytes) => bytes.Length > 8 && Encoding.ASCII.GetString(bytes, 0, 5) == "%PDF-";

    /// <summary>The drawn strings, in order, joined by new lines.</summary>
    public static string Of(byte[] pdf)
    {
        var latin = Encoding.Latin1.GetString(pdf);
        var text = new StringBuilder();
        foreach (Match m in Regex.Matches(latin, @"<<(?<dict>(?:(?!>>\s*stream).)*?)>>\s*stream\r?\n", RegexOptions.Singleline))
        {
            var start = m.Index + m.Length;
            var end = latin.IndexOf("endstream", start, StringComparison.Ordinal);
            if (end < 0) continue;
            var raw = pdf.AsSpan(start, end - start).ToArray();
            byte[] content;
            if (m.Groups["dict"].Value.Contains("/FlateDecode", StringComparison.Ordinal))
            {
                try
                {
                    using var inflate = new ZLibStream(new MemoryStream(raw), CompressionMode.Decompress);
                    using var output = new MemoryStream();
                    inflate.CopyTo(output);
                    content = output.ToArray();
                }
                catch (InvalidDataException) { continue; }
            }
            else content = raw;
            var ops = Encoding.Latin1.GetString(content);
            // (text) Tj, or [(te) 12 (xt)] TJ
            foreach (Match op in Regex.Matches(ops, @"(\((?:\\.|[^\\)])*\)|\[(?:[^\]])*\])\s*T[jJ]"))
            {
                foreach (Match s in Regex.Matches(op.Groups[1].Value, @"\(((?:\\.|[^\\)])*)\)"))
                    text.Append(Unescape(s.Groups[1].Value));
                text.Append('\n');
            }
        }
        return text.ToString();
    }

    private static string Unescape(string s)
    {
        var bytes = new List<byte>();
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] != '\\' || i + 1 >= s.Length) { bytes.Add((byte)s[i]); continue; }
            var c = s[++i];
            if (c >= '0' && c <= '7')
            {
                var digits = 1;
                while (digits < 3 && i + 1 < s.Length && s[i + 1] >= '0' && s[i + 1] <= '7') { i++; digits++; }
                bytes.Add((byte)Convert.ToInt32(s.Substring(i - digits + 1, digits), 8));
                continue;
            }
            bytes.Add(c switch { 'n' => (byte)'\n', 'r' => (byte)'\r', 't' => (byte)'\t', 'b' => 8, 'f' => 12, _ => (byte)c });
        }
        return Encoding.GetEncoding(1252).GetString(bytes.ToArray());
    }
}

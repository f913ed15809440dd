using System.Text;
using Guichet.Domain.Messaging.Mime;

namespace Guichet.Domain.Tests.Messaging.Mime;

/// <summary>Fixture messages (written for these tests, under Samples/) and small builders for inline ones.</summary>
internal static class Samples
{
    public static string Folder => Path.Combine(AppContext.BaseDirectory, "Messaging", "Mime", "Samples");

    public static byte[] Bytes(string file) => File.ReadAllBytes(Path.Combine(Folder, file));

    public static MimeMessage Load(string file) => MimeMessage.Parse(Bytes(file));

    /// <summary>An inline message: "\n" become CRLF, text is UTF-8.</summary>
    public static MimeMessage Parse(string text) => MimeMessage.Parse(Encoding.UTF8.GetBytes(text.Replace("\r\n", "\n").Replace("\n", "\r\n")));

    /// <summary>An inline message whose characters above U+00FF do not occur: each char is one byte (to write raw 8-bit).</summary>
    public static MimeMessage ParseLatin1(string text) => MimeMessage.Parse(Encoding.Latin1.GetBytes(text.Replace("\n", "\r\n")));
}

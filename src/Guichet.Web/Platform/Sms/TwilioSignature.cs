using System.Security.Cryptography;
using System.Text;

namespace Guichet.Web.Platform.Sms;

/// <summary>
/// X-Twilio-Signature: Base64(HMAC-SHA1(auth token, full public URL + every POST parameter sorted by name, each as
/// name + value)), compared in constant time (telephony.md §5).
/// </summary>
public static class TwilioSignature
{
    public const string Header = "X-Twilio-Signature";

    public static string Compute(string authToken, string url, IEnumerable<KeyValuePair<string, string>> parameters)
    {
        var data = new StringBuilder(url);
        foreach (var (name, value) in parameters.OrderBy(p => p.Key, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal))
            data.Append(name).Append(value);
        return Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(authToken), Encoding.UTF8.GetBytes(data.ToString())));
    }

    public static bool IsValid(string authToken, string url, IEnumerable<KeyValuePair<string, string>> parameters, string? signature)
    {
        if (string.IsNullOrEmpty(signature) || signature.Length > 200) return false;
        var expected = Encoding.ASCII.GetBytes(Compute(authToken, url, parameters));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(signature));
    }
}

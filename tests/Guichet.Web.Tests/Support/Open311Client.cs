using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;

namespace Guichet.Web.Tests.Support;

/// <summary>
/// A small Open311 GeoReport v2 client of our own: calls an endpoint in XML or JSON and reads the answer into the same
/// plain tree (lists, field dictionaries, strings), so both formats can be checked alike and compared with each other.
/// </summary>
public sealed class Open311Client(HttpClient http)
{
    public const string Root = "/open311/v2";

    /// <summary>XML elements whose children are list items (spec: plural root, singular children).</summary>
    private static readonly HashSet<string> Lists =
        ["service_requests", "services", "attributes", "values", "endpoints", "formats", "errors", "service_request_updates"];

    public sealed record Answer(HttpStatusCode Status, string ContentType, string Body, object? Tree, HttpResponseMessage Response)
    {
        public List<object> List => Assert.IsType<List<object>>(Tree);
        public List<Dictionary<string, object>> Items => List.Select(i => Assert.IsType<Dictionary<string, object>>(i)).ToList();
        public Dictionary<string, object> Object => Assert.IsType<Dictionary<string, object>>(Tree);
        public Dictionary<string, object> Single => Assert.Single(Items);
        /// <summary>The spec's error list: its codes and descriptions.</summary>
        public List<(string Code, string Description)> Errors => Items.Select(e => ((string)e["code"], (string)e["description"])).ToList();
    }

    public async Task<Answer> GetAsync(string path, string format = "json", params (string Name, string Value)[] query)
    {
        var url = $"{Root}/{path}.{format}" + (query.Length == 0 ? "" : "?" + string.Join("&", query.Select(q => $"{Uri.EscapeDataString(q.Name)}={Uri.EscapeDataString(q.Value)}")));
        return await ReadAsync(await http.GetAsync(url), format);
    }

    public async Task<Answer> PostAsync(string path, string format, IEnumerable<KeyValuePair<string, string>> form) =>
        await ReadAsync(await http.PostAsync($"{Root}/{path}.{format}", new FormUrlEncodedContent(form)), format);

    public static async Task<Answer> ReadAsync(HttpResponseMessage response, string format)
    {
        var body = await response.Content.ReadAsStringAsync();
        var type = response.Content.Headers.ContentType?.MediaType ?? "";
        object? tree = null;
        if (format == "json" && type == "application/json") tree = FromJson(JsonDocument.Parse(body).RootElement);
        else if (format == "xml" && type == "text/xml")
        {
            Assert.StartsWith("<?xml version=\"1.0\" encoding=\"utf-8\"?>", body);
            tree = FromXml(XDocument.Parse(body).Root!);
        }
        return new Answer(response.StatusCode, type, body, tree, response);
    }

    private static object FromJson(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Array => e.EnumerateArray().Select(FromJson).ToList(),
        JsonValueKind.Object => e.EnumerateObject().ToDictionary(p => p.Name, p => FromJson(p.Value)),
        JsonValueKind.String => e.GetString()!,
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Number => e.GetRawText(),
        _ => throw new InvalidOperationException($"Open311 answers carry no {e.ValueKind}."),
    };

    private static object FromXml(XElement e)
    {
        if (Lists.Contains(e.Name.LocalName)) return e.Elements().Select(FromXml).ToList();
        if (!e.HasElements) return e.Value;
        return e.Elements().ToDictionary(c => c.Name.LocalName, FromXml);
    }

    /// <summary>The tree with numbers written alike in both formats (XML carries them as text).</summary>
    public static string Canonical(object? tree)
    {
        var b = new StringBuilder();
        void Write(object? n)
        {
            switch (n)
            {
                case List<object> l: b.Append('['); foreach (var i in l) { Write(i); b.Append(','); } b.Append(']'); break;
                case Dictionary<string, object> d:
                    b.Append('{');
                    foreach (var (k, v) in d.OrderBy(p => p.Key, StringComparer.Ordinal)) { b.Append(k).Append(':'); Write(v); b.Append(','); }
                    b.Append('}');
                    break;
                case string s:
                    b.Append(double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) ? x.ToString("R", CultureInfo.InvariantCulture) : JsonSerializer.Serialize(s));
                    break;
                default: b.Append("null"); break;
            }
        }
        Write(tree);
        return b.ToString();
    }
}

using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Xml;

namespace Guichet.Web.Features.Open311;

/// <summary>
/// An answer as a small tree both formats are written from, so JSON and XML never disagree. Objects keep their fields'
/// order; null fields are left out of both. A list knows its XML root and item names (service_requests / request);
/// in JSON the wrapper goes and the list is a bare array.
/// </summary>
public sealed class WireObject : List<KeyValuePair<string, object?>>
{
    public WireObject Add(string name, object? value)
    {
        Add(new KeyValuePair<string, object?>(name, value));
        return this;
    }
}

/// <summary>A list: objects or plain strings, named <paramref name="Root"/> with children <paramref name="Item"/> in XML.</summary>
public sealed record WireList(string Root, string Item, IReadOnlyList<object> Items);

public enum WireFormat { Json, Xml }

public static class Open311Wire
{
    public static WireFormat? Format(string? extension) => extension switch
    {
        "json" => WireFormat.Json,
        "xml" => WireFormat.Xml,
        _ => null,
    };

    /// <summary>Instants as the spec wants them: W3C date-time with the organisation's offset.</summary>
    public static string Date(DateTime utc, TimeZoneInfo zone)
    {
        var u = DateTime.SpecifyKind(utc, DateTimeKind.Utc);
        var local = TimeZoneInfo.ConvertTimeFromUtc(u, zone);
        return new DateTimeOffset(local, zone.GetUtcOffset(u)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
    }

    public static IResult Answer(WireFormat format, object body, int status = StatusCodes.Status200OK) =>
        format == WireFormat.Json
            ? new Bytes(Json(body), "application/json; charset=utf-8", status)
            : new Bytes(Xml(body), "text/xml; charset=utf-8", status);

    private sealed class Bytes(byte[] body, string contentType, int status) : IResult
    {
        public Task ExecuteAsync(HttpContext http)
        {
            http.Response.StatusCode = status;
            http.Response.ContentType = contentType;
            http.Response.ContentLength = body.Length;
            return http.Response.Body.WriteAsync(body).AsTask();
        }
    }

    /// <summary>The spec's error document: a list of {code, description}, with the HTTP status of the first.</summary>
    public static IResult Error(WireFormat format, int status, params string[] descriptions) =>
        Answer(format, Errors(status, descriptions), status);

    public static WireList Errors(int status, IEnumerable<string> descriptions) =>
        new("errors", "error", descriptions.Select(d => (object)new WireObject().Add("code", status).Add("description", d)).ToList());

    public static byte[] Json(object body)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
            WriteJson(w, body);
        return stream.ToArray();
    }

    private static void WriteJson(Utf8JsonWriter w, object? value)
    {
        switch (value)
        {
            case null: w.WriteNullValue(); break;
            case WireObject o:
                w.WriteStartObject();
                foreach (var (name, v) in o)
                {
                    if (v is null) continue;
                    w.WritePropertyName(name);
                    WriteJson(w, v);
                }
                w.WriteEndObject();
                break;
            case WireList l:
                w.WriteStartArray();
                foreach (var item in l.Items) WriteJson(w, item);
                w.WriteEndArray();
                break;
            case Rooted r: WriteJson(w, r.Body); break;
            case string s: w.WriteStringValue(s); break;
            case bool b: w.WriteBooleanValue(b); break;
            case int i: w.WriteNumberValue(i); break;
            case long l: w.WriteNumberValue(l); break;
            case double d: w.WriteNumberValue(d); break;
            default: throw new InvalidOperationException($"No wire form for {value.GetType().Name}.");
        }
    }

    public static byte[] Xml(object body)
    {
        using var stream = new MemoryStream();
        using (var w = XmlWriter.Create(stream, new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = false, Async = false }))
        {
            w.WriteStartDocument();
            switch (body)
            {
                case WireList l: WriteXmlList(w, l); break;
                case WireObject o:
                    throw new InvalidOperationException("A top-level object needs a root name: wrap it with Root().");
                case Rooted r:
                    w.WriteStartElement(r.Name);
                    WriteXmlFields(w, r.Body);
                    w.WriteEndElement();
                    break;
                default: throw new InvalidOperationException($"No wire form for {body.GetType().Name}.");
            }
            w.WriteEndDocument();
        }
        return stream.ToArray();
    }

    /// <summary>A top-level object (the service definition, discovery): JSON writes the object, XML wraps it in <paramref name="Name"/>.</summary>
    public sealed record Rooted(string Name, WireObject Body);

    private static void WriteXmlList(XmlWriter w, WireList l)
    {
        w.WriteStartElement(l.Root);
        foreach (var item in l.Items)
        {
            w.WriteStartElement(l.Item);
            if (item is WireObject o) WriteXmlFields(w, o);
            else w.WriteString(Scalar(item));
            w.WriteEndElement();
        }
        w.WriteEndElement();
    }

    private static void WriteXmlFields(XmlWriter w, WireObject o)
    {
        foreach (var (name, v) in o)
        {
            if (v is null) continue;
            if (v is WireList inner)
            {
                WriteXmlList(w, inner with { Root = name });
                continue;
            }
            w.WriteStartElement(name);
            if (v is WireObject child) WriteXmlFields(w, child);
            else w.WriteString(Scalar(v));
            w.WriteEndElement();
        }
    }

    private static string Scalar(object v) => v switch
    {
        string s => XmlSafe(s),
        bool b => b ? "true" : "false",
        int i => i.ToString(CultureInfo.InvariantCulture),
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        _ => throw new InvalidOperationException($"No wire form for {v.GetType().Name}."),
    };

    /// <summary>XML 1.0 cannot carry most control characters: they are dropped rather than failing the whole answer.</summary>
    private static string XmlSafe(string s)
    {
        var b = new StringBuilder(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            if (XmlConvert.IsXmlChar(s[i])) b.Append(s[i]);
            else if (i + 1 < s.Length && XmlConvert.IsXmlSurrogatePair(s[i + 1], s[i])) { b.Append(s[i]).Append(s[i + 1]); i++; }
        }
        return b.Length == s.Length ? s : b.ToString();
    }
}

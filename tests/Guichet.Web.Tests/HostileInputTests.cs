using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Guichet.Web.Data;
using Guichet.Web.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Tests;

/// <summary>
/// Hostile and malformed input walked through every door: each gets a 4xx with a French message, never
/// a 500, and no appointment is created or lost on the way.
/// </summary>
public sealed class HostileInputTests(GuichetApp app) : IClassFixture<GuichetApp>
{
    private const string Script = "<script>alert('guichet')</script>";
    private const string Sql = "' OR 1=1 --";
    private const string Nul = "\u0000";
    private static readonly string Huge = new('a', 100 * 1024);

    /// <summary>One hostile request. Expect: the exact status when it is known, any 4xx otherwise. Says: a fragment of the French answer.</summary>
    private sealed record Case(string Name, Func<Task<HttpResponseMessage>> Send, bool Api = true, int? Expect = null, string? Says = null);

    [Fact]
    public async Task Hostile_slot_searches_get_a_french_problem_and_change_nothing()
    {
        Case Slots(string name, string query, int expect = 422, string? says = null) =>
            new(name, () => app.Client.GetAsync("/api/v1/slots?" + query), Expect: expect, Says: says);
        var sites300 = string.Join('&', Enumerable.Repeat("site=lorval-hotel-de-ville", 300));
        var unknown150 = string.Join('&', Enumerable.Range(0, 150).Select(i => $"site=inconnu-{i}"));

        await WalkAsync(
        [
            Slots("malformed from", "reason=CNI&from=2026-13-45", says: "AAAA-MM-JJ"),
            Slots("French-style date", "reason=CNI&from=30/11/2026", says: "AAAA-MM-JJ"),
            Slots("date and time for a date", "reason=CNI&from=2026-11-30T00:00:00", says: "AAAA-MM-JJ"),
            Slots("100 KB date", $"reason=CNI&from={Huge}", says: "AAAA-MM-JJ"),
            Slots("malformed to", "reason=CNI&to=demain", says: "AAAA-MM-JJ"),
            Slots("from year 1", "reason=CNI&from=0001-01-01", says: "passée"),
            Slots("from and to year 1", "reason=CNI&from=0001-01-01&to=0001-01-01", says: "passée"),
            Slots("to year 9999", "reason=CNI&to=9999-12-31", says: "93 jours"),
            Slots("from year 9999", "reason=CNI&from=9999-12-31"),
            Slots("from and to year 9999", "reason=CNI&from=9999-12-01&to=9999-12-31", says: "un an"),
            Slots("94 days", "reason=CNI&from=2026-12-01&to=2027-03-05", says: "93 jours"),
            Slots("to before from", "reason=CNI&from=2026-12-10&to=2026-12-01", says: "doit suivre"),
            Slots("0 persons", "reason=CNI&persons=0", says: "au moins une personne"),
            Slots("50 persons", "reason=CNI&persons=50", says: "au plus"),
            Slots("-1 persons", "reason=CNI&persons=-1", says: "nombre entier"),
            Slots("1e9 persons", "reason=CNI&persons=1e9", says: "nombre entier"),
            Slots("a billion persons", "reason=CNI&persons=1000000000", says: "au plus"),
            Slots("persons beyond int", "reason=CNI&persons=99999999999999999999", says: "nombre entier"),
            Slots("1.5 persons", "reason=CNI&persons=1.5", says: "nombre entier"),
            Slots("abc persons", "reason=CNI&persons=abc", says: "nombre entier"),
            Slots("more pre-requests than persons", "reason=CNI&persons=1&preRequests=2", says: "pré-demandes"),
            Slots("negative pre-requests", "reason=CNI&preRequests=-1", says: "nombre entier"),
            Slots("no reason", "persons=1", says: "motif"),
            Slots("unknown reason", "reason=PERMIS", says: "motif"),
            Slots("SQL in reason", $"reason={Uri.EscapeDataString(Sql)}", says: "motif"),
            Slots("script in reason", $"reason={Uri.EscapeDataString(Script)}", says: "motif"),
            Slots("NUL in reason", "reason=%00", 400, "caractère nul"),
            Slots("unknown site", "reason=CNI&site=mairie-de-nulle-part", says: "lieu"),
            Slots("unknown site beside a real one", "reason=CNI&site=lorval-hotel-de-ville&site=mairie-de-nulle-part", says: "lieu"),
            Slots("SQL in site", $"reason=CNI&site={Uri.EscapeDataString(Sql)}", says: "lieu"),
            Slots("script in site", $"reason=CNI&site={Uri.EscapeDataString(Script)}", says: "lieu"),
            Slots("NUL in site", "reason=CNI&site=%00", 400, "caractère nul"),
            Slots("100 KB site", $"reason=CNI&site={Huge}", says: "lieu"),
            Slots("300 site parameters", "reason=CNI&" + sites300, says: "200 lieux"),
            Slots("150 unknown sites", "reason=CNI&" + unknown150, says: "lieu"),
        ]);
    }

    [Fact]
    public async Task Hostile_reason_lookups_get_a_french_problem()
    {
        Case Reasons(string name, string query, int expect, string says) =>
            new(name, () => app.Client.GetAsync("/api/v1/reasons" + query), Expect: expect, Says: says);
        await WalkAsync(
        [
            Reasons("no site", "", 422, "lieu"),
            Reasons("empty site", "?site=", 422, "lieu"),
            Reasons("unknown site", "?site=mairie-de-nulle-part", 404, "lieu"),
            Reasons("SQL in site", $"?site={Uri.EscapeDataString(Sql)}", 404, "lieu"),
            Reasons("script in site", $"?site={Uri.EscapeDataString(Script)}", 404, "lieu"),
            Reasons("NUL in site", "?site=%00", 400, "caractère nul"),
            Reasons("100 KB site", $"?site={Huge}", 404, "lieu"),
        ]);
    }

    [Fact]
    public async Task Hostile_bookings_get_a_french_problem_and_create_nothing()
    {
        var slot = (await app.SlotsAsync(site: "saint-aubin-mairie", from: "2026-12-11", to: "2026-12-11")).First();
        var start = slot.Start.ToString("yyyy-MM-ddTHH:mm:sszzz");
        Dictionary<string, object?> Valid() => new()
        {
            ["site"] = slot.Site, ["reason"] = "CNI", ["start"] = start, ["persons"] = 1,
            ["firstName"] = "Camille", ["lastName"] = "Martin", ["email"] = "camille.martin@exemple.fr",
        };
        Case Json(string name, int expect, string says, params (string Field, object? Value)[] changes)
        {
            var body = Valid();
            foreach (var (field, value) in changes) body[field] = value;
            return new(name, () => PostAsync("application/json", JsonSerializer.SerializeToUtf8Bytes(body)), Expect: expect, Says: says);
        }
        Case Raw(string name, string? contentType, string body, int expect, string says, bool chunked = false) =>
            new(name, () => PostAsync(contentType, Encoding.UTF8.GetBytes(body), chunked), Expect: expect, Says: says);
        Case Bytes(string name, byte[] body, int expect, string says) =>
            new(name, () => PostAsync("application/json", body), Expect: expect, Says: says);
        // The valid body with one field replaced by raw JSON text (for values C# cannot serialise as-is).
        string With(string field, string rawJson)
        {
            var body = Valid();
            body.Remove(field);
            var json = JsonSerializer.Serialize(body);
            return json[..^1] + $",\"{field}\":{rawJson}}}";
        }
        var valid = JsonSerializer.Serialize(Valid());
        var deepArray = new string('[', 10_000) + new string(']', 10_000);
        var deepObject = string.Concat(Enumerable.Repeat("{\"a\":", 10_000)) + "1" + new string('}', 10_000);
        var megabyte = With("lastName", JsonSerializer.Serialize(new string('x', 1024 * 1024)));
        var invalidUtf8 = Encoding.UTF8.GetBytes(With("firstName", "\"Cam#ille\"")).Select(b => b == (byte)'#' ? (byte)0xFF : b).ToArray();
        string[] eleven = [.. Enumerable.Range(0, 11).Select(i => $"AB12CD34E{(char)('A' + i)}")];

        await WalkAsync(
        [
            // Content types and bodies.
            Raw("no content type", null, valid, 415, "JSON"),
            Raw("text/plain", "text/plain", valid, 415, "JSON"),
            Raw("form encoded", "application/x-www-form-urlencoded", "site=saint-aubin-mairie&reason=CNI", 415, "JSON"),
            Raw("multipart", "multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"site\"\r\n\r\nsaint-aubin-mairie\r\n--x--", 415, "JSON"),
            Raw("XML", "application/xml", "<appointment><site>saint-aubin-mairie</site></appointment>", 415, "JSON"),
            Raw("empty body", "application/json", "", 400, "JSON"),
            Raw("null", "application/json", "null", 400, "vide"),
            Raw("truncated JSON", "application/json", valid[..^5], 400, "JSON"),
            Raw("not JSON", "application/json", "bonjour", 400, "JSON"),
            Raw("an array", "application/json", "[]", 400, "JSON"),
            Raw("a string", "application/json", "\"rendez-vous\"", 400, "JSON"),
            Raw("comments", "application/json", "/* c */" + valid, 400, "JSON"),
            Raw("trailing comma", "application/json", valid[..^1] + ",}", 400, "JSON"),
            Raw("persons as text", "application/json", With("persons", "\"deux\""), 400, "persons"),
            Raw("persons as decimal", "application/json", With("persons", "1.5"), 400, "persons"),
            Raw("persons as exponent", "application/json", With("persons", "1e9"), 400, "persons"),
            Raw("persons beyond int", "application/json", With("persons", "99999999999"), 400, "persons"),
            Raw("persons as boolean", "application/json", With("persons", "true"), 400, "persons"),
            Raw("site as number", "application/json", With("site", "123"), 400, "JSON"),
            Raw("site as object", "application/json", With("site", "{\"id\":\"saint-aubin-mairie\"}"), 400, "JSON"),
            Raw("pre-requests as text", "application/json", With("preRequestNumbers", "\"AB12CD34EF\""), 400, "JSON"),
            Raw("pre-requests as numbers", "application/json", With("preRequestNumbers", "[1,2]"), 400, "JSON"),
            Raw("first name as array", "application/json", With("firstName", "[\"Camille\"]"), 400, "JSON"),
            Raw("10,000 nested arrays", "application/json", With("preRequestNumbers", deepArray), 400, "JSON"),
            Raw("10,000 nested arrays in an unknown field", "application/json", With("extra", deepArray), 400, "JSON"),
            Raw("10,000 nested objects", "application/json", deepObject, 413, "32 Ko"),
            Raw("lone surrogate in first name", "application/json", With("firstName", "\"Cam\\ud800ille\""), 400, "JSON"),
            Raw("lone surrogate in e-mail", "application/json", With("email", "\"cam\\udc00@exemple.fr\""), 400, "JSON"),
            Bytes("invalid UTF-8", invalidUtf8, 400, "JSON"),
            Raw("1 MB body", "application/json", megabyte, 413, "32 Ko"),
            Raw("1 MB body without a length", "application/json", megabyte, 413, "32 Ko", chunked: true),
            // Names and contact.
            Json("100 KB first name", 413, "32 Ko", ("firstName", Huge)),
            Json("5 KB last name", 422, "trop long", ("lastName", new string('b', 5 * 1024))),
            Json("101-letter last name", 422, "trop long", ("lastName", new string('b', 101))),
            Json("missing names", 422, "prénom", ("firstName", null), ("lastName", "")),
            Json("script in first name", 422, "lettres", ("firstName", Script)),
            Json("script in last name", 422, "lettres", ("lastName", "<b>Martin</b>")),
            Json("SQL in last name", 422, "lettres", ("lastName", "Robert'); DROP TABLE appointments;--")),
            Json("SQL in first name", 422, "lettres", ("firstName", Sql)),
            Json("NUL in first name", 400, "caractère nul", ("firstName", "Cam" + Nul + "ille")),
            Json("header injection in e-mail", 422, "e-mail", ("email", "camille@exemple.fr\r\nBcc: tous@exemple.fr")),
            Json("line feed in e-mail", 422, "e-mail", ("email", "camille@exemple.fr\nBcc:tous@exemple.fr")),
            Json("NUL in e-mail", 400, "caractère nul", ("email", "cam" + Nul + "ille@exemple.fr")),
            Json("control character in e-mail", 422, "e-mail", ("email", "cam\u0007ille@exemple.fr")),
            Json("script in e-mail", 422, "e-mail", ("email", Script + "@exemple.fr")),
            Json("300-character e-mail", 422, "e-mail", ("email", new string('c', 290) + "@exemple.fr")),
            Json("no e-mail nor phone", 422, "portable", ("email", null)),
            Json("letters for a phone", 422, "téléphone", ("email", null), ("phone", "zéro six")),
            Json("American phone", 422, "téléphone", ("email", null), ("phone", "+1 202 555 0143")),
            Json("short phone", 422, "téléphone", ("email", null), ("phone", "06 12")),
            Json("40-digit phone", 422, "téléphone", ("email", null), ("phone", new string('6', 40))),
            Json("header injection in phone", 422, "téléphone", ("email", null), ("phone", "0612345678\r\nX: y")),
            Json("landline for SMS", 422, "portable", ("email", null), ("phone", "02 43 98 12 00")),
            Json("landline beside an e-mail", 422, "portable", ("phone", "02 43 98 12 00")),
            Json("premium-rate number", 422, "portable", ("email", null), ("phone", "08 99 12 34 56")),
            // Site and reason.
            Json("no site", 422, "lieu", ("site", null)),
            Json("unknown site", 422, "lieu", ("site", "mairie-de-nulle-part")),
            Json("SQL in site", 422, "lieu", ("site", Sql)),
            Json("script in site", 422, "lieu", ("site", Script)),
            Json("NUL in site", 400, "caractère nul", ("site", Nul)),
            Json("no reason", 422, "motif", ("reason", null)),
            Json("unknown reason", 422, "motif", ("reason", "PERMIS")),
            Json("SQL in reason", 422, "motif", ("reason", Sql)),
            Json("NUL in reason", 400, "caractère nul", ("reason", "CNI" + Nul)),
            // Start.
            Json("no start", 422, "créneau", ("start", null)),
            Json("empty start", 422, "créneau", ("start", "")),
            Json("start without offset", 422, "décalage", ("start", slot.Start.ToString("yyyy-MM-ddTHH:mm:ss"))),
            Json("French-style start", 422, "décalage", ("start", "11/12/2026 09:00")),
            Json("date only", 422, "décalage", ("start", "2026-12-11")),
            Json("start with junk after it", 422, "décalage", ("start", start + "junk")),
            Json("start in year 1", 422, "", ("start", "0001-01-01T00:00:00+01:00")),
            Json("start in the far past", 422, "passé", ("start", "1970-01-01T09:00:00+01:00")),
            Json("start last Friday", 422, "passé", ("start", "2026-11-27T09:00:00+01:00")),
            Json("start in year 9999", 422, "an", ("start", "9999-12-31T12:00:00+01:00")),
            Json("last minutes of year 9999 in UTC", 422, "", ("start", "9999-12-31T23:30:00Z")),
            Json("start in more than a year", 422, "un an", ("start", "2027-12-03T09:00:00+01:00")),
            Json("start on a Sunday", 422, "pas proposé", ("start", "2026-12-13T10:00:00+01:00")),
            Json("start off the grid", 422, "pas proposé", ("start", slot.Start.AddMinutes(7).ToString("yyyy-MM-ddTHH:mm:sszzz"))),
            Json("start at night", 422, "pas proposé", ("start", "2026-12-11T03:00:00+01:00")),
            Json("start in another offset", 422, "pas proposé", ("start", slot.Start.ToString("yyyy-MM-ddTHH:mm:ss") + "+05:00")),
            // Persons and pre-requests.
            Json("no persons", 422, "personnes", ("persons", null)),
            Json("0 persons", 422, "au moins une personne", ("persons", 0)),
            Json("-1 persons", 422, "au moins une personne", ("persons", -1)),
            Json("50 persons", 422, "au plus", ("persons", 50)),
            Json("7 persons", 422, "au plus 6", ("persons", 7)),
            Json("11 pre-request numbers", 422, "un numéro de pré-demande par personne", ("persons", 6), ("preRequestNumbers", eleven)),
            Json("two numbers for one person", 422, "par personne", ("preRequestNumbers", new[] { "AB12CD34EF", "GH56IJ78KL" })),
            Json("short pre-request number", 422, "10 caractères", ("preRequestNumbers", new[] { "AB12" })),
            Json("long pre-request number", 422, "10 caractères", ("preRequestNumbers", new[] { "AB12CD34EF1" })),
            Json("symbol in pre-request number", 422, "10 caractères", ("preRequestNumbers", new[] { "AB12CD34E!" })),
            Json("accent in pre-request number", 422, "10 caractères", ("preRequestNumbers", new[] { "ÀB12CD34EF" })),
            Json("script as pre-request number", 422, "10 caractères", ("preRequestNumbers", new[] { Script })),
            Json("same number twice", 422, "deux fois", ("persons", 2), ("preRequestNumbers", new[] { "AB12CD34EF", "ab12cd34ef" })),
        ]);

        // The body every case above spoilt in one field is itself valid: the refusals were the fields'.
        Assert.Equal(HttpStatusCode.Created, (await PostAsync("application/json", JsonSerializer.SerializeToUtf8Bytes(Valid()))).StatusCode);
    }

    [Fact]
    public async Task Wrong_codes_and_tokens_show_nothing_and_cancel_nothing()
    {
        var other = await BookSentinelAsync("Autre");
        // WalkAsync books its own sentinel and checks it at the end; these target a second, known one.
        var token = other.Token;
        var flipped = (token[0] == 'A' ? "B" : "A") + token[1..];
        string Url(string code, string? t, string suffix = "") =>
            $"/api/v1/appointments/{Uri.EscapeDataString(code)}{suffix}" + (t is null ? "" : $"?token={Uri.EscapeDataString(t)}");
        Case Get(string name, string url, int expect = 404, string says = "Aucun rendez-vous") => new(name, () => app.Client.GetAsync(url), Expect: expect, Says: says);
        Case Cancel(string name, string url, int expect = 404, string says = "Aucun rendez-vous") => new(name, () => app.Client.PostAsync(url, null), Expect: expect, Says: says);

        await WalkAsync(
        [
            Get("unknown code", Url("00000000", token)),
            Get("right code, wrong token", Url(other.Code, "mauvais")),
            Get("right code, no token", Url(other.Code, null)),
            Get("right code, empty token", Url(other.Code, "")),
            Get("right code, token one character off", Url(other.Code, flipped)),
            Get("right code, 100 KB token", Url(other.Code, Huge)),
            Get("right code, token with NUL", Url(other.Code, token + Nul), 400, "caractère nul"),
            Get("SQL as code", Url(Sql, token)),
            Get("script as code", Url(Script, token)),
            Get("10 KB code", Url(new string('1', 10_240), token)),
            Get("SQL as token", Url(other.Code, Sql)),
            Cancel("cancel with unknown code", Url("00000000", token, "/cancel")),
            Cancel("cancel with wrong token", Url(other.Code, "mauvais", "/cancel")),
            Cancel("cancel without token", Url(other.Code, null, "/cancel")),
            Cancel("cancel with token one character off", Url(other.Code, flipped, "/cancel")),
            Cancel("cancel with 100 KB token", Url(other.Code, Huge, "/cancel")),
            Cancel("cancel with SQL as code", Url(Sql, token, "/cancel")),
            Get("cancel by GET", Url(other.Code, token, "/cancel"), 405, "méthode"),
            new("DELETE on an appointment", () => app.Client.DeleteAsync(Url(other.Code, token)), Expect: 405, Says: "méthode"),
            Get("unknown API address", "/api/v1/rendez-vous", 404, "aucune page"),
        ]);

        var details = await app.Client.GetFromJsonAsync<JsonElement>(Url(other.Code, token), GuichetApp.Json);
        Assert.Equal("booked", details.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Hostile_values_in_the_booking_pages_get_a_french_error_page()
    {
        var slot = (await app.SlotsAsync(site: "montclair-mairie", from: "2026-12-12", to: "2026-12-12")).First();
        var start = Uri.EscapeDataString(slot.Start.ToString("yyyy-MM-ddTHH:mm:sszzz"));
        Case Page(string name, string url, int expect, string says) => new(name, () => app.Client.GetAsync(url), Api: false, Expect: expect, Says: says);
        string Slots(string query) => "/rendez-vous/creneaux?" + query;
        string Contact(string query) => "/rendez-vous/coordonnees?" + query;
        var good = $"site=montclair-mairie&reason=CNI&persons=1&pre=0&start={start}";

        await WalkAsync(
        [
            Page("slots: no reason", Slots("persons=1"), 400, "motif"),
            Page("slots: unknown reason", Slots("reason=PERMIS&persons=1"), 400, "motif"),
            Page("slots: script as reason", Slots($"reason={Uri.EscapeDataString(Script)}"), 400, "motif"),
            Page("slots: NUL as reason", Slots("reason=%00"), 400, "caractère nul"),
            Page("slots: 0 persons", Slots("reason=CNI&persons=0"), 400, "de 1 à 6"),
            Page("slots: 7 persons", Slots("reason=CNI&persons=7"), 400, "de 1 à 6"),
            Page("slots: 50 persons", Slots("reason=CNI&persons=50"), 400, "de 1 à 6"),
            Page("slots: -1 persons", Slots("reason=CNI&persons=-1"), 400, "de 1 à 6"),
            Page("slots: 1e9 persons", Slots("reason=CNI&persons=1e9"), 400, "de 1 à 6"),
            Page("slots: abc persons", Slots("reason=CNI&persons=abc"), 400, "de 1 à 6"),
            Page("slots: SQL as site", Slots($"reason=CNI&site={Uri.EscapeDataString(Sql)}"), 400, "mairie"),
            Page("slots: script as site", Slots($"reason=CNI&site={Uri.EscapeDataString(Script)}"), 400, "mairie"),
            Page("slots: NUL as site", Slots("reason=CNI&site=%00"), 400, "caractère nul"),
            Page("slots: malformed date", Slots("reason=CNI&from=2026-99-99"), 400, "date"),
            Page("slots: script as date", Slots($"reason=CNI&from={Uri.EscapeDataString(Script)}"), 400, "date"),
            Page("slots: year 9999", Slots("reason=CNI&from=9999-12-31"), 400, "un an"),
            Page("slots: 100 KB date", Slots($"reason=CNI&from={Huge}"), 400, "date"),
            Page("contact: nothing chosen", Contact(""), 400, "créneau"),
            Page("contact: unknown site", Contact(good.Replace("montclair-mairie", "mairie-de-nulle-part")), 400, "créneau"),
            Page("contact: SQL as site", Contact(good.Replace("montclair-mairie", Uri.EscapeDataString(Sql))), 400, "créneau"),
            Page("contact: NUL as site", Contact(good.Replace("montclair-mairie", "%00")), 400, "caractère nul"),
            Page("contact: unknown reason", Contact(good.Replace("reason=CNI", "reason=PERMIS")), 400, "créneau"),
            Page("contact: NUL as reason", Contact(good.Replace("reason=CNI", "reason=%00")), 400, "caractère nul"),
            Page("contact: malformed start", Contact(good.Replace(start, "demain")), 400, "créneau"),
            Page("contact: script as start", Contact(good.Replace(start, Uri.EscapeDataString(Script))), 400, "créneau"),
            Page("contact: 50 persons", Contact(good.Replace("persons=1", "persons=50")), 400, "de 1 à 6"),
            Page("contact: abc persons", Contact(good.Replace("persons=1", "persons=abc")), 400, "de 1 à 6"),
            Page("manage: unknown code", "/rendez-vous/12345678?token=mauvais", 404, "Aucun rendez-vous"),
            Page("manage: code that is not a number", "/rendez-vous/abc?token=mauvais", 404, "aucune page"),
            Page("manage: code beyond a long", "/rendez-vous/99999999999999999999999?token=x", 404, "aucune page"),
            Page("manage: negative code", "/rendez-vous/-5?token=x", 404, "Aucun rendez-vous"),
            Page("manage: script in the path", $"/rendez-vous/{Uri.EscapeDataString(Script)}", 404, "aucune page"),
        ]);
    }

    [Fact]
    public async Task Wrong_manage_links_show_a_french_page_and_cancel_nothing()
    {
        var other = await BookSentinelAsync("Gérer");
        using var browser = new Browser(app);
        // Any form of the site gives this browser an antiforgery token.
        var slot = (await app.SlotsAsync(site: "montclair-mairie", from: "2026-12-12", to: "2026-12-12")).First();
        var antiforgery = await browser.AntiforgeryTokenAsync(
            $"/rendez-vous/coordonnees?site=montclair-mairie&reason=CNI&persons=1&pre=0&start={Uri.EscapeDataString(slot.Start.ToString("yyyy-MM-ddTHH:mm:sszzz"))}");
        Case Get(string name, string url, int expect = 404, string says = "Aucun rendez-vous") =>
            new(name, () => browser.Http.GetAsync(url), Api: false, Expect: expect, Says: says);
        Case Post(string name, string url, string? token, bool withAntiforgery = true, int expect = 404, string says = "Aucun rendez-vous")
        {
            var fields = new List<KeyValuePair<string, string>>();
            if (token is not null) fields.Add(new("token", token));
            if (withAntiforgery) fields.Add(new("__RequestVerificationToken", antiforgery));
            return new(name, () => browser.Http.PostAsync(url, new FormUrlEncodedContent(fields)), Api: false, Expect: expect, Says: says);
        }
        var page = $"/rendez-vous/{other.Code}";

        await WalkAsync(
        [
            Get("wrong token", page + "?token=mauvais"),
            Get("no token", page),
            Get("100 KB token", page + "?token=" + Huge),
            Get("script as token", page + "?token=" + Uri.EscapeDataString(Script)),
            Get("NUL in the token", page + "?token=%00", 400, "caractère nul"),
            Get("token one character off", page + "?token=" + Uri.EscapeDataString((other.Token[0] == 'A' ? "B" : "A") + other.Token[1..])),
            Post("cancel with wrong token", page, "mauvais"),
            Post("cancel without token", page, null),
            Post("cancel with 100 KB token", page, Huge),
            Post("cancel with the token in the query only, no antiforgery", page + "?token=" + Uri.EscapeDataString(other.Token), null,
                withAntiforgery: false, expect: 400, says: "requête"),
            Post("cancel with the right token but no antiforgery", page, other.Token, withAntiforgery: false, expect: 400, says: "requête"),
        ]);

        var details = await app.Client.GetFromJsonAsync<JsonElement>(
            $"/api/v1/appointments/{other.Code}?token={Uri.EscapeDataString(other.Token)}", GuichetApp.Json);
        Assert.Equal("booked", details.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Tampered_hidden_fields_of_the_contact_form_book_nothing()
    {
        var slot = (await app.SlotsAsync(site: "montclair-mairie", from: "2026-12-16", to: "2026-12-16")).First();
        using var browser = new Browser(app);
        var url = $"/rendez-vous/coordonnees?site=montclair-mairie&reason=CNI&persons=1&pre=1&start={Uri.EscapeDataString(slot.Start.ToString("yyyy-MM-ddTHH:mm:sszzz"))}";
        var page = await browser.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, page.Status);
        var valid = new Dictionary<string, string?>
        {
            ["firstName"] = "Camille", ["lastName"] = "Martin", ["email"] = "camille.martin@exemple.fr", ["preRequestNumbers"] = "AB12CD34EF",
        };
        Case Submit(string name, int expect, string says, params (string Field, string? Value)[] changes)
        {
            var values = new Dictionary<string, string?>(valid);
            foreach (var (field, value) in changes) values[field] = value;
            return new(name, async () => (await browser.SubmitAsync(page, values: values)).Response, Api: false, Expect: expect, Says: says);
        }
        var localStart = slot.Start.ToString("yyyy-MM-ddTHH:mm:ss");

        await WalkAsync(
        [
            Submit("unknown site", 400, "créneau", ("site", "mairie-de-nulle-part")),
            Submit("SQL as site", 400, "créneau", ("site", Sql)),
            // A NUL anywhere in a posted form makes the whole form unreadable.
            Submit("NUL as site", 400, "requête", ("site", Nul)),
            Submit("unknown reason", 400, "créneau", ("reason", "PERMIS")),
            Submit("script as reason", 400, "créneau", ("reason", Script)),
            Submit("50 persons", 400, "de 1 à 6", ("persons", "50")),
            Submit("0 persons", 400, "de 1 à 6", ("persons", "0")),
            Submit("abc persons", 400, "de 1 à 6", ("persons", "abc")),
            Submit("malformed start", 400, "créneau", ("start", "demain 9 h")),
            Submit("start without offset", 400, "créneau", ("start", localStart)),
            Submit("start last Friday", 422, "passé", ("start", "2026-11-27T09:00:00+01:00")),
            Submit("start in year 9999", 422, "un an", ("start", "9999-12-31T09:00:00+01:00")),
            Submit("start at the end of time", 422, "un an", ("start", "9999-12-31T23:30:00+00:00")),
            Submit("start off the grid", 422, "pas proposé", ("start", slot.Start.AddMinutes(7).ToString("yyyy-MM-ddTHH:mm:sszzz"))),
            Submit("start on a Sunday", 422, "pas proposé", ("start", "2026-12-13T10:00:00+01:00")),
            Submit("malformed pre-request number", 422, "10 caractères", ("preRequestNumbers", "AB12")),
            Submit("eleven pre-request numbers", 422, "par personne", ("preRequestNumbers", string.Join(' ', Enumerable.Range(0, 11).Select(i => $"AB12CD34E{(char)('A' + i)}")))),
            Submit("script as first name", 422, "lettres", ("firstName", Script)),
            Submit("SQL as last name", 422, "lettres", ("lastName", "Robert'); DROP TABLE appointments;--")),
            Submit("100 KB last name", 422, "trop long", ("lastName", Huge)),
            Submit("header injection in e-mail", 422, "e-mail", ("email", "camille@exemple.fr\r\nBcc: tous@exemple.fr")),
            Submit("NUL in e-mail", 400, "requête", ("email", "cam" + Nul + "ille@exemple.fr")),
            Submit("landline for SMS", 422, "portable", ("email", null), ("phone", "02 43 98 12 00")),
            Submit("no antiforgery token", 400, "requête", ("__RequestVerificationToken", null)),
            Submit("forged antiforgery token", 400, "requête", ("__RequestVerificationToken", "CfDJ8forged")),
        ]);

        // Untampered, the same form books: the refusals above were the tampering's.
        var booked = await browser.SubmitAsync(page, values: valid);
        Assert.Equal(HttpStatusCode.Redirect, booked.Status);
    }

    [Fact]
    public async Task Huge_and_hostile_sign_in_inputs_are_refused_in_french()
    {
        using var browser = new Browser(app);
        var page = await browser.GetAsync("/connexion");
        Case SignIn(string name, string? email, string? password, int expect = 401, string says = "incorrect", string? returnUrl = null) =>
            new(name, async () => (await browser.SubmitAsync(page, values: new Dictionary<string, string?>
            {
                ["email"] = email, ["password"] = password, ["returnUrl"] = returnUrl,
            })).Response, Api: false, Expect: expect, Says: says);
        var fiveMegabytes = new string('p', 5 * 1024 * 1024);

        await WalkAsync(
        [
            SignIn("empty form", "", ""),
            SignIn("no fields at all", null, null),
            SignIn("100 KB e-mail", Huge, "mot de passe"),
            SignIn("1 MB password", "inconnu@exemple.fr", new string('p', 1024 * 1024)),
            SignIn("5 MB password", "inconnu@exemple.fr", fiveMegabytes, expect: 400, says: "requête"),
            SignIn("SQL as e-mail", Sql, Sql),
            SignIn("script as e-mail", Script, "x"),
            SignIn("NUL in e-mail", "accueil@lorval.demo" + Nul, "x", expect: 400, says: "requête"),
            SignIn("100 KB return address", "inconnu@exemple.fr", "x", returnUrl: Huge),
            SignIn("no antiforgery token", "inconnu@exemple.fr", "x", expect: 400, says: "requête") with
            {
                Send = () => browser.Http.PostAsync("/connexion", new FormUrlEncodedContent([new("email", "inconnu@exemple.fr"), new("password", "x")])),
            },
        ]);
    }

    [Fact]
    public async Task Hostile_values_at_the_agents_doors_change_nothing()
    {
        using var agent = new Browser(app);
        Assert.Equal(HttpStatusCode.Redirect, (await agent.SignInAsync("accueil@saint-aubin.demo")).Status);
        var slot = (await app.SlotsAsync(site: "saint-aubin-mairie", from: "2026-12-14", to: "2026-12-14")).First();
        var bookUrl = "/agent/reserver?site=saint-aubin-mairie&reason=CNI&persons=1&channel=Phone&date=2026-12-14&start="
                      + Uri.EscapeDataString(slot.Start.ToString("yyyy-MM-ddTHH:mm:sszzz"));
        var bookPage = await agent.GetAsync(bookUrl);
        Assert.Equal(HttpStatusCode.OK, bookPage.Status);
        var antiforgery = ((AngleSharp.Html.Dom.IHtmlInputElement)bookPage.Form().QuerySelector("input[name=__RequestVerificationToken]")!).Value;
        Case Get(string name, string url, int expect, string says) => new(name, () => agent.Http.GetAsync(url), Api: false, Expect: expect, Says: says);
        Case Cancel(string name, string id, int expect, string says) => new(name, () => agent.Http.PostAsync("/agent?handler=Cancel",
            new FormUrlEncodedContent([new("id", id), new("site", "saint-aubin-mairie"), new("__RequestVerificationToken", antiforgery)])),
            Api: false, Expect: expect, Says: says);
        Case Book(string name, int expect, string says, params (string Field, string? Value)[] changes)
        {
            var values = new Dictionary<string, string?> { ["firstName"] = "Camille", ["lastName"] = "Martin" };
            foreach (var (field, value) in changes) values[field] = value;
            return new(name, async () => (await agent.SubmitAsync(bookPage, values: values)).Response, Api: false, Expect: expect, Says: says);
        }

        await WalkAsync(
        [
            Get("agenda of an unknown site", "/agent?site=mairie-de-nulle-part", 404, "aucune page"),
            Get("agenda with NUL as site", "/agent?site=%00", 400, "caractère nul"),
            // The agenda falls back to today's, saying why.
            Get("agenda of year 9999", "/agent?site=saint-aubin-mairie&date=9999-12-31", 200, "n'est pas valide"),
            Get("agenda of year 1", "/agent?site=saint-aubin-mairie&date=0001-01-01", 200, "n'est pas valide"),
            Get("agenda of a malformed date", "/agent?site=saint-aubin-mairie&date=2026-02-30", 200, "n'est pas valide"),
            Get("agenda of a script", $"/agent?site=saint-aubin-mairie&date={Uri.EscapeDataString(Script)}", 200, "n'est pas valide"),
            Get("appointment with SQL as id", "/agent/rendez-vous/" + Uri.EscapeDataString(Sql), 404, "aucune page"),
            Get("appointment with a 10 KB id", "/agent/rendez-vous/" + new string('f', 10_240), 404, "aucune page"),
            Get("booking with NUL as reason", "/agent/reserver?site=saint-aubin-mairie&reason=%00", 400, "caractère nul"),
            Get("booking with a script as reason", $"/agent/reserver?site=saint-aubin-mairie&reason={Uri.EscapeDataString(Script)}", 200, "motif"),
            Get("booking at an unknown site", "/agent/reserver?site=mairie-de-nulle-part", 404, "aucune page"),
            Cancel("cancel an unknown id", "inconnu", 200, "n'existe pas"),
            Cancel("cancel NUL", Nul, 400, "requête"),
            Cancel("cancel a 10 KB id", new string('f', 10_240), 200, "n'existe pas"),
            Book("booking with a script as name", 422, "lettres", ("firstName", Script)),
            Book("booking with NUL in e-mail", 400, "requête", ("email", "cam" + Nul + "ille@exemple.fr")),
            Book("booking with a control character in e-mail", 422, "e-mail", ("email", "cam\u0007ille@exemple.fr")),
            Book("booking with an invalid phone", 422, "téléphone", ("phone", "zéro six")),
            Book("booking without a start", 422, "créneau", ("start", "")),
            Book("booking with the start at the end of time", 422, "un an", ("start", "9999-12-31T23:30:00+00:00")),
            Book("booking with a start off the grid", 422, "pas proposé", ("start", slot.Start.AddMinutes(7).ToString("yyyy-MM-ddTHH:mm:sszzz"))),
        ]);
    }

    [Fact]
    public async Task Hostile_agent_accounts_are_refused_in_french_and_create_nobody()
    {
        using var admin = new Browser(app);
        Assert.Equal(HttpStatusCode.Redirect, (await admin.SignInAsync("admin@lorval.demo")).Status);
        var page = await admin.GetAsync("/admin/agents");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Case Create(string name, string says, params (string Field, string? Value)[] changes)
        {
            var values = new Dictionary<string, string?>
            {
                ["displayName"] = "Jeanne Nouvelle", ["email"] = "jeanne.nouvelle@lorval.demo", ["role"] = "Agent", ["password"] = "Un-Mot-De-Passe-2026",
            };
            foreach (var (field, value) in changes) values[field] = value;
            return new(name, async () => (await admin.SubmitAsync(page, values: values)).Response, Api: false, Expect: 422, Says: says);
        }
        var agentsBefore = await app.WithDbAsync(db => db.Agents.CountAsync());

        await WalkAsync(
        [
            Create("script as name", "lettres", ("displayName", Script)),
            Create("100 KB name", "trop long", ("displayName", Huge)),
            Create("NUL in e-mail", "requête", ("email", "jeanne" + Nul + "@lorval.demo")) with { Expect = 400 },
            Create("control character in e-mail", "e-mail", ("email", "jeanne\u0007@lorval.demo")),
            Create("header injection in e-mail", "e-mail", ("email", "jeanne@lorval.demo\r\nBcc: tous@exemple.fr")),
            Create("255-character e-mail (one over the limit)", "e-mail", ("email", new string('j', 243) + "@lorval.demo")),
            Create("unknown role", "rôle", ("role", "SuperAdministrateur")),
            Create("role as a number", "rôle", ("role", "99")),
            Create("1 MB password", "trop long", ("password", new string('P', 1024 * 1024))),
            Create("weak password", "12 caractères", ("password", "motdepasse")),
        ]);
        Assert.Equal(agentsBefore, await app.WithDbAsync(db => db.Agents.CountAsync()));
    }

    /// <summary>
    /// Books a sentinel, walks the cases checking each answer and that the appointments stay the same,
    /// then checks the sentinel is still there.
    /// </summary>
    private async Task WalkAsync(IReadOnlyList<Case> cases)
    {
        var sentinel = await BookSentinelAsync("Témoin");
        var failures = new List<string>();
        var total = await CountAllAsync();
        var booked = await app.CountBookedAsync();
        foreach (var c in cases)
        {
            try
            {
                using var response = await c.Send();
                if (await CheckAsync(response, c) is { } problem) failures.Add($"{c.Name}: {problem}");
            }
            catch (Exception e)
            {
                failures.Add($"{c.Name}: threw {e.GetType().Name}: {e.Message}");
            }
            var (nowTotal, nowBooked) = (await CountAllAsync(), await app.CountBookedAsync());
            if (nowTotal != total || nowBooked != booked)
            {
                failures.Add($"{c.Name}: appointments went from {total} ({booked} booked) to {nowTotal} ({nowBooked} booked)");
                (total, booked) = (nowTotal, nowBooked);
            }
        }
        Assert.True(failures.Count == 0, $"{failures.Count} of {cases.Count} hostile inputs were mishandled:\n" + string.Join("\n", failures));

        var still = await app.Client.GetAsync($"/api/v1/appointments/{sentinel.Code}?token={Uri.EscapeDataString(sentinel.Token)}");
        Assert.Equal(HttpStatusCode.OK, still.StatusCode);
        Assert.Contains("\"booked\"", await still.Content.ReadAsStringAsync());
    }

    private static async Task<string?> CheckAsync(HttpResponseMessage response, Case c)
    {
        var status = (int)response.StatusCode;
        var body = await response.Content.ReadAsStringAsync();
        if (c.Expect is { } expected ? status != expected : status is < 400 or >= 500)
            return $"answered {status} (expected {(c.Expect?.ToString() ?? "a 4xx")}): {Shorten(body)}";
        string message;
        if (c.Api)
        {
            if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                return $"content type {response.Content.Headers.ContentType} instead of application/problem+json";
            try { message = Answers.ProblemMessage(JsonDocument.Parse(body).RootElement); }
            catch (JsonException) { return $"unreadable problem document: {Shorten(body)}"; }
        }
        else
        {
            if (response.Content.Headers.ContentType?.MediaType != "text/html")
                return $"content type {response.Content.Headers.ContentType} instead of text/html";
            var page = await WebPage.ReadAsync("", response);
            if (page.Document.DocumentElement.GetAttribute("lang") != "fr") return "page not marked as French";
            // The message is the error summary or notice when there is one, else the page's heading and text.
            var alert = page.Document.QuerySelector(".errors, [role=alert], .notice");
            message = System.Text.RegularExpressions.Regex.Replace(alert?.TextContent ?? page.Text, @"\s+", " ");
            if (body.Contains("<script>alert", StringComparison.OrdinalIgnoreCase)) return "reflects the script tag unescaped";
        }
        if (!Answers.LooksFrench(message)) return $"message not a French sentence: '{Shorten(message)}'";
        if (c.Says is { Length: > 0 } says && !message.Contains(says, StringComparison.OrdinalIgnoreCase))
            return $"message does not say '{says}': '{Shorten(message)}'";
        return null;
    }

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "…";

    private Task<int> CountAllAsync() => app.WithDbAsync(db => db.Appointments.CountAsync());

    private async Task<ApiCreated> BookSentinelAsync(string lastName)
    {
        var slot = (await app.SlotsAsync(site: "lorval-hotel-de-ville", from: "2026-12-15", to: "2026-12-15")).First();
        var answer = await app.BookAsync(GuichetApp.Booking(slot, lastName: lastName));
        Assert.Equal(HttpStatusCode.Created, answer.StatusCode);
        return (await answer.Content.ReadFromJsonAsync<ApiCreated>(GuichetApp.Json))!;
    }

    private Task<HttpResponseMessage> PostAsync(string? contentType, byte[] body, bool chunked = false)
    {
        HttpContent content = chunked ? new UnsizedContent(body) : new ByteArrayContent(body);
        if (contentType is not null) content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return app.Client.PostAsync("/api/v1/appointments", content);
    }

    /// <summary>A body sent without Content-Length, as a client streaming it would.</summary>
    private sealed class UnsizedContent(byte[] bytes) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) => stream.WriteAsync(bytes).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}

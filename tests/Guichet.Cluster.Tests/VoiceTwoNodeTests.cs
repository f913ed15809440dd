using System.Net;
using System.Xml.Linq;
using Guichet.Cluster.Tests.Support;
using Guichet.Domain.Voice;
using Guichet.Web.Data;
using Guichet.Web.Features.Voice;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Cluster.Tests;

/// <summary>A phone call through the TwiML door whose webhooks land on node A, then B, then A…: the call's state is in the database.</summary>
[Collection(SharedNodes.Name)]
public sealed class VoiceTwoNodeTests(TwoNodes cluster)
{
    public const string Token = "jeton-twilio-des-noeuds";
    public const string PublicBase = "https://voix.guichet.test";

    private static Dictionary<string, string> Call(string sid, string? digits = null)
    {
        var form = new Dictionary<string, string>
        {
            ["CallSid"] = sid, ["AccountSid"] = "AC0000", ["From"] = "+33612345678", ["To"] = "+33299000000", ["CallStatus"] = "in-progress", ["Direction"] = "inbound",
        };
        if (digits is not null) form["Digits"] = digits;
        return form;
    }

    /// <summary>Posts a signed webhook to the given node; the signature is for the public URL, as Twilio computes it.</summary>
    private static async Task<XElement> PostAsync(HttpClient node, string pathAndQuery, Dictionary<string, string> form)
    {
        var path = pathAndQuery.StartsWith(PublicBase, StringComparison.Ordinal) ? pathAndQuery[PublicBase.Length..] : pathAndQuery;
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add("X-Twilio-Signature", TwilioSignature.Compute(Token, PublicBase + path, form.Select(f => (f.Key, f.Value))));
        using var answer = await node.SendAsync(request);
        var body = await answer.Content.ReadAsStringAsync();
        Assert.True(answer.StatusCode == HttpStatusCode.OK, $"{(int)answer.StatusCode} on {path}: {body}");
        return XDocument.Parse(body).Root!;
    }

    private static string Spoken(XElement twiml) => string.Join(" ", twiml.Descendants("Say").Select(s => s.Value));

    [Fact]
    public async Task A_call_whose_turns_alternate_between_the_two_nodes_books_an_appointment()
    {
        using var a = cluster.A.NewClient();
        using var b = cluster.B.NewClient();
        HttpClient[] nodes = [a, b];
        var sid = "CA" + Guid.NewGuid().ToString("N")[..20];

        var twiml = await PostAsync(a, "/voice/twilio/incoming?organisation=mairie-lorval", Call(sid));
        var transcript = new List<string> { "A: " + Spoken(twiml) };
        // The same keys as the single-node TwiML test: book, passport, one person, first slot, this number, confirm.
        var keys = new[] { "1", "2", "1", "1", "1", "1" };
        for (var turn = 0; turn < keys.Length; turn++)
        {
            var gather = twiml.Element("Gather");
            Assert.True(gather is not null, $"no Gather after {string.Join(" | ", transcript)}");
            var node = (turn + 1) % 2;   // B, A, B, A…
            twiml = await PostAsync(nodes[node], gather!.Attribute("action")!.Value, Call(sid, keys[turn]));
            transcript.Add($"{(node == 0 ? "A" : "B")} [{keys[turn]}]: {Spoken(twiml)}");
        }
        Assert.True(twiml.Element("Hangup") is not null, string.Join(" | ", transcript));
        Assert.Contains("Notez votre code de rendez-vous", Spoken(twiml));

        await using var db = cluster.Database.NewContext();
        var call = await db.Set<VoiceCall>().AsNoTracking().SingleAsync(c => c.Id == "twilio-" + sid);
        Assert.Equal(VoiceOutcome.Booked, call.Outcome);
        var appointment = await db.Appointments.AsNoTracking().SingleAsync(x => x.Id == call.AppointmentId);
        Assert.Equal((Channel.Voice, "PASSPORT", AppointmentStatus.Booked), (appointment.Channel, appointment.ReasonCode, appointment.Status));
        Assert.Contains(FrenchSpeech.Digits(appointment.Code), Spoken(twiml));
    }
}

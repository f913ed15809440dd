using System.Net;
using System.Xml.Linq;
using Guichet.Domain.Requests;
using Guichet.Web.Data;
using Guichet.Web.Features.Notifications;
using Guichet.Web.Features.Requests;
using Guichet.Web.Features.Voice;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Tests.Voice;

/// <summary>A message left on the voice server (TwiML door, as TwilioTests drive it) becomes a citizen request.</summary>
public sealed class VoiceRequestTests(VoiceApp app) : IClassFixture<VoiceApp>
{
    private async Task<XElement> PostAsync(string path, Dictionary<string, string> form)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add("X-Twilio-Signature", TwilioSignature.Compute("12345", "http://localhost" + path, form.Select(f => (f.Key, f.Value))));
        var answer = await app.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        return XDocument.Parse(await answer.Content.ReadAsStringAsync()).Root!;
    }

    private static Dictionary<string, string> Call(string sid, string from, Dictionary<string, string>? more = null)
    {
        var form = new Dictionary<string, string>
        {
            ["CallSid"] = sid, ["AccountSid"] = "AC0000", ["From"] = from, ["To"] = "+33299000000", ["CallStatus"] = "in-progress", ["Direction"] = "inbound",
        };
        foreach (var (k, v) in more ?? []) form[k] = v;
        return form;
    }

    private async Task LeaveMessageAsync(string sid, string from, string recording, int seconds)
    {
        app.At(7);
        var twiml = await PostAsync("/voice/twilio/incoming?organisation=mairie-lorval", Call(sid, from));
        for (var i = 0; i < 3; i++) twiml = await PostAsync(twiml.Element("Gather")!.Attribute("action")!.Value, Call(sid, from));   // silence
        var record = twiml.Element("Record")!;
        var done = await PostAsync(record.Attribute("action")!.Value, Call(sid, from, new()
        {
            ["RecordingUrl"] = recording, ["RecordingDuration"] = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture), ["RecordingSid"] = "RE" + sid,
        }));
        Assert.NotNull(done.Element("Hangup"));
    }

    [Fact]
    public async Task A_voice_message_becomes_a_voice_request_with_the_callback_number_and_recording_and_an_sms_acknowledgement()
    {
        const string recording = "https://api.twilio.com/2010-04-01/Accounts/AC0000/Recordings/RE900";
        await LeaveMessageAsync("CA900", "+33611223344", recording, 75);

        var message = await app.WithDbAsync(db => db.Set<VoiceMessage>().AsNoTracking().SingleAsync(m => m.CallId == "twilio-CA900"));
        Assert.NotNull(message.CitizenRequestId);
        var request = await app.WithDbAsync(db => db.CitizenRequests.AsNoTracking().SingleAsync(r => r.Id == message.CitizenRequestId));
        Assert.Equal((RequestChannel.Voice, "lorval-message-telephonique", "+33611223344", "mairie-lorval"), (request.Channel, request.CategoryId, request.Phone, request.OrganisationId));
        Assert.Contains("Numéro à rappeler : 06 11 22 33 44", request.Text);
        Assert.Contains(recording, request.Text);
        Assert.Contains("(1 min 15 s)", request.Text);
        var ack = await app.WithDbAsync(db => db.OutboxMessages.AsNoTracking().SingleAsync(m => m.IdempotencyKey == $"request:{request.Id}:ack"));
        Assert.Equal((MessageChannel.Sms, "+33611223344"), (ack.Channel, ack.Recipient));
        Assert.Contains(request.TrackingCode, ack.Body);
    }

    [Fact]
    public async Task A_message_from_a_landline_is_filed_too_with_no_sms_acknowledgement()
    {
        await LeaveMessageAsync("CA901", "+33243981200", "https://api.twilio.com/2010-04-01/Accounts/AC0000/Recordings/RE901", 12);

        var message = await app.WithDbAsync(db => db.Set<VoiceMessage>().AsNoTracking().SingleAsync(m => m.CallId == "twilio-CA901"));
        var request = await app.WithDbAsync(db => db.CitizenRequests.AsNoTracking().SingleAsync(r => r.Id == message.CitizenRequestId));
        Assert.Equal(RequestChannel.Voice, request.Channel);
        Assert.False(await app.WithDbAsync(db => db.OutboxMessages.AnyAsync(m => m.IdempotencyKey == $"request:{request.Id}:ack")));
    }
}

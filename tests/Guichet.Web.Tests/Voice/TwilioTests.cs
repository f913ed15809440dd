using System.Net;
using System.Xml.Linq;
using Guichet.Domain.Voice;
using Guichet.Web.Data;
using Guichet.Web.Features.Voice;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Tests.Voice;

/// <summary>A fake Twilio: posts signed forms to the voice URLs, reads the TwiML and follows its action URLs.</summary>
public sealed class TwilioTests(VoiceApp app) : IClassFixture<VoiceApp>
{
    private const string Token = "12345";

    private async Task<(HttpStatusCode Status, XElement? TwiML)> PostAsync(string path, Dictionary<string, string> form, string? signature = null)
    {
        var url = "http://localhost" + path;
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add("X-Twilio-Signature", signature ?? TwilioSignature.Compute(Token, url, form.Select(f => (f.Key, f.Value))));
        var answer = await app.Client.SendAsync(request);
        if (answer.StatusCode != HttpStatusCode.OK) return (answer.StatusCode, null);
        Assert.StartsWith("text/xml", answer.Content.Headers.ContentType!.ToString());
        return (answer.StatusCode, XDocument.Parse(await answer.Content.ReadAsStringAsync()).Root);
    }

    private static Dictionary<string, string> Call(string sid, Dictionary<string, string>? more = null)
    {
        var form = new Dictionary<string, string>
        {
            ["CallSid"] = sid, ["AccountSid"] = "AC0000", ["From"] = "+33612345678", ["To"] = "+33299000000", ["CallStatus"] = "in-progress", ["Direction"] = "inbound",
        };
        foreach (var (k, v) in more ?? []) form[k] = v;
        return form;
    }

    /// <summary>Presses keys on the Gather of the last answer, through its own action URL.</summary>
    private async Task<XElement> PressAsync(XElement twiml, string sid, string digits)
    {
        var gather = twiml.Element("Gather") ?? throw new InvalidOperationException("No Gather in " + twiml);
        var (status, next) = await PostAsync(gather.Attribute("action")!.Value, Call(sid, new() { ["Digits"] = digits }));
        Assert.Equal(HttpStatusCode.OK, status);
        return next!;
    }

    private static string Spoken(XElement twiml) => string.Join(" ", twiml.Descendants("Say").Select(s => s.Value));

    [Fact]
    public void The_signature_matches_the_documented_test_vector() =>
        Assert.Equal("0/KCTR6DLpKmkAf8muzZqo1nDgQ=", TwilioSignature.Compute("12345", "https://mycompany.com/myapp.php?foo=1&bar=2",
            [("CallSid", "CA1234567890ABCDE"), ("Caller", "+12349013030"), ("Digits", "1234"), ("From", "+12349013030"), ("To", "+18005551212")]));

    [Fact]
    public async Task A_caller_books_a_passport_through_twiml_webhooks()
    {
        app.At(7);
        var earliest = (await app.SlotsAsync("PASSPORT", 1, "lorval-hotel-de-ville"))[0];
        var (status, twiml) = await PostAsync("/voice/twilio/incoming?organisation=mairie-lorval", Call("CA100"));
        Assert.Equal(HttpStatusCode.OK, status);
        var gather = twiml!.Element("Gather")!;
        Assert.Equal(("fr-FR", "1", "true"), (gather.Attribute("language")!.Value, gather.Attribute("numDigits")!.Value, gather.Attribute("actionOnEmptyResult")!.Value));
        Assert.All(gather.Elements("Say"), s => Assert.Equal("fr-FR", s.Attribute("language")!.Value));
        Assert.Contains("Bonjour, vous êtes bien à : Mairie de Lorval", Spoken(twiml));
        Assert.Contains("Nous sommes actuellement fermés", Spoken(twiml));   // 7 a.m.

        twiml = await PressAsync(twiml, "CA100", "1");
        twiml = await PressAsync(twiml, "CA100", "2");
        twiml = await PressAsync(twiml, "CA100", "1");
        Assert.Contains($"Le {FrenchSpeech.DateAndTime(earliest.Start.DateTime, new DateOnly(2026, 11, 30))} : tapez 1.", Spoken(twiml));
        twiml = await PressAsync(twiml, "CA100", "1");
        twiml = await PressAsync(twiml, "CA100", "1");
        Assert.Contains("Nous vous joindrons au zéro six, douze, trente-quatre, cinquante-six, soixante-dix-huit.", Spoken(twiml));
        twiml = await PressAsync(twiml, "CA100", "1");
        Assert.NotNull(twiml.Element("Hangup"));
        Assert.Contains("Notez votre code de rendez-vous", Spoken(twiml));

        var call = await app.CallAsync("twilio-CA100");
        Assert.Equal((VoiceOutcome.Booked, "twilio"), (call!.Outcome, call.Door));
        var appointment = await app.WithDbAsync(db => db.Appointments.AsNoTracking().FirstAsync(a => a.Id == call.AppointmentId));
        Assert.Equal((Channel.Voice, "PASSPORT", earliest.Start.UtcDateTime), (appointment.Channel, appointment.ReasonCode, appointment.StartUtc));
        Assert.Contains(FrenchSpeech.Digits(appointment.Code), Spoken(twiml));
    }

    [Fact]
    public async Task A_wrong_or_missing_signature_is_refused_and_nothing_is_stored()
    {
        var (status, _) = await PostAsync("/voice/twilio/incoming?organisation=mairie-lorval", Call("CA200"), signature: "0/KCTR6DLpKmkAf8muzZqo1nDgQ=");
        Assert.Equal(HttpStatusCode.Forbidden, status);
        // Signed for another URL (another organisation): refused too.
        var form = Call("CA200");
        var other = TwilioSignature.Compute(Token, "http://localhost/voice/twilio/incoming?organisation=mairie-saint-aubin", form.Select(f => (f.Key, f.Value)));
        (status, _) = await PostAsync("/voice/twilio/incoming?organisation=mairie-lorval", form, other);
        Assert.Equal(HttpStatusCode.Forbidden, status);
        var unsigned = await app.Client.PostAsync("/voice/twilio/incoming?organisation=mairie-lorval", new FormUrlEncodedContent(Call("CA200")));
        Assert.Equal(HttpStatusCode.Forbidden, unsigned.StatusCode);
        Assert.Null(await app.CallAsync("twilio-CA200"));
    }

    [Fact]
    public async Task Silence_three_times_leads_to_a_recorded_message_kept_with_its_url()
    {
        app.At(7);
        var (_, twiml) = await PostAsync("/voice/twilio/incoming?organisation=mairie-lorval", Call("CA300"));
        for (var i = 0; i < 3; i++)
        {
            var (_, next) = await PostAsync(twiml!.Element("Gather")!.Attribute("action")!.Value, Call("CA300"));   // no Digits: empty result
            twiml = next;
        }
        var record = twiml!.Element("Record")!;
        Assert.Equal(("120", "#", "true"), (record.Attribute("maxLength")!.Value, record.Attribute("finishOnKey")!.Value, record.Attribute("playBeep")!.Value));
        Assert.Contains("laisser un message", Spoken(twiml));
        var (_, done) = await PostAsync(record.Attribute("action")!.Value, Call("CA300", new()
        {
            ["RecordingUrl"] = "https://api.twilio.com/2010-04-01/Accounts/AC0000/Recordings/RE1", ["RecordingDuration"] = "9", ["RecordingSid"] = "RE1",
        }));
        Assert.NotNull(done!.Element("Hangup"));
        var message = await app.WithDbAsync(db => db.Set<VoiceMessage>().AsNoTracking().SingleAsync(m => m.CallId == "twilio-CA300"));
        Assert.Equal(("https://api.twilio.com/2010-04-01/Accounts/AC0000/Recordings/RE1", 9, "+33612345678"), (message.RecordingPath, message.DurationSeconds, message.CallbackNumber));
    }

    [Fact]
    public async Task A_call_counts_for_the_unit_whose_number_was_dialled_else_the_unit_that_takes_voice_messages()
    {
        app.At(7);
        // The roads office's own line, written as a caller's phone shows it: the organisation is found through it.
        var (status, _) = await PostAsync("/voice/twilio/incoming", Call("CA700", new() { ["To"] = "+33243981220" }));
        Assert.Equal(HttpStatusCode.OK, status);
        // The organisation's general line: the unit whose category receives voice messages (civil status in the demo).
        await PostAsync("/voice/twilio/incoming?organisation=mairie-lorval", Call("CA701"));
        var units = await app.WithDbAsync(db => db.Set<VoiceCall>().AsNoTracking().Where(c => c.Id == "twilio-CA700" || c.Id == "twilio-CA701")
            .OrderBy(c => c.Id).Select(c => new { c.OrganisationId, c.UnitId }).ToListAsync());
        Assert.Equal([new { OrganisationId = "mairie-lorval", UnitId = (string?)"lorval-voirie" }, new { OrganisationId = "mairie-lorval", UnitId = (string?)"lorval-etat-civil" }], units);
    }

    [Fact]
    public async Task A_message_left_from_a_unit_s_line_counts_for_the_unit_the_request_went_to()
    {
        app.At(7);
        var (_, twiml) = await PostAsync("/voice/twilio/incoming", Call("CA702", new() { ["To"] = "+33243981220" }));
        for (var i = 0; i < 3; i++) twiml = (await PostAsync(twiml!.Element("Gather")!.Attribute("action")!.Value, Call("CA702", new() { ["To"] = "+33243981220" }))).TwiML;
        await PostAsync(twiml!.Element("Record")!.Attribute("action")!.Value, Call("CA702", new()
        {
            ["To"] = "+33243981220", ["RecordingUrl"] = "https://api.twilio.com/2010-04-01/Accounts/AC0000/Recordings/RE2", ["RecordingDuration"] = "7", ["RecordingSid"] = "RE2",
        }));
        var (unit, requestUnit) = await app.WithDbAsync(async db =>
        {
            var call = await db.Set<VoiceCall>().AsNoTracking().SingleAsync(c => c.Id == "twilio-CA702");
            var message = await db.Set<VoiceMessage>().AsNoTracking().SingleAsync(m => m.CallId == "twilio-CA702");
            var request = await db.CitizenRequests.AsNoTracking().SingleAsync(r => r.Id == message.CitizenRequestId);
            return (call.UnitId, request.UnitId);
        });
        Assert.Equal("lorval-etat-civil", requestUnit);
        Assert.Equal(requestUnit, unit);
    }

    [Fact]
    public async Task The_status_callback_at_the_end_of_the_call_releases_a_held_slot()
    {
        app.At(7);
        var (_, twiml) = await PostAsync("/voice/twilio/incoming?organisation=mairie-lorval", Call("CA400"));
        twiml = await PressAsync(twiml!, "CA400", "1");
        twiml = await PressAsync(twiml, "CA400", "1");
        twiml = await PressAsync(twiml, "CA400", "1");
        await PressAsync(twiml, "CA400", "2");
        Assert.True(await app.WithDbAsync(db => db.Set<VoiceHold>().AnyAsync(h => h.CallId == "twilio-CA400")));
        var (status, end) = await PostAsync("/voice/twilio/status", Call("CA400", new() { ["CallStatus"] = "completed" }));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Empty(end!.Elements());
        Assert.False(await app.WithDbAsync(db => db.Set<VoiceHold>().AnyAsync(h => h.CallId == "twilio-CA400")));
        Assert.Equal(VoiceOutcome.Abandoned, (await app.CallAsync("twilio-CA400"))!.Outcome);
    }

    [Fact]
    public async Task During_opening_hours_zero_dials_and_a_completed_dial_ends_as_transferred()
    {
        app.At(10);
        var (_, twiml) = await PostAsync("/voice/twilio/incoming?organisation=mairie-lorval", Call("CA500"));
        Assert.DoesNotContain("fermés", Spoken(twiml!));
        var dialing = await PressAsync(twiml!, "CA500", "0");
        var dial = dialing.Element("Dial")!;
        Assert.Equal(("20", "PJSIP/accueil"), (dial.Attribute("timeout")!.Value, dial.Element("Number")!.Value));
        var (_, done) = await PostAsync(dial.Attribute("action")!.Value, Call("CA500", new() { ["DialCallStatus"] = "completed", ["DialCallDuration"] = "42" }));
        Assert.NotNull(done!.Element("Hangup"));
        Assert.Equal(VoiceOutcome.Transferred, (await app.CallAsync("twilio-CA500"))!.Outcome);
    }

    [Fact]
    public async Task A_webhook_without_a_call_sid_is_a_bad_request_not_a_crash()
    {
        var form = new Dictionary<string, string> { ["From"] = "+33612345678" };
        var (status, _) = await PostAsync("/voice/twilio/incoming?organisation=mairie-lorval", form);
        Assert.Equal(HttpStatusCode.BadRequest, status);
    }
}

using System.Net;
using System.Net.Http.Json;
using Guichet.Domain.Voice;
using Guichet.Web.Data;
using Guichet.Web.Features.Notifications;
using Guichet.Web.Features.Voice;
using Guichet.Web.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Guichet.Web.Tests.Voice;

public class VoiceApp : GuichetApp
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Voice:FastAgi:Listen"] = "127.0.0.1:0",
        ["Voice:Transfers:mairie-lorval"] = "PJSIP/accueil",
        ["Voice:RecordingsPath"] = "/var/spool/guichet",
        ["Voice:Twilio:AuthToken"] = "12345",
    };

    public async Task<IPEndPoint> FastAgiAsync() =>
        await Services.GetRequiredService<FastAgiServer>().EndPointAsync ?? throw new InvalidOperationException("FastAGI door not listening");

    /// <summary>Monday 30 November 2026 at this local time in Paris (Lorval opens at 8:30).</summary>
    public void At(int hour, int minute = 0) => Clock.Set(new DateTimeOffset(2026, 11, 30, hour, minute, 0, TimeSpan.FromHours(1)));

    public Task<VoiceCall?> CallAsync(string id) => WithDbAsync(db => db.Set<VoiceCall>().AsNoTracking().FirstOrDefaultAsync(c => c.Id == id));
}

public sealed class FastAgiTests(VoiceApp app) : IClassFixture<VoiceApp>
{
    [Fact]
    public async Task A_caller_books_an_identity_card_over_fastagi_and_it_is_in_the_agenda_with_an_sms_confirmation()
    {
        app.At(7);
        var earliest = (await app.SlotsAsync("CNI", 1, "lorval-hotel-de-ville"))[0];
        await using var agi = await FakeAsterisk.CallAsync(await app.FastAgiAsync(), "1700000001.1");
        Assert.Equal("ANSWER", await agi.NextAsync());
        await agi.ReplyAsync("200 result=0");
        await agi.TypeAsync("1");   // book
        await agi.TypeAsync("1");   // identity card
        await agi.TypeAsync("1");   // one person
        await agi.TypeAsync("1");   // the earliest slot
        Assert.StartsWith("STREAM FILE", await agi.NextAsync());   // the turn is saved before the door speaks again
        await agi.ReplyAsync("200 result=0 endpos=100");
        var held = await app.WithDbAsync(db => db.Set<VoiceHold>().CountAsync(h => h.CallId == "agi-1700000001.1"));
        Assert.True(held > 0);
        await agi.TypeAsync("1");   // confirm the slot
        await agi.TypeAsync("1");   // keep the number called from
        Assert.Equal("HANGUP", await agi.PlayUntilAsync("HANGUP"));
        await agi.ReplyAsync("200 result=1");
        Assert.True(await agi.ClosedByServerAsync());

        var call = await app.CallAsync("agi-1700000001.1");
        Assert.Equal(VoiceOutcome.Booked, call!.Outcome);
        Assert.NotNull(call.EndedUtc);
        var appointment = await app.WithDbAsync(db => db.Appointments.AsNoTracking().FirstAsync(a => a.Id == call.AppointmentId));
        Assert.Equal((Channel.Voice, "+33612345678", AppointmentStatus.Booked, "CNI", earliest.Start.UtcDateTime),
            (appointment.Channel, appointment.Phone, appointment.Status, appointment.ReasonCode, appointment.StartUtc));
        // The code was read back digit by digit, and an SMS confirmation waits in the outbox.
        var digits = FrenchSpeech.Digits(appointment.Code);
        var codePrompt = VoicePrompts.Name(new VoiceAction.Say($"Notez votre code de rendez-vous : {digits}. Je répète : {digits}."));
        Assert.Contains(agi.Commands, c => c.Contains(codePrompt, StringComparison.Ordinal));
        Assert.True(await app.WithDbAsync(db => db.OutboxMessages.AnyAsync(m => m.AppointmentId == appointment.Id && m.Channel == MessageChannel.Sms && m.Kind == MessageKind.Confirmation)));
        Assert.Equal(0, await app.WithDbAsync(db => db.Set<VoiceHold>().CountAsync(h => h.CallId == call.Id)));
        // The agenda's minutes are claimed like any booking's.
        Assert.True(await app.WithDbAsync(db => db.SlotClaims.AnyAsync(c => c.AppointmentId == appointment.Id && c.StationId == appointment.StationId)));
    }

    [Fact]
    public async Task A_held_slot_is_offered_to_nobody_else_and_a_hang_up_in_the_middle_of_a_prompt_releases_it()
    {
        app.At(7);
        var before = await app.SlotsAsync("PASSPORT", 1, "lorval-hotel-de-ville");
        await using var agi = await FakeAsterisk.CallAsync(await app.FastAgiAsync(), "1700000002.1");
        await agi.TypeAsync("1");
        await agi.TypeAsync("2");   // passport
        await agi.TypeAsync("1");
        await agi.TypeAsync("1");   // holds the earliest slot
        // The confirmation prompt starts (the turn, hold included, is saved before the door speaks again).
        var prompt = await agi.NextAsync();
        Assert.StartsWith("STREAM FILE", prompt);
        var holds = await app.WithDbAsync(db => db.Set<VoiceHold>().AsNoTracking().Where(h => h.CallId == "agi-1700000002.1").ToListAsync());
        Assert.NotEmpty(holds);
        // While held, the web sees one fewer station free at that time.
        var during = await app.SlotsAsync("PASSPORT", 1, "lorval-hotel-de-ville");
        Assert.True(during.Count(s => s.Start == before[0].Start) < before.Count(s => s.Start == before[0].Start) || !during.Any(s => s.Start == before[0].Start));

        // The caller hangs up during that prompt: HANGUP, then 511 for the pending command.
        await agi.ReplyAsync("HANGUP");
        await agi.ReplyAsync("511 Command Not Permitted on a dead channel or intercept routine");
        Assert.True(await agi.ClosedByServerAsync());

        Assert.Equal(0, await app.WithDbAsync(db => db.Set<VoiceHold>().CountAsync(h => h.CallId == "agi-1700000002.1")));
        var call = await app.CallAsync("agi-1700000002.1");
        Assert.Equal((VoiceOutcome.Abandoned, (string?)null), (call!.Outcome, call.AppointmentId));
        Assert.Equal(before.Count(s => s.Start == before[0].Start), (await app.SlotsAsync("PASSPORT", 1, "lorval-hotel-de-ville")).Count(s => s.Start == before[0].Start));
    }

    [Fact]
    public async Task A_key_pressed_during_a_prompt_interrupts_it()
    {
        app.At(7);
        await using var agi = await FakeAsterisk.CallAsync(await app.FastAgiAsync(), "1700000003.1");
        Assert.Equal("ANSWER", await agi.NextAsync());
        await agi.ReplyAsync("200 result=0");
        var welcome = await agi.NextAsync();
        Assert.Matches("^STREAM FILE .+ \"0123456789\\*#\"$", welcome!);
        await agi.ReplyAsync("200 result=52 endpos=8000");   // '4' during the welcome: hours and address
        var next = await agi.PlayUntilAsync("GET DATA");
        Assert.Equal(1, agi.Commands.Count(c => c.StartsWith("GET DATA", StringComparison.Ordinal)));   // the menu never waited
        await agi.ReplyAsync("200 result= (timeout)");   // silence after the information: goodbye
        await agi.PlayUntilAsync("HANGUP");
        await agi.ReplyAsync("200 result=1");
        Assert.True(await agi.ClosedByServerAsync());
        Assert.Equal(VoiceOutcome.Information, (await app.CallAsync("agi-1700000003.1"))!.Outcome);
        Assert.Contains("Menu>AfterInformation>Ended", (await app.CallAsync("agi-1700000003.1"))!.Path);
        Assert.StartsWith("GET DATA silence/1 6000 1", next);
    }

    [Fact]
    public async Task Zero_dials_a_person_and_when_nobody_answers_the_message_is_kept_with_the_callback_number()
    {
        app.At(10);
        await using var agi = await FakeAsterisk.CallAsync(await app.FastAgiAsync(), "1700000004.1");
        await agi.TypeAsync("0");
        Assert.Equal("EXEC Dial PJSIP/accueil,20", await agi.PlayUntilAsync("EXEC"));
        await agi.ReplyAsync("200 result=-1");
        Assert.Equal("GET VARIABLE DIALSTATUS", await agi.NextAsync());
        await agi.ReplyAsync("200 result=1 (NOANSWER)");
        var record = await agi.PlayUntilAsync("RECORD FILE");
        Assert.Equal("RECORD FILE /var/spool/guichet/msg-1700000004.1 wav \"#\" 120000 0 s=3", record);
        await agi.ReplyAsync("200 result=990 (timeout) endpos=96000");
        await agi.PlayUntilAsync("HANGUP");
        await agi.ReplyAsync("200 result=1");
        Assert.True(await agi.ClosedByServerAsync());

        var message = await app.WithDbAsync(db => db.Set<VoiceMessage>().AsNoTracking().SingleAsync(m => m.CallId == "agi-1700000004.1"));
        Assert.Equal(("mairie-lorval", "+33612345678", "/var/spool/guichet/msg-1700000004.1.wav", 12, "lorval-hotel-de-ville"),
            (message.OrganisationId, message.CallbackNumber, message.RecordingPath, message.DurationSeconds, message.SiteId));
        Assert.Equal(VoiceOutcome.Message, (await app.CallAsync("agi-1700000004.1"))!.Outcome);
    }

    [Fact]
    public async Task A_person_who_answers_ends_the_dialogue_as_transferred()
    {
        app.At(10);
        await using var agi = await FakeAsterisk.CallAsync(await app.FastAgiAsync(), "1700000005.1");
        await agi.TypeAsync("0");
        await agi.PlayUntilAsync("EXEC Dial");
        await agi.ReplyAsync("200 result=-1");   // seen live: -1 after the agent answered and hung up
        await agi.NextAsync();
        await agi.ReplyAsync("200 result=1 (ANSWER)");
        await agi.PlayUntilAsync("HANGUP");
        await agi.ReplyAsync("200 result=1");
        Assert.True(await agi.ClosedByServerAsync());
        Assert.Equal(VoiceOutcome.Transferred, (await app.CallAsync("agi-1700000005.1"))!.Outcome);
    }

    [Fact]
    public async Task A_citizen_cancels_by_phone_with_the_code_of_an_appointment_booked_on_the_web()
    {
        app.At(7);
        var slot = (await app.SlotsAsync("CNI", 1, "lorval-hotel-de-ville"))[3];
        var booked = await app.BookAsync(GuichetApp.Booking(slot, phone: "06 11 22 33 44", email: null));
        var created = await booked.Content.ReadFromJsonAsync<ApiCreated>(GuichetApp.Json);
        await using var agi = await FakeAsterisk.CallAsync(await app.FastAgiAsync(), "1700000006.1", callerId: "+33611223344");
        await agi.TypeAsync("2");
        var ask = await agi.PlayUntilAsync("GET DATA");
        Assert.Equal("GET DATA silence/1 10000 8", ask);
        await agi.ReplyAsync($"200 result={created!.Code}");
        await agi.TypeAsync("1");
        await agi.PlayUntilAsync("HANGUP");
        await agi.ReplyAsync("200 result=1");
        Assert.True(await agi.ClosedByServerAsync());
        var appointment = await app.WithDbAsync(db => db.Appointments.AsNoTracking().FirstAsync(a => a.Id == created.Id));
        Assert.Equal((AppointmentStatus.Cancelled, "citizen"), (appointment.Status, appointment.CancelledBy));
        Assert.Equal(VoiceOutcome.Cancelled, (await app.CallAsync("agi-1700000006.1"))!.Outcome);
    }

    [Fact]
    public async Task An_unknown_organisation_hears_it_and_the_call_ends_without_a_record()
    {
        await using var agi = await FakeAsterisk.CallAsync(await app.FastAgiAsync(), "1700000007.1", organisation: "mairie-inconnue");
        await agi.PlayUntilAsync("HANGUP");
        await agi.ReplyAsync("200 result=1");
        Assert.True(await agi.ClosedByServerAsync());
        Assert.Null(await app.CallAsync("agi-1700000007.1"));
    }

    [Fact]
    public async Task A_pbx_that_drops_the_connection_leaves_no_hold_behind()
    {
        app.At(7);
        var agi = await FakeAsterisk.CallAsync(await app.FastAgiAsync(), "1700000008.1");
        await agi.TypeAsync("1");
        await agi.TypeAsync("1");
        await agi.TypeAsync("1");
        await agi.TypeAsync("2");
        Assert.StartsWith("STREAM FILE", await agi.NextAsync());
        await agi.DisposeAsync();   // no HANGUP line, no reply: the socket just closes
        VoiceCall? call = null;
        for (var i = 0; i < 200 && call?.EndedUtc is null; i++) { await Task.Delay(50); call = await app.CallAsync("agi-1700000008.1"); }
        Assert.Equal(VoiceOutcome.Abandoned, call!.Outcome);
        Assert.Equal(0, await app.WithDbAsync(db => db.Set<VoiceHold>().CountAsync(h => h.CallId == "agi-1700000008.1")));
    }

    [Theory]
    [InlineData("200 result=0 endpos=16315", 200, 0, "0", null, 16315L)]
    [InlineData("200 result=35 endpos=18560", 200, 35, "35", null, 18560L)]
    [InlineData("200 result=1 (fr)", 200, 1, "1", "fr", null)]
    [InlineData("200 result=0123 (timeout)", 200, 123, "0123", "timeout", null)]
    [InlineData("200 result= (timeout)", 200, 0, "", "timeout", null)]
    [InlineData("200 result=990 (timeout) endpos=8160", 200, 990, "990", "timeout", 8160L)]
    [InlineData("200 result=-1", 200, -1, "", null, null)]
    [InlineData("510 Invalid or unknown command", 510, -1, "", null, null)]
    [InlineData("511 Command Not Permitted on a dead channel or intercept routine", 511, -1, "", null, null)]
    public void Asterisk_replies_are_read_with_one_grammar(string line, int code, int result, string digits, string? data, long? endPos) =>
        Assert.Equal(new AgiReply(code, result, digits, data, endPos), AgiReply.Parse(line));
}

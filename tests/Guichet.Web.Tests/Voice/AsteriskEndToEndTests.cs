using System.Diagnostics;
using Guichet.Domain.Voice;
using Guichet.Web.Data;
using Guichet.Web.Features.Notifications;
using Guichet.Web.Features.Voice;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Guichet.Web.Tests.Voice;

/// <summary>
/// Runs only with GUICHET_ASTERISK_E2E=1 (after <c>scripts/asterisk-e2e.sh fetch</c>); otherwise xunit reports it as
/// skipped, not passed.
/// </summary>
public sealed class AsteriskFactAttribute : FactAttribute
{
    public const string Variable = "GUICHET_ASTERISK_E2E";
    public static bool Enabled => Environment.GetEnvironmentVariable(Variable) == "1";

    public AsteriskFactAttribute()
    {
        if (!Enabled) Skip = $"opt-in: {Variable}=1 after scripts/asterisk-e2e.sh fetch (a real Asterisk and SIPp)";
    }
}

/// <summary>The application with its FastAGI door and prompt generation on, and a real Asterisk 16 in front of it.</summary>
public sealed class AsteriskRig : IAsyncLifetime
{
    public const int SipPort = 5070;
    private string prompts = "", recordings = "";
    private string? scratch;
    public VoiceApp App { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!AsteriskFactAttribute.Enabled) return;
        prompts = Directory.CreateTempSubdirectory("guichet-prompts-").FullName;
        recordings = Directory.CreateTempSubdirectory("guichet-recordings-").FullName;
        App = new PromptingVoiceApp(prompts, recordings);
        await ((IAsyncLifetime)App).InitializeAsync();
        var agi = await App.FastAgiAsync();
        scratch = (await ScriptAsync("start", agi.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "mairie-lorval")).Trim().Split('\n')[^1];
    }

    public async Task DisposeAsync()
    {
        if (!AsteriskFactAttribute.Enabled) return;
        if (scratch is not null) await ScriptAsync("stop", scratch);
        await ((IAsyncLifetime)App).DisposeAsync();
        Directory.Delete(prompts, recursive: true);
        Directory.Delete(recordings, recursive: true);
    }

    /// <summary>Asterisk's own log of the calls (verbose level 3), for a failure's message.</summary>
    public string AsteriskLog()
    {
        var file = scratch is null ? null : Path.Combine(scratch, "log", "messages");
        if (file is null || !File.Exists(file)) return "(no Asterisk log)";
        var text = File.ReadAllText(file);
        return text[^Math.Min(6000, text.Length)..];
    }

    private static async Task<string> ScriptAsync(params string[] arguments)
    {
        var script = Path.Combine(RepositoryRoot(), "scripts", "asterisk-e2e.sh");
        var start = new ProcessStartInfo(script) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        start.Environment["ASTERISK_E2E_SIP_PORT"] = SipPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"asterisk-e2e.sh {arguments[0]} failed: {await errors}");
        return await output;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "scripts", "asterisk-e2e.sh"))) return dir.FullName;
        throw new InvalidOperationException("scripts/asterisk-e2e.sh not found above the test binaries");
    }

    private sealed class PromptingVoiceApp(string prompts, string recordings) : VoiceApp
    {
        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
        {
            ["Voice:PromptsPath"] = prompts,
            ["Voice:RecordingsPath"] = recordings,
            ["Voice:GeneratePrompts"] = "true",
        };
    }
}

/// <summary>
/// A real call: SIPp dials a real Asterisk 16.28 (PJSIP, RFC 4733 key presses), whose dialplan hands the call to
/// Guichet's FastAGI door, which plays the prompts made by espeak-ng and sox. Keys are pressed at set moments,
/// some while a prompt plays (it is cut, as for a caller who knows the menu).
/// </summary>
public sealed class AsteriskEndToEndTests(AsteriskRig rig, ITestOutputHelper output) : IClassFixture<AsteriskRig>
{
    private VoiceApp App => rig.App;

    [AsteriskFact]
    public async Task A_real_asterisk_call_books_then_a_second_call_cancels_by_code_and_a_hang_up_releases_the_held_slot()
    {
        App.At(7);
        var earliest = (await App.SlotsAsync("CNI", 1, "lorval-hotel-de-ville"))[0];

        // 1. Booking: menu 1 (book), 1 (identity card), 1 (one person), 1 (the earliest slot), 1 (confirm), 1 (this number).
        var booking = new SippCaller("0612345678");
        foreach (var _ in Enumerable.Range(0, 6)) booking.Press("1", afterMs: 4000);
        var booked = await CallAsync(booking, hangUp: false);
        Assert.Equal(VoiceOutcome.Booked, booked.Outcome);
        Assert.Equal("fastagi", booked.Door);
        var appointment = await App.WithDbAsync(db => db.Appointments.AsNoTracking().FirstAsync(a => a.Id == booked.AppointmentId));
        Assert.Equal((Channel.Voice, "+33612345678", AppointmentStatus.Booked, earliest.Start.UtcDateTime),
            (appointment.Channel, appointment.Phone, appointment.Status, appointment.StartUtc));
        Assert.True(await App.WithDbAsync(db => db.OutboxMessages.AnyAsync(m => m.AppointmentId == appointment.Id && m.Channel == MessageChannel.Sms)));
        // The prompts Asterisk played were made for it: A-law, µ-law and WAV beside each other.
        var made = Directory.GetFiles(PromptsOf(), "*.alaw");
        Assert.NotEmpty(made);
        Assert.All(made, f => Assert.True(File.Exists(Path.ChangeExtension(f, ".ulaw")) && File.Exists(Path.ChangeExtension(f, ".wav"))));

        // 2. Cancelling from the same phone: menu 2, the eight digits of the code after its prompt, then 1 (cancel).
        var cancelling = new SippCaller("0612345678")
            .Press("2", afterMs: 4000)
            .Press(appointment.Code, afterMs: 6000)
            .Press("1", afterMs: 9000);
        var cancelled = await CallAsync(cancelling, hangUp: false);
        Assert.Equal(VoiceOutcome.Cancelled, cancelled.Outcome);
        Assert.Equal(AppointmentStatus.Cancelled,
            await App.WithDbAsync(db => db.Appointments.Where(a => a.Id == appointment.Id).Select(a => a.Status).FirstAsync()));

        // 3. A caller who picks a slot and hangs up while it is held: the hold is gone with the call.
        var leaving = new SippCaller("0698765432");
        foreach (var _ in Enumerable.Range(0, 4)) leaving.Press("1", afterMs: 4000);
        var running = CallAsync(leaving, hangUp: true);
        var heldMeanwhile = false;
        while (!running.IsCompleted)
        {
            heldMeanwhile |= await App.WithDbAsync(db => db.Set<VoiceHold>().AnyAsync());
            await Task.WhenAny(running, Task.Delay(200));
        }
        var left = await running;
        Assert.True(heldMeanwhile, "the chosen slot was never held during the call");
        Assert.Equal(VoiceOutcome.Abandoned, left.Outcome);
        Assert.Contains("BookConfirmSlot", left.Path, StringComparison.Ordinal);
        Assert.Equal(0, await App.WithDbAsync(db => db.Set<VoiceHold>().CountAsync(h => h.CallId == left.Id)));
    }

    private string PromptsOf() =>
        App.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<VoiceOptions>>().Value.PromptsPath;

    /// <summary>Places the call and returns the call Guichet recorded for it (the newest FastAGI call).</summary>
    private async Task<VoiceCall> CallAsync(SippCaller caller, bool hangUp)
    {
        var before = await App.WithDbAsync(db => db.Set<VoiceCall>().Select(c => c.Id).ToListAsync());
        var (code, log) = await caller.CallAsync(AsteriskRig.SipPort, hangUp, TimeSpan.FromSeconds(150));
        var call = await App.WithDbAsync(db => db.Set<VoiceCall>().AsNoTracking().Where(c => c.Door == "fastagi" && !before.Contains(c.Id)).SingleOrDefaultAsync());
        output.WriteLine($"sipp exit {code}; call {call?.Id}: {call?.Path} → {call?.Outcome}; state {call?.State}");
        if (code != 0 || call is null) output.WriteLine(log + "\n--- Asterisk ---\n" + rig.AsteriskLog());
        Assert.Equal(0, code);
        Assert.NotNull(call);
        // Guichet closes its side when Asterisk hangs up; the call's end is written by then or a moment later.
        for (var i = 0; i < 50 && call!.EndedUtc is null; i++)
        {
            await Task.Delay(100);
            call = await App.CallAsync(call.Id);
        }
        Assert.NotNull(call!.EndedUtc);
        return call;
    }
}

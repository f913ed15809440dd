using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Guichet.Web.Data;
using Guichet.Web.Features.Notifications;
using Guichet.Web.Platform;
using Guichet.Web.Platform.Mail;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace Guichet.Bench;

/// <summary>
/// reminders: N appointments whose reminders are due now (inside today's window); the time to enqueue their reminders
/// through the app's own code (AppointmentReminders: plan, render, add; saved 1,000 per transaction), then the time the
/// app's background dispatcher takes to send them all to an SMTP sink in this process; beside N raw INSERTs of
/// rows of the same size, 1,000 per transaction, on the same database in the same run.
/// </summary>
public static class RemindersScenario
{
    private const string SiteId = "lorval-hotel-de-ville";
    private const string OrganisationId = "mairie-lorval";
    private const int Batch = 1000;
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(30);

    public static async Task<bool> RunAsync(BenchOptions options, CancellationToken ct)
    {
        var count = options.Appointments;
        await using var database = await BenchDatabase.CreateAsync(options, "reminders", ct);
        // The sink acknowledges every segment at once (TCP_QUICKACK): see SmtpProbeAsync for why, measured in this run.
        await using var sink = CountingSmtpSink.Start(quickAck: true);
        // Half the citizens gave a mobile and no e-mail: their reminder goes by SMS, to Twilio's API faked here.
        using var twilio = TwilioFake.Start();
        var settings = new Dictionary<string, string>
        {
            ["Mail__From"] = "ne-pas-repondre@bench.test",
            ["Mail__Smtp__Host"] = "127.0.0.1",
            ["Mail__Smtp__Port"] = sink.Port.ToString(CultureInfo.InvariantCulture),
            ["Mail__Smtp__Security"] = "None",
            ["Mail__Smtp__TimeoutSeconds"] = "30",
            ["Notifications__BatchSize"] = "1000",
            ["Notifications__PollInterval"] = "00:00:00.2",
            ["App__PublicBaseUrl"] = "https://rdv.bench.test",
            ["Sms__Provider"] = "Twilio",
            ["Sms__Twilio__BaseUrl"] = twilio.BaseUrl,
            ["Sms__Twilio__AccountSid"] = TwilioFake.AccountSid,
            ["Sms__Twilio__AuthToken"] = TwilioFake.AuthToken,
        };
        // First start: schema and demo territory, dispatcher off, so nothing is sent while the reminders are queued.
        await using (var first = await AppHost.StartAsync(database, ct, new Dictionary<string, string>(settings) { ["Notifications__Enabled"] = "false" }))
            await Machine.PrintAsync("reminders", database, ct);

        var (plainMs, quickMs) = await SmtpProbeAsync(ct);
        Console.WriteLine($"smtp      one System.Net.Mail send to a sink that delays its ACKs as usual: p50 {plainMs:0.0} ms; to one that ACKs at once: p50 {quickMs:0.0} ms (30 sends each)");
        if (plainMs > 4 * quickMs)
            Console.WriteLine("          the difference is Nagle's algorithm in System.Net.Mail meeting the receiver's delayed ACK (about 40 ms a message);" +
                              " the dispatch below uses the sink that ACKs at once, so it measures Guichet, not that stall");

        var now = DateTime.UtcNow;
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
        var window = new Guichet.Domain.Messaging.SendWindow(new TimeOnly(9, 0), new TimeOnly(19, 0));
        var starts = DueStarts(count, now, zone, window);
        Console.WriteLine($"data      {Machine.N(count)} appointments at {SiteId}, booked 3 days ahead, starting {starts[0]:yyyy-MM-dd HH:mm}…{starts[^1]:yyyy-MM-dd HH:mm} UTC; " +
                          "each one's reminder (48 h before, inside 09:00–19:00 Paris) is already due; one in two gave an e-mail (reminder by mail), the other a mobile (by SMS)");
        var inserted = Stopwatch.StartNew();
        var ids = await InsertAppointmentsAsync(database, starts, ct);
        Console.WriteLine($"          appointments inserted in {inserted.Elapsed.TotalSeconds:0.0} s (not measured)");

        // Enqueue through the app's code, as a booking does, but 1,000 per SaveChanges.
        var enqueue = Stopwatch.StartNew();
        await EnqueueAsync(database, ids, ct);
        var enqueueSeconds = enqueue.Elapsed.TotalSeconds;
        int queued, due;
        await using (var db = database.NewContext())
        {
            queued = await db.OutboxMessages.CountAsync(m => m.Kind == MessageKind.Reminder, ct);
            var at = DateTime.UtcNow;
            due = await db.OutboxMessages.CountAsync(m => m.Kind == MessageKind.Reminder && m.NextAttemptUtc <= at, ct);
        }

        // Baseline: the same number of rows of about the same size, raw INSERTs, 1,000 per transaction.
        var baselineSeconds = await RawInsertsAsync(database, count, Batch, ct);
        // And one row per transaction, a commit each: what a send costs in commits (two: begun, then sent).
        var singles = Math.Min(count, 5000);
        var singleSeconds = await RawInsertsAsync(database, singles, 1, ct);

        // Second start, dispatcher on: from the process start until the last reminder is recorded as sent.
        var dispatch = Stopwatch.StartNew();
        var limit = options.DurationGiven ? options.Duration : Limit;
        var complete = true;
        double healthySeconds;
        int sent, failed, dropped;
        await using (var app = await AppHost.StartAsync(database, ct, settings))
        {
            healthySeconds = dispatch.Elapsed.TotalSeconds;
            while (true)
            {
                await Task.Delay(250, ct);
                await using var db = database.NewContext();
                var open = await db.OutboxMessages.CountAsync(m => m.Kind == MessageKind.Reminder
                    && (m.Status == MessageStatus.Pending || m.Status == MessageStatus.Claimed || m.Status == MessageStatus.Sending), ct);
                if (open == 0) break;
                if (dispatch.Elapsed > limit)
                {
                    // Stopped on purpose (--duration) or at the 30-minute cap: the rate so far is what is reported.
                    complete = false;
                    break;
                }
            }
        }
        var dispatchSeconds = dispatch.Elapsed.TotalSeconds;
        // The app is stopped: what was sent is final (an interrupted send stays Sending and is not counted as sent).
        await using (var db = database.NewContext())
        {
            sent = await db.OutboxMessages.CountAsync(m => m.Kind == MessageKind.Reminder && m.Status == MessageStatus.Sent, ct);
            failed = await db.OutboxMessages.CountAsync(m => m.Kind == MessageKind.Reminder && m.Status == MessageStatus.Failed, ct);
            dropped = await db.OutboxMessages.CountAsync(m => m.Kind == MessageKind.Reminder && m.Status == MessageStatus.Dropped, ct);
        }

        Console.WriteLine();
        Console.WriteLine($"reminders for {Machine.N(count)} appointments: enqueue (AppointmentReminders.AddAsync, SaveChanges per {Machine.N(Batch)}), " +
                          "then dispatch by the app's OutboxDispatcher (Notifications:SendParallelism sends at once; one SMTP connection per mail, System.Net.Mail; " +
                          "SMS through the app's Twilio adapter) to an SMTP sink and a Twilio fake in the bench");
        Console.WriteLine($"  baseline: {Machine.N(count)} raw INSERTs of a {RowBytes}-character row into bench_inserts, {Machine.N(Batch)} per transaction (ADO.NET), same database");
        var table = new Table("reminders", "raw insert");
        table.Row("enqueue: seconds", enqueueSeconds, baselineSeconds);
        table.Row("enqueue: per second", count / enqueueSeconds, count / baselineSeconds, "0");
        if (complete)
        {
            table.Row("dispatch: seconds (incl. app start)", dispatchSeconds, baselineSeconds);
            table.Row("dispatch: per second", count / dispatchSeconds, count / baselineSeconds, "0");
        }
        else
        {
            var rate = sent / Math.Max(0.001, dispatchSeconds - healthySeconds);
            table.Row($"dispatch: per second ({Machine.N(sent)} sent in {dispatchSeconds - healthySeconds:0} s)", rate, count / baselineSeconds, "0");
            table.Row($"dispatch: projected seconds for {Machine.N(count)}", healthySeconds + count / rate, baselineSeconds, "0");
        }
        table.Print();
        var perCommit = new Table("dispatch", "1 row per commit");
        perCommit.Row("per second", sent / Math.Max(0.001, complete ? dispatchSeconds : dispatchSeconds - healthySeconds), singles / singleSeconds, "0");
        Console.WriteLine($"  second baseline: {Machine.N(singles)} raw INSERTs, one per transaction (a commit each), same database; each send commits twice (begun, then sent)");
        perCommit.Print();
        if (!complete)
            Console.WriteLine($"  dispatch stopped after {dispatchSeconds:0} s ({(options.DurationGiven ? "--duration" : "30-minute cap")}) with {Machine.N(count - sent - failed - dropped)} reminders not sent yet: the rate counts the time after /health answered");
        Console.WriteLine($"  the dispatching app answered /health {healthySeconds:0.0} s after its start; {Machine.N(due)} of {Machine.N(queued)} reminders were due when it started");
        Console.WriteLine($"load      {Machine.LoadAverage()} at the end");

        var received = sink.MessageIds;
        var distinct = received.Distinct().Count();
        var arrived = received.Count + twilio.Received;
        // When stopped early, sends under way at the stop may have arrived without being recorded: at most the parallel ones.
        var ok = queued == count && failed == 0 && dropped == 0 && distinct == received.Count && twilio.ReceivedTwice == 0 && twilio.Refused == 0
                 && (complete ? sent == count && arrived == count : arrived >= sent && arrived <= sent + 64);
        Console.WriteLine($"check     {Machine.N(queued)} queued, {Machine.N(sent)} sent, {Machine.N(failed)} failed, {Machine.N(dropped)} dropped; " +
                          $"the SMTP sink received {Machine.N(received.Count)} mails with {Machine.N(distinct)} distinct Message-IDs, the Twilio fake " +
                          $"{Machine.N(twilio.Received)} SMS for {Machine.N(twilio.Recipients)} numbers ({twilio.ReceivedTwice} twice, {twilio.Refused} refused) — {(ok ? "OK" : "FAILED")}");
        return ok;
    }

    private const int RowBytes = 1500;

    /// <summary>p50 of one send through the app's SmtpMailSender, to a plain sink and to one that ACKs at once.</summary>
    private static async Task<(double Plain, double Quick)> SmtpProbeAsync(CancellationToken ct)
    {
        async Task<double> P50(bool quickAck)
        {
            await using var probe = CountingSmtpSink.Start(quickAck);
            var sender = new SmtpMailSender(new MailOptions
            {
                From = "ne-pas-repondre@bench.test",
                Smtp = new SmtpOptions { Host = "127.0.0.1", Port = probe.Port, Security = SmtpSecurity.None, TimeoutSeconds = 30 },
            });
            var times = new List<double>();
            for (var i = 0; i < 30; i++)
            {
                var watch = Stopwatch.StartNew();
                await sender.SendAsync(new OutgoingMail($"<probe{i}@bench.test>", "Mairie de Lorval", "camille.essai@example.org", "Rappel",
                    new string('t', 1500), "<p>" + new string('h', 1500) + "</p>", null), ct);
                times.Add(watch.Elapsed.TotalMilliseconds);
            }
            times.Sort();
            return times[15];
        }
        return (await P50(quickAck: false), await P50(quickAck: true));
    }

    /// <summary>
    /// Starts whose 48-hour reminder falls inside a past part of a window and whose appointment has not begun: the
    /// reminders are all due now. Spread evenly, several per minute (no slot claims: this is about messages).
    /// </summary>
    private static List<DateTime> DueStarts(int count, DateTime now, TimeZoneInfo zone, Guichet.Domain.Messaging.SendWindow window)
    {
        var candidates = new List<DateTime>();
        for (var t = now.AddHours(-47).AddMinutes(-now.Minute % 5); t < now.AddMinutes(-5); t = t.AddMinutes(5))
        {
            var local = TimeOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(t, zone));
            if (local >= window.Opens && local < window.Closes) candidates.Add(new DateTime(t.Ticks - t.Ticks % TimeSpan.TicksPerMinute, DateTimeKind.Utc).AddHours(48));
        }
        if (candidates.Count == 0) throw new InvalidOperationException("No window time in the last 47 hours.");
        return Enumerable.Range(0, count).Select(i => candidates[(int)((long)i * candidates.Count / count)]).ToList();
    }

    private static async Task<List<string>> InsertAppointmentsAsync(BenchDatabase database, List<DateTime> starts, CancellationToken ct)
    {
        var ids = new List<string>(starts.Count);
        var codes = new HashSet<string>();
        foreach (var chunk in starts.Chunk(5000))
        {
            await using var db = database.NewContext();
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            foreach (var start in chunk)
            {
                string code;
                do code = Secrets.NewDigits(8); while (!codes.Add(code));
                var id = Secrets.NewId();
                ids.Add(id);
                db.Appointments.Add(new Appointment
                {
                    Id = id, OrganisationId = OrganisationId, SiteId = SiteId, StationId = "lorval-dr1", ReasonCode = "CNI",
                    Code = code, ManageTokenHash = Secrets.Hash(id), StartUtc = start, EndUtc = start.AddMinutes(15),
                    Persons = 1, Status = AppointmentStatus.Booked, Channel = Channel.Web,
                    FirstName = "Camille", LastName = "Essai", CreatedUtc = start.AddDays(-3),
                    Email = ids.Count % 2 == 1 ? $"camille.essai+{code}@example.org" : null,
                    Phone = ids.Count % 2 == 0 ? "+336" + (10_000_000 + ids.Count).ToString(CultureInfo.InvariantCulture) : null,
                });
            }
            await db.SaveChangesAsync(ct);
        }
        return ids;
    }

    private static async Task EnqueueAsync(BenchDatabase database, List<string> ids, CancellationToken ct)
    {
        var app = new AppOptions { PublicBaseUrl = "https://rdv.bench.test" };
        var mail = new MailOptions { From = "ne-pas-repondre@bench.test" };
        var options = new ReminderOptions();
        Site site;
        Reason reason;
        await using (var db = database.NewContext())
        {
            site = await db.Sites.AsNoTracking().SingleAsync(s => s.Id == SiteId, ct);
            reason = await db.Reasons.AsNoTracking().SingleAsync(r => r.OrganisationId == OrganisationId && r.Code == "CNI", ct);
        }
        foreach (var chunk in ids.Chunk(Batch))
        {
            await using var db = database.NewContext();
            var appointments = await db.Appointments.AsNoTracking().Where(a => chunk.Contains(a.Id)).ToListAsync(ct);
            var templates = new MessageTemplates(db, NullLogger<MessageTemplates>.Instance);
            var sms = new SmsMessages(db, app, new Guichet.Web.Platform.Sms.SmsOptions(), templates, TimeProvider.System);
            var reminders = new AppointmentReminders(db, app, mail, options, sms, templates, TimeProvider.System);
            foreach (var a in appointments)
                await reminders.AddAsync(a, site, reason, manageToken: a.Id, ct);
            await db.SaveChangesAsync(ct);
        }
    }

    private static async Task<double> RawInsertsAsync(BenchDatabase database, int count, int perTransaction, CancellationToken ct)
    {
        await database.CreateInsertTableAsync(ct);
        // About the size of a reminder row (subject, text and HTML bodies).
        var payload = new string('x', RowBytes);
        var watch = Stopwatch.StartNew();
        await using DbConnection connection = database.NewConnection();
        await connection.OpenAsync(ct);
        for (var done = 0; done < count; done += perTransaction)
        {
            await using var tx = await connection.BeginTransactionAsync(ct);
            await using var command = BenchDatabase.InsertCommand(connection, tx, payload);
            for (var i = 0; i < Math.Min(perTransaction, count - done); i++) await command.ExecuteNonQueryAsync(ct);
            await tx.CommitAsync(ct);
        }
        return watch.Elapsed.TotalSeconds;
    }
}

/// <summary>
/// A minimal SMTP server on loopback for the bench: answers each command, counts the messages and keeps only their
/// Message-IDs (to prove each was received once), not their bodies. With quickAck, it asks Linux to acknowledge each
/// segment at once (TCP_QUICKACK, re-armed after every read) instead of delaying the ACK.
/// </summary>
public sealed class CountingSmtpSink : IAsyncDisposable
{
    private bool quickAck;
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource stop = new();
    private readonly ConcurrentQueue<string> ids = new();
    private Task? loop;

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;
    public IReadOnlyList<string> MessageIds => ids.ToArray();

    public static CountingSmtpSink Start(bool quickAck = false)
    {
        var sink = new CountingSmtpSink { quickAck = quickAck };
        sink.listener.Start(512);
        sink.loop = Task.Run(sink.AcceptAsync);
        return sink;
    }

    private async Task AcceptAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await listener.AcceptTcpClientAsync(stop.Token); }
            catch (Exception) { return; }
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        client.NoDelay = true;
        var socket = client.Client;
        void Ack()
        {
            // IPPROTO_TCP (6), TCP_QUICKACK (12): Linux only; elsewhere the sink simply delays ACKs.
            if (quickAck && OperatingSystem.IsLinux())
                try { socket.SetRawSocketOption(6, 12, [1, 0, 0, 0]); } catch (SocketException) { }
        }
        Ack();
        var stream = client.GetStream();
        var reader = new StreamReader(stream, Encoding.Latin1);
        var writer = new StreamWriter(stream, Encoding.Latin1) { NewLine = "\r\n", AutoFlush = true };
        try
        {
            await writer.WriteLineAsync("220 bench.test ESMTP");
            while (await reader.ReadLineAsync(stop.Token) is { } line)
            {
                Ack();
                var verb = (line.Length >= 4 ? line[..4] : line).ToUpperInvariant();
                switch (verb)
                {
                    case "EHLO": await writer.WriteAsync("250-bench.test\r\n250-8BITMIME\r\n250 SIZE 10485760\r\n"); break;
                    case "DATA":
                        await writer.WriteLineAsync("354 go on");
                        string? id = null;
                        while (await reader.ReadLineAsync(stop.Token) is { } data && data != ".")
                        {
                            Ack();
                            if (id is null && data.StartsWith("Message-ID:", StringComparison.OrdinalIgnoreCase)) id = data[11..].Trim();
                        }
                        ids.Enqueue(id ?? "");
                        await writer.WriteLineAsync("250 2.0.0 queued");
                        break;
                    case "QUIT": await writer.WriteLineAsync("221 bye"); return;
                    default: await writer.WriteLineAsync("250 ok"); break;
                }
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException) { }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        listener.Stop();
        if (loop is not null) await loop;
        stop.Dispose();
    }
}

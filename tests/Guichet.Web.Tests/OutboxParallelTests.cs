using System.Collections.Concurrent;
using System.Net;
using Guichet.Web.Features.Notifications;
using Guichet.Web.Platform.Mail;
using Microsoft.Extensions.DependencyInjection;

namespace Guichet.Web.Tests;

/// <summary>
/// Hands each mail to the real sender, but holds the first <paramref name="together"/> sends until that many are
/// under way at once: a dispatcher that sends one at a time never gets there, and its sends fail after the guard.
/// Records which appointments' mails were in flight together.
/// </summary>
file sealed class Rendezvous(IMailSender inner, int together) : IMailSender
{
    private readonly TaskCompletionSource all = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<string, int> inFlightPerMessage = new();
    private int inFlight, started;

    public int MostInFlight { get; private set; }
    public ConcurrentBag<string> Overlaps { get; } = [];
    public ConcurrentQueue<string> Order { get; } = new();

    public async Task SendAsync(OutgoingMail mail, CancellationToken ct)
    {
        var now = Interlocked.Increment(ref inFlight);
        lock (this) MostInFlight = Math.Max(MostInFlight, now);
        var thread = mail.To;   // one citizen address per appointment in this test
        if (inFlightPerMessage.AddOrUpdate(thread, 1, (_, n) => n + 1) > 1) Overlaps.Add(thread);
        try
        {
            if (Interlocked.Increment(ref started) <= together)
            {
                if (now >= together) all.TrySetResult();
                // A guard against a dispatcher that never gets there, not a measure: the test fails on it.
                await all.Task.WaitAsync(TimeSpan.FromSeconds(60), ct);
            }
            await inner.SendAsync(mail, ct);
            Order.Enqueue($"{thread} {mail.Subject}");
        }
        finally
        {
            inFlightPerMessage.AddOrUpdate(thread, 0, (_, n) => n - 1);
            Interlocked.Decrement(ref inFlight);
        }
    }
}

public sealed class OutboxParallelTests(MailApp app) : IClassFixture<MailApp>
{
    [Fact]
    public async Task Mails_about_different_appointments_go_out_side_by_side_and_those_about_one_appointment_one_after_the_other_in_order()
    {
        await app.Dispatcher.RunOnceAsync(CancellationToken.None);   // nothing left over
        var first = await app.BookWithMailAsync("lorval-hotel-de-ville", "2026-12-15", "premier@exemple.fr");
        await app.BookWithMailAsync("lorval-hotel-de-ville", "2026-12-16", "deuxieme@exemple.fr");
        await app.BookWithMailAsync("lorval-hotel-de-ville", "2026-12-17", "troisieme@exemple.fr");
        var cancel = await app.Client.PostAsync($"/api/v1/appointments/{first.Code}/cancel?token={Uri.EscapeDataString(first.Token)}", null);
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);

        var sender = new Rendezvous(app.Services.GetRequiredService<IMailSender>(), together: 3);
        Assert.Equal(4, await app.DispatcherWith(sender).RunOnceAsync(CancellationToken.None));

        Assert.Equal(3, sender.MostInFlight);
        Assert.Empty(sender.Overlaps);
        var aboutFirst = sender.Order.Where(o => o.StartsWith("premier@", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, aboutFirst.Count);
        Assert.DoesNotContain("Annulation", aboutFirst[0]);
        Assert.Contains("Annulation", aboutFirst[1]);
        Assert.All(await app.OutboxAsync(first.Id), m => Assert.Equal(MessageStatus.Sent, m.Status));
        Assert.Equal(2, app.MailsAbout(first.Code).Count);
    }
}

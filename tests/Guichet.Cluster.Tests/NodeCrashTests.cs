using System.Collections.Concurrent;
using System.Net;
using Guichet.Cluster.Tests.Support;

namespace Guichet.Cluster.Tests;

public sealed class NodeCrashTests(TwoNodes cluster) : IClassFixture<TwoNodes>
{
    [Fact]
    public async Task A_node_killed_with_sigkill_in_the_middle_of_the_booking_load_loses_no_answered_booking_and_the_other_node_carries_on()
    {
        const int slots = 150, attempts = 1200, killAfter = 300;
        using var a = cluster.A.NewClient(32);
        using var b = cluster.B.NewClient(32);
        var targets = await BookingLoad.DistinctSlotsAsync(a, slots);
        var before = (await BookingLoad.BookedAsync(cluster.Database)).Select(r => r.Id).ToHashSet();

        var run = Guid.NewGuid().ToString("N")[..8];
        var plan = Enumerable.Range(0, attempts).Select(i =>
        {
            var (http, node) = i % 2 == 0 ? (a, "A") : (b, "B");
            var slot = targets[i / 2 % slots];
            return (Func<Task<Attempt>>)(() => BookingLoad.TryAsync(http, node, i, slot, BookingLoad.Email(run, i)));
        }).ToArray();
        new Random(9).Shuffle(plan);

        // The kill comes when the 300th answer is in, whatever the time: 64 attempts are in flight, about half on B.
        var finished = 0;
        var killed = 0;
        var afterKill = new ConcurrentBag<int>();
        var log = await BookingLoad.RunAsync(plan, parallel: 64, onAnswer: attempt =>
        {
            if (Volatile.Read(ref killed) == 1) afterKill.Add(attempt.Index);
            if (Interlocked.Increment(ref finished) == killAfter && Interlocked.Exchange(ref killed, 1) == 0) cluster.B.Kill();
        });
        Assert.True(cluster.B.HasExited);

        // Node A answered every one of its attempts, before and after the kill, with 201 or 409.
        var onA = log.Where(x => x.Node == "A").ToList();
        Assert.All(onA, x => Assert.True(x.Status is HttpStatusCode.Created or HttpStatusCode.Conflict, $"A answered {x.Status} {x.Error}"));
        Assert.Contains(onA, x => afterKill.Contains(x.Index) && x.Status == HttpStatusCode.Created);
        // Node B answered 201 or 409 until it died, then nothing.
        Assert.All(log.Where(x => x.Node == "B" && x.Answered), x => Assert.True(x.Status is HttpStatusCode.Created or HttpStatusCode.Conflict, $"B answered {x.Status} {x.Error}"));
        Assert.Contains(log, x => x.Node == "B" && !x.Answered);

        var rows = (await BookingLoad.BookedAsync(cluster.Database)).Where(r => !before.Contains(r.Id)).ToList();
        var byEmail = log.ToDictionary(x => x.Email);
        // No booking answered 201 is lost.
        var answeredCreated = log.Where(x => x.Status == HttpStatusCode.Created).ToList();
        var ids = rows.Select(r => r.Id).ToHashSet();
        Assert.All(answeredCreated, x => Assert.Contains(x.Booked!.Id, ids));
        // None appears that was not answered 201, except one sent to B that had no answer because B died under it: its
        // outcome is the one thing the client cannot know (it may have committed just before the kill).
        var unanswered = new List<Attempt>();
        foreach (var row in rows)
        {
            Assert.True(row.Email is not null && byEmail.ContainsKey(row.Email), $"appointment {row.Id} matches no attempt");
            var attempt = byEmail[row.Email!];
            if (attempt.Status == HttpStatusCode.Created) Assert.Equal(attempt.Booked!.Id, row.Id);
            else
            {
                Assert.True(attempt.Node == "B" && !attempt.Answered, $"appointment {row.Id} exists but its attempt was answered {attempt.Status}");
                unanswered.Add(attempt);
            }
        }
        Assert.Equal(0, BookingLoad.Overlaps(rows));
        Assert.True(rows.Count <= slots);

        // B comes back on the same database and serves; A still books.
        await cluster.RestartBAsync();
        using var b2 = cluster.B.NewClient();
        var more = await BookingLoad.DistinctSlotsAsync(b2, 2);
        Assert.Equal(HttpStatusCode.Created, (await BookingLoad.TryAsync(b2, "B", -1, more[0], $"retour-{run}@exemple.fr")).Status);
        Assert.Equal(HttpStatusCode.Created, (await BookingLoad.TryAsync(a, "A", -2, more[1], $"suite-{run}@exemple.fr")).Status);

        Console.WriteLine($"SIGKILL under load: {answeredCreated.Count} × 201 all in the database, {log.Count(x => x.Status == HttpStatusCode.Conflict)} × 409, " +
                          $"{log.Count(x => !x.Answered)} attempts unanswered on the killed node, of which {unanswered.Count} committed before the kill; " +
                          $"{afterKill.Count(i => log[i].Node == "A")} answers from A after the kill");
    }
}

using System.Net;
using Guichet.Cluster.Tests.Support;

namespace Guichet.Cluster.Tests;

/// <summary>Two nodes on one fresh PostgreSQL database. The first migrates and seeds; the second starts on what it finds.</summary>
public class TwoNodes : IAsyncLifetime
{
    public ClusterDatabase Database { get; private set; } = null!;
    public Node A { get; private set; } = null!;
    public Node B { get; private set; } = null!;

    /// <summary>The settings both nodes run with; a fixture that needs more (providers, workers) adds them.</summary>
    protected virtual Dictionary<string, string> Settings()
    {
        var s = Node.BaseSettings(Database);
        // The TwiML door, behind one public address as a load balancer would give it: the signature covers that URL.
        s["Voice__Twilio__AuthToken"] = VoiceTwoNodeTests.Token;
        s["Voice__Twilio__PublicBaseUrl"] = VoiceTwoNodeTests.PublicBase;
        s["Voice__Transfers__mairie-lorval"] = "PJSIP/accueil";
        return s;
    }

    /// <summary>Whatever must listen before the nodes start (fake providers).</summary>
    protected virtual Task BeforeNodesAsync() => Task.CompletedTask;

    public async Task InitializeAsync()
    {
        Database = await ClusterDatabase.PostgresAsync();
        await BeforeNodesAsync();
        A = await Node.StartAsync("A", Settings());
        B = await Node.StartAsync("B", Settings());
    }

    /// <summary>Starts node B again on the same database (after a test killed it).</summary>
    public async Task RestartBAsync()
    {
        await B.DisposeAsync();
        B = await Node.StartAsync("B", Settings());
    }

    public virtual async Task DisposeAsync()
    {
        // Whatever InitializeAsync got to before it failed.
        if (A is not null) await A.DisposeAsync();
        if (B is not null) await B.DisposeAsync();
        if (Database is not null) await Database.DisposeAsync();
    }
}

/// <summary>One pair of nodes for the tests that leave both running (the crash test has its own).</summary>
[CollectionDefinition(Name)]
public sealed class SharedNodes : ICollectionFixture<TwoNodes>
{
    public const string Name = "two nodes";
}

[Collection(SharedNodes.Name)]
public sealed class TwoNodeBookingTests(TwoNodes cluster)
{
    [Fact]
    public async Task Two_thousand_attempts_on_a_hundred_slots_over_two_nodes_make_exactly_a_hundred_appointments_and_nineteen_hundred_conflicts()
    {
        const int slots = 100, attempts = 2000;
        using var a = cluster.A.NewClient(100);
        using var b = cluster.B.NewClient(100);
        var targets = await BookingLoad.DistinctSlotsAsync(a, slots);
        var before = await BookingLoad.BookedAsync(cluster.Database);

        // Attempt i aims at slot i mod 100 through node A or B in turn: each slot is fought over by 20 attempts, 10 per node.
        var run = Guid.NewGuid().ToString("N")[..8];
        var plan = Enumerable.Range(0, attempts).Select(i =>
        {
            var (http, node) = i % 2 == 0 ? (a, "A") : (b, "B");
            var slot = targets[i / 2 % slots];
            return (Func<Task<Attempt>>)(() => BookingLoad.TryAsync(http, node, i, slot, BookingLoad.Email(run, i)));
        }).ToList();
        // Sent in a shuffled order (fixed seed), so that neither node is always first to a slot.
        var shuffled = plan.OrderBy(_ => 0).ToArray();
        new Random(2026).Shuffle(shuffled);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var log = await BookingLoad.RunAsync(shuffled, parallel: attempts);
        var seconds = watch.Elapsed.TotalSeconds;

        var others = log.Where(x => x.Status is not (HttpStatusCode.Created or HttpStatusCode.Conflict)).ToList();
        Assert.True(others.Count == 0, $"{others.Count} attempts answered neither 201 nor 409, first: {others.FirstOrDefault()?.Status} {others.FirstOrDefault()?.Error}");
        var created = log.Where(x => x.Status == HttpStatusCode.Created).ToList();
        Assert.Equal(slots, created.Count);
        Assert.Equal(attempts - slots, log.Count(x => x.Status == HttpStatusCode.Conflict));
        // Each slot went to one attempt, and both nodes won some.
        Assert.Equal(slots, created.Select(x => x.Slot.Start).Distinct().Count());
        Assert.Contains(created, x => x.Node == "A");
        Assert.Contains(created, x => x.Node == "B");

        // The database: exactly the hundred answered 201, no overlap on the station.
        var after = await BookingLoad.BookedAsync(cluster.Database);
        var added = after.Where(r => before.All(p => p.Id != r.Id)).ToList();
        Assert.Equal(created.Select(x => x.Booked!.Id).Order(), added.Select(r => r.Id).Order());
        Assert.Equal(0, BookingLoad.Overlaps(after));
        Console.WriteLine($"Two nodes: {attempts} attempts answered in {seconds:0.0} s ({attempts / seconds:0} answers/s): {created.Count} × 201 " +
                          $"({created.Count(x => x.Node == "A")} on A, {created.Count(x => x.Node == "B")} on B), {attempts - slots} × 409");
    }

    [Fact]
    public async Task An_appointment_booked_on_one_node_is_read_cancelled_and_rebooked_through_the_other()
    {
        using var a = cluster.A.NewClient();
        using var b = cluster.B.NewClient();
        var slot = (await BookingLoad.DistinctSlotsAsync(a, 1)).Single();
        var booked = await BookingLoad.TryAsync(a, "A", 0, slot, "lecture-croisee@exemple.fr");
        Assert.Equal(HttpStatusCode.Created, booked.Status);

        var read = await b.GetAsync($"/api/v1/appointments/{booked.Booked!.Code}?token={Uri.EscapeDataString(booked.Booked.Token)}");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        var taken = await BookingLoad.TryAsync(b, "B", 1, slot, "autre@exemple.fr");
        Assert.Equal(HttpStatusCode.Conflict, taken.Status);
        var cancel = await b.PostAsync($"/api/v1/appointments/{booked.Booked.Code}/cancel?token={Uri.EscapeDataString(booked.Booked.Token)}", null);
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        var again = await BookingLoad.TryAsync(a, "A", 2, slot, "autre@exemple.fr");
        Assert.Equal(HttpStatusCode.Created, again.Status);
    }
}

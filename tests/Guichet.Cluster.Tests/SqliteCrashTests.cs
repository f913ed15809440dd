using System.Net;
using Guichet.Cluster.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Guichet.Cluster.Tests;

/// <summary>The one-server set-up: a single node on a SQLite file, killed with SIGKILL while it writes bookings.</summary>
public sealed class SqliteCrashTests
{
    [Fact]
    public async Task A_sqlite_node_killed_during_writes_leaves_a_database_that_opens_intact_and_holds_every_acknowledged_booking()
    {
        const int slots = 120, attempts = 480, killAfter = 150;
        await using var database = ClusterDatabase.Sqlite();
        var settings = Node.BaseSettings(database);
        var node = await Node.StartAsync("sqlite", settings);
        List<Attempt> log;
        try
        {
            using var http = node.NewClient(16);
            var targets = await BookingLoad.DistinctSlotsAsync(http, slots);
            var run = Guid.NewGuid().ToString("N")[..8];
            var plan = Enumerable.Range(0, attempts)
                .Select(i => (Func<Task<Attempt>>)(() => BookingLoad.TryAsync(http, "sqlite", i, targets[i % slots], BookingLoad.Email(run, i)))).ToArray();
            new Random(7).Shuffle(plan);
            var finished = 0;
            log = await BookingLoad.RunAsync(plan, parallel: 16, onAnswer: _ =>
            {
                if (Interlocked.Increment(ref finished) == killAfter) node.Kill();
            });
            Assert.True(node.HasExited);
        }
        finally
        {
            await node.DisposeAsync();
        }
        Assert.All(log.Where(x => x.Answered), x => Assert.True(x.Status is HttpStatusCode.Created or HttpStatusCode.Conflict, $"{x.Status} {x.Error}"));
        var acknowledged = log.Where(x => x.Status == HttpStatusCode.Created).ToList();
        Assert.NotEmpty(acknowledged);
        Assert.Contains(log, x => !x.Answered);

        // The file opens, SQLite finds nothing wrong (the WAL left by the kill is replayed), every 201 is in it.
        await using (var connection = new SqliteConnection(database.ConnectionString))
        {
            await connection.OpenAsync();
            await using var check = connection.CreateCommand();
            check.CommandText = "PRAGMA integrity_check";
            Assert.Equal("ok", (string?)await check.ExecuteScalarAsync());
        }
        var rows = await BookingLoad.BookedAsync(database);
        var ids = rows.Select(r => r.Id).ToHashSet();
        Assert.All(acknowledged, x => Assert.Contains(x.Booked!.Id, ids));
        var answeredOtherwise = log.Where(x => x.Answered && x.Status != HttpStatusCode.Created).Select(x => x.Email).ToHashSet();
        Assert.DoesNotContain(rows, r => r.Email is not null && answeredOtherwise.Contains(r.Email));
        Assert.Equal(0, BookingLoad.Overlaps(rows));

        // And the app starts again on it and books.
        await using var again = await Node.StartAsync("sqlite-again", settings);
        using var http2 = again.NewClient();
        var slot = (await BookingLoad.DistinctSlotsAsync(http2, 1)).Single();
        Assert.Equal(HttpStatusCode.Created, (await BookingLoad.TryAsync(http2, "sqlite-again", 0, slot, "apres-coupure@exemple.fr")).Status);
        Console.WriteLine($"SQLite SIGKILL during writes: {acknowledged.Count} × 201 all kept, {log.Count(x => !x.Answered)} attempts unanswered, " +
                          $"{rows.Count - acknowledged.Count} rows committed without an answer; integrity_check ok");
    }
}

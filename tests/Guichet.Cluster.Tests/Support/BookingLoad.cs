using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Guichet.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Cluster.Tests.Support;

public sealed record Slot(string Site, DateTimeOffset Start, DateTimeOffset End);
public sealed record SlotList(List<Slot> Slots);
public sealed record Created(string Id, string Code, string ManageUrl)
{
    public string Token => Uri.UnescapeDataString(ManageUrl[(ManageUrl.IndexOf("token=", StringComparison.Ordinal) + 6)..]);
}

/// <summary>What the client saw of one booking attempt: its answer, or that none came (connection refused or cut).</summary>
public sealed record Attempt(int Index, string Node, Slot Slot, string Email, HttpStatusCode? Status, Created? Booked, string? Error)
{
    public bool Answered => Status is not null;
}

/// <summary>The client side of a booking load: the slots it aims at, the attempts it makes, and the client log it keeps.</summary>
public static class BookingLoad
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    public const string Site = "saint-aubin-mairie";   // one station: a listed slot holds exactly one appointment

    /// <summary>The first <paramref name="count"/> free CNI slots (for one person, with or without a pre-request number) of the one-station site that do not overlap one another.</summary>
    public static async Task<List<Slot>> DistinctSlotsAsync(HttpClient http, int count, int preRequests = 0)
    {
        var from = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(2);
        var chosen = new List<Slot>();
        for (var week = 0; chosen.Count < count && week < 26; week++)
        {
            var start = from.AddDays(7 * week);
            var answer = await http.GetFromJsonAsync<SlotList>(
                $"/api/v1/slots?reason=CNI&persons=1&preRequests={preRequests}&site={Site}&from={start:yyyy-MM-dd}&to={start.AddDays(6):yyyy-MM-dd}", Json);
            foreach (var slot in answer!.Slots.OrderBy(s => s.Start))
                if (chosen.Count < count && (chosen.Count == 0 || slot.Start >= chosen[^1].End)) chosen.Add(slot);
        }
        Assert.True(chosen.Count == count, $"only {chosen.Count} non-overlapping slots found at {Site}");
        return chosen;
    }

    public static object Body(Slot slot, string email, string? phone = null) => new
    {
        site = slot.Site, reason = "CNI", start = slot.Start.ToString("yyyy-MM-ddTHH:mm:sszzz"), persons = 1,
        firstName = "Dominique", lastName = "Grappe", email, phone,
    };

    public static async Task<Attempt> TryAsync(HttpClient http, string node, int index, Slot slot, string email)
    {
        try
        {
            using var response = await http.PostAsJsonAsync("/api/v1/appointments", Body(slot, email));
            var created = response.StatusCode == HttpStatusCode.Created ? await response.Content.ReadFromJsonAsync<Created>(Json) : null;
            var error = response.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict ? null : await response.Content.ReadAsStringAsync();
            return new Attempt(index, node, slot, email, response.StatusCode, created, error);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException or JsonException)
        {
            // No answer (or half a one): the client cannot know whether the booking was made.
            return new Attempt(index, node, slot, email, null, null, $"{e.GetType().Name}: {e.Message}");
        }
    }

    public static string Email(string run, int index) => $"grappe-{run}-{index}@exemple.fr";

    public sealed record BookedRow(string Id, string StationId, DateTime StartUtc, DateTime EndUtc, string? Email);

    public static async Task<List<BookedRow>> BookedAsync(ClusterDatabase database)
    {
        await using var db = database.NewContext();
        return await db.Appointments.AsNoTracking().Where(a => a.Status == AppointmentStatus.Booked)
            .Select(a => new BookedRow(a.Id, a.StationId, a.StartUtc, a.EndUtc, a.Email)).ToListAsync();
    }

    /// <summary>Pairs of booked appointments that overlap on one station.</summary>
    public static int Overlaps(IEnumerable<BookedRow> rows)
    {
        var overlaps = 0;
        foreach (var station in rows.GroupBy(r => r.StationId))
        {
            var latestEnd = DateTime.MinValue;
            foreach (var r in station.OrderBy(r => r.StartUtc))
            {
                if (r.StartUtc < latestEnd) overlaps++;
                if (r.EndUtc > latestEnd) latestEnd = r.EndUtc;
            }
        }
        return overlaps;
    }

    /// <summary>Runs the attempts with at most <paramref name="parallel"/> in flight; <paramref name="onAnswer"/> sees each finished attempt.</summary>
    public static async Task<List<Attempt>> RunAsync(IReadOnlyList<Func<Task<Attempt>>> attempts, int parallel, Action<Attempt>? onAnswer = null)
    {
        var log = new ConcurrentBag<Attempt>();
        using var gate = new SemaphoreSlim(parallel);
        await Task.WhenAll(attempts.Select(async attempt =>
        {
            await gate.WaitAsync();
            try
            {
                var a = await Task.Run(attempt);
                log.Add(a);
                onAnswer?.Invoke(a);
            }
            finally
            {
                gate.Release();
            }
        }));
        return log.OrderBy(a => a.Index).ToList();
    }
}

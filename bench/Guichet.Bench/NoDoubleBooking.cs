using Guichet.Domain.Scheduling;
using Guichet.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Bench;

/// <summary>
/// Reads back every booked appointment and every slot claim and checks that no two appointments overlap on a
/// station and that the claims are exactly the units of the booked appointments.
/// </summary>
public static class NoDoubleBooking
{
    public sealed record Outcome(int Appointments, int Stations, int OverlappingPairs, int Claims, int ClaimMismatches)
    {
        public bool Ok => OverlappingPairs == 0 && ClaimMismatches == 0;
    }

    public static async Task<Outcome> CheckAsync(BenchDatabase database, CancellationToken ct)
    {
        await using var db = database.NewContext();
        var appointments = await db.Appointments.AsNoTracking()
            .Where(a => a.Status == AppointmentStatus.Booked)
            .Select(a => new { a.Id, a.StationId, a.StartUtc, a.EndUtc })
            .ToListAsync(ct);
        var claims = await db.SlotClaims.AsNoTracking().Select(c => new { c.StationId, c.Unit, c.AppointmentId }).ToListAsync(ct);

        var overlaps = 0;
        foreach (var station in appointments.GroupBy(a => a.StationId))
        {
            // Sorted by start, an overlap always shows between a row and the latest end seen so far.
            var latestEnd = DateTime.MinValue;
            foreach (var a in station.OrderBy(a => a.StartUtc))
            {
                if (a.StartUtc < latestEnd) overlaps++;
                if (a.EndUtc > latestEnd) latestEnd = a.EndUtc;
            }
        }

        var expected = appointments
            .SelectMany(a => TimeUnits.Covering(a.StartUtc, a.EndUtc).Select(u => (a.StationId, Unit: u, AppointmentId: a.Id)))
            .ToHashSet();
        var actual = claims.Select(c => (c.StationId, c.Unit, c.AppointmentId)).ToHashSet();
        var mismatches = expected.Count(e => !actual.Contains(e)) + actual.Count(c => !expected.Contains(c));

        return new Outcome(appointments.Count, appointments.Select(a => a.StationId).Distinct().Count(), overlaps, claims.Count, mismatches);
    }

    public static void Print(Outcome o) =>
        Console.WriteLine($"check     {Machine.N(o.Appointments)} booked appointments on {o.Stations} stations: {o.OverlappingPairs} overlapping on a station; " +
                          $"{Machine.N(o.Claims)} slot claims, {o.ClaimMismatches} not matching their appointment — {(o.Ok ? "OK, no double booking" : "FAILED")}");
}

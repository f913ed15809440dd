using System.Net;
using System.Net.Http.Json;
using Guichet.Web.Data;
using Guichet.Web.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Tests;

public sealed class BookingTests(GuichetApp app) : IClassFixture<GuichetApp>
{
    [Fact]
    public async Task Fifty_citizens_racing_for_one_slot_leave_exactly_one_appointment()
    {
        // Saint-Aubin has a single station: one slot, one winner.
        var slot = (await app.SlotsAsync(site: "saint-aubin-mairie", from: "2026-12-07", to: "2026-12-07")).First();
        var before = await app.CountBookedAsync();

        var answers = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            app.BookAsync(GuichetApp.Booking(slot, lastName: $"Martin{(char)('a' + i % 26)}"))));

        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.Created);
        Assert.All(answers.Where(a => a.StatusCode != HttpStatusCode.Created), a => Assert.Equal(HttpStatusCode.Conflict, a.StatusCode));
        Assert.Equal(before + 1, await app.CountBookedAsync());
        var conflict = await answers.First(a => a.StatusCode == HttpStatusCode.Conflict).Content.ReadAsStringAsync();
        Assert.Contains("vient d'être pris", conflict);
    }

    [Fact]
    public async Task A_family_appointment_blocks_every_shorter_slot_it_overlaps()
    {
        // Three persons at Saint-Aubin on Wednesday 9 December: 45 minutes from 9:00.
        var family = (await app.SlotsAsync(persons: 3, site: "saint-aubin-mairie", from: "2026-12-09", to: "2026-12-09")).First();
        Assert.Equal(new DateTimeOffset(2026, 12, 9, 9, 0, 0, TimeSpan.FromHours(1)), family.Start);
        Assert.Equal(TimeSpan.FromMinutes(45), family.End - family.Start);
        Assert.Equal(HttpStatusCode.Created, (await app.BookAsync(GuichetApp.Booking(family, persons: 3))).StatusCode);

        // 9:15 and 9:30 lie inside the family's appointment: refused although they are on the 15-minute grid.
        foreach (var minute in new[] { 0, 15, 30 })
        {
            var inside = new ApiSlot("saint-aubin-mairie", family.Start.AddMinutes(minute), family.Start.AddMinutes(minute + 15));
            var answer = await app.BookAsync(GuichetApp.Booking(inside, lastName: "Durand"));
            Assert.Equal(HttpStatusCode.Conflict, answer.StatusCode);
        }
        var free = await app.SlotsAsync(site: "saint-aubin-mairie", from: "2026-12-09", to: "2026-12-09");
        Assert.Equal(family.Start.AddMinutes(45), free.First().Start);

        // A two-person appointment from 9:45 fits; one from 9:30 would overlap the family's last quarter.
        var overlapping = new ApiSlot("saint-aubin-mairie", family.Start.AddMinutes(30), family.Start.AddMinutes(60));
        Assert.Equal(HttpStatusCode.Conflict, (await app.BookAsync(GuichetApp.Booking(overlapping, persons: 2))).StatusCode);
        var after = new ApiSlot("saint-aubin-mairie", family.Start.AddMinutes(45), family.Start.AddMinutes(75));
        Assert.Equal(HttpStatusCode.Created, (await app.BookAsync(GuichetApp.Booking(after, persons: 2))).StatusCode);
    }

    [Fact]
    public async Task Overlapping_appointments_of_different_lengths_racing_leave_no_overlap()
    {
        // Thursday 10 December at Montclair (one station): 15-, 30- and 45-minute requests all starting
        // within the same hour race together; whatever wins, no two kept appointments overlap.
        var day = await app.SlotsAsync(site: "montclair-mairie", from: "2026-12-10", to: "2026-12-10");
        var firstHour = day.Take(4).ToList();
        var attempts = firstHour.SelectMany(s => new[] { 1, 2, 3 }.Select(p => GuichetApp.Booking(
            new ApiSlot(s.Site, s.Start, s.Start.AddMinutes(15 * p)), persons: p, lastName: "Famille"))).ToList();
        var answers = await Task.WhenAll(attempts.Concat(attempts).Select(app.BookAsync));
        Assert.All(answers, a => Assert.True(a.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict, a.StatusCode.ToString()));
        Assert.Contains(answers, a => a.StatusCode == HttpStatusCode.Created);

        var kept = await app.WithDbAsync(db => db.Appointments
            .Where(a => a.StationId == "montclair-dr1" && a.Status == AppointmentStatus.Booked).OrderBy(a => a.StartUtc).ToListAsync());
        for (var i = 1; i < kept.Count; i++)
            Assert.True(kept[i - 1].EndUtc <= kept[i].StartUtc, $"{kept[i - 1].StartUtc:t}-{kept[i - 1].EndUtc:t} overlaps {kept[i].StartUtc:t}");
    }

    [Fact]
    public async Task A_booking_answers_its_code_and_a_manage_link_that_shows_and_cancels_it()
    {
        var slot = (await app.SlotsAsync(site: "lorval-hotel-de-ville", from: "2026-12-14", to: "2026-12-14")).First();
        var answer = await app.BookAsync(GuichetApp.Booking(slot, lastName: "Le Goff", phone: "06 12 34 56 78", preRequestNumbers: ["ab12cd34ef"]));
        Assert.Equal(HttpStatusCode.Created, answer.StatusCode);
        var created = (await answer.Content.ReadFromJsonAsync<ApiCreated>(GuichetApp.Json))!;
        Assert.Matches("^[0-9]{8}$", created.Code);
        Assert.Equal(slot.Start, created.Start);
        // One person with a pre-request: ten minutes instead of fifteen.
        Assert.Equal(TimeSpan.FromMinutes(10), created.End - created.Start);
        Assert.Equal("+01:00", created.Start.ToString("zzz"));
        Assert.True(created.Token.Length >= 22);

        var details = await app.Client.GetFromJsonAsync<Dictionary<string, object>>(
            $"/api/v1/appointments/{created.Code}?token={Uri.EscapeDataString(created.Token)}", GuichetApp.Json);
        Assert.Equal("booked", details!["status"].ToString());
        Assert.Equal("+33612345678", details["phone"].ToString());
        Assert.Contains("AB12CD34EF", details["preRequestNumbers"].ToString());

        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync($"/api/v1/appointments/{created.Code}?token=wrong")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.PostAsync($"/api/v1/appointments/{created.Code}/cancel?token=wrong", null)).StatusCode);

        var cancel = await app.Client.PostAsync($"/api/v1/appointments/{created.Code}/cancel?token={Uri.EscapeDataString(created.Token)}", null);
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        Assert.Contains("\"cancelled\"", await cancel.Content.ReadAsStringAsync());

        // The slot is free again at once.
        var again = await app.SlotsAsync(site: "lorval-hotel-de-ville", from: "2026-12-14", to: "2026-12-14");
        Assert.Contains(again, s => s.Start == slot.Start);
        Assert.Equal(HttpStatusCode.Created, (await app.BookAsync(GuichetApp.Booking(slot, lastName: "Suivant"))).StatusCode);
    }

    [Fact]
    public async Task Slots_skip_public_holidays_and_closed_days()
    {
        // Christmas Day 2026 is a Friday: Lorval is normally open on Fridays.
        var slots = await app.SlotsAsync(from: "2026-12-24", to: "2026-12-28");
        Assert.DoesNotContain(slots, s => s.Start.Date == new DateTime(2026, 12, 25));
        Assert.Contains(slots, s => s.Start.Date == new DateTime(2026, 12, 24));
        // Sunday is closed everywhere; Saturday 26 only at Lorval and Montclair.
        Assert.DoesNotContain(slots, s => s.Start.Date == new DateTime(2026, 12, 27));
        Assert.All(slots.Where(s => s.Start.Date == new DateTime(2026, 12, 26)), s => Assert.NotEqual("saint-aubin-mairie", s.Site));
        Assert.Equal(slots.OrderBy(s => s.Start).Select(s => s.Start), slots.Select(s => s.Start));
    }

    [Fact]
    public async Task Slots_in_the_past_are_never_offered_nor_booked()
    {
        var today = await app.SlotsAsync(site: "lorval-hotel-de-ville", from: "2026-11-30", to: "2026-11-30");
        Assert.All(today, s => Assert.True(s.Start > GuichetApp.Start));
        var past = new ApiSlot("lorval-hotel-de-ville", new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.FromHours(1)), default);
        var answer = await app.BookAsync(GuichetApp.Booking(past));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, answer.StatusCode);
        Assert.Contains("passé", await answer.Content.ReadAsStringAsync());
    }
}

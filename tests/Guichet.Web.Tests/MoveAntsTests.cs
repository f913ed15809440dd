using System.Net;
using System.Net.Http.Json;
using Guichet.Web.Features.Ants;
using Guichet.Web.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Tests;

/// <summary>A move re-declares the appointment at ANTS: the old declaration deleted, the new time declared, in the move's transaction.</summary>
public sealed class MoveAntsTests(AntsApp app) : IClassFixture<AntsApp>
{
    [Fact]
    public async Task Moving_a_declared_deposit_queues_the_delete_of_the_old_time_then_the_declaration_of_the_new_one()
    {
        app.Coordination.Api.Reset();
        var slots = (await app.Client.GetFromJsonAsync<ApiSlots>(
            "/api/v1/slots?site=saint-aubin-mairie&reason=CNI&persons=1&preRequests=1&from=2026-12-11&to=2026-12-11", GuichetApp.Json))!.Slots;
        var booked = await app.BookAsync(new
        {
            site = slots[0].Site, reason = "CNI", start = slots[0].Start.ToString("yyyy-MM-ddTHH:mm:sszzz"), persons = 1,
            firstName = "Camille", lastName = "Redeclare", email = "redeclare@exemple.fr", preRequestNumbers = new[] { "SOLOCAL002" },
        });
        Assert.True(booked.StatusCode == HttpStatusCode.Created, await booked.Content.ReadAsStringAsync());
        var created = (await booked.Content.ReadFromJsonAsync<ApiCreated>(GuichetApp.Json))!;

        var moved = await app.Client.PostAsJsonAsync($"/api/v1/appointments/{created.Code}/move?token={Uri.EscapeDataString(created.Token)}",
            new { start = slots[2].Start.ToString("yyyy-MM-ddTHH:mm:sszzz") });
        Assert.True(moved.StatusCode == HttpStatusCode.OK, await moved.Content.ReadAsStringAsync());

        var jobs = await app.WithDbAsync(db => db.Set<AntsSyncJob>().AsNoTracking().Where(j => j.AppointmentId == created.Id).OrderBy(j => j.Seq).ToListAsync());
        Assert.Equal([AntsJobKind.Declare, AntsJobKind.Delete, AntsJobKind.Declare], jobs.Select(j => j.Kind));
        Assert.All(jobs, j => Assert.Equal("SOLOCAL002", j.ApplicationIds));
        Assert.Equal(jobs[0].LocalStart, jobs[1].LocalStart);   // the delete names what was declared
        Assert.Equal(slots[2].Start.ToString("yyyy-MM-dd HH:mm:ss"), jobs[2].LocalStart);
    }
}

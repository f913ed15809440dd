using System.Net;
using Guichet.Domain.Voice;
using Guichet.Web.Features.Voice;
using Guichet.Web.Tests.Support;

namespace Guichet.Web.Tests.Voice;

public sealed class VoiceCallsPageTests(VoiceApp app) : IClassFixture<VoiceApp>
{
    private async Task SeedAsync()
    {
        var start = GuichetApp.Start.UtcDateTime.AddDays(-2);
        VoiceCall Call(string id, string organisation, VoiceOutcome outcome, int? seconds, string? unit = null) => new()
        {
            Id = id, OrganisationId = organisation, Door = "fastagi", State = "{}", Path = "Menu", StartedUtc = start, UpdatedUtc = start,
            EndedUtc = seconds is null ? null : start.AddSeconds(seconds.Value), Outcome = outcome, DurationSeconds = seconds, UnitId = unit,
        };
        await app.WithDbAsync(async db =>
        {
            db.AddRange(
                Call("page-1", "mairie-lorval", VoiceOutcome.Booked, 150, "lorval-etat-civil"),
                Call("page-2", "mairie-lorval", VoiceOutcome.Booked, 90, "lorval-etat-civil"),
                Call("page-3", "mairie-lorval", VoiceOutcome.Information, 30, "lorval-voirie"),
                Call("page-4", "mairie-lorval", VoiceOutcome.Abandoned, 10, "lorval-etat-civil"),
                Call("page-5", "mairie-lorval", VoiceOutcome.None, null),
                Call("page-6", "mairie-saint-aubin", VoiceOutcome.Abandoned, 5));
            return await db.SaveChangesAsync();
        });
    }

    [Fact]
    public async Task A_supervisor_sees_the_answered_and_abandoned_rates_of_their_own_organisation_only()
    {
        await SeedAsync();
        using var lorval = new Browser(app);
        await lorval.SignInAsync("superviseur@lorval.demo");
        var page = await lorval.GetAsync("/supervision/appels");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("Rendez-vous pris2", page.Text);   // cells touch in the page's text
        Assert.Contains("Total5", page.Text);
        Assert.Contains("Taux de réponse75 %", page.Text);
        Assert.Contains("Taux d'abandon25 %", page.Text);
        Assert.Contains("Durée moyenne d'un appel1 min 10 s", page.Text);
        // Per unit: civil status 3 calls, 2 answered, 1 abandoned; roads 1 answered; the unfinished call has no unit.
        Assert.Contains("Service état civil32167 %33 %", page.Text);
        Assert.Contains("Service voirie et espaces publics110100 %0 %", page.Text);
        Assert.Contains("Sans service100—", page.Text);

        using var saintAubin = new Browser(app);
        await saintAubin.SignInAsync("admin@saint-aubin.demo");
        var theirs = await saintAubin.GetAsync("/supervision/appels");
        Assert.Contains("Total1", theirs.Text);
        Assert.Contains("Taux d'abandon100 %", theirs.Text);

        var wrong = await lorval.GetAsync("/supervision/appels?from=hier");
        Assert.Equal(HttpStatusCode.BadRequest, wrong.Status);
        Assert.Contains("La date de début n'est pas valide", wrong.Text);
    }

    [Fact]
    public async Task A_counter_agent_does_not_see_the_call_statistics()
    {
        using var agent = new Browser(app);
        await agent.SignInAsync("accueil@lorval.demo");
        var page = await agent.GetAsync("/supervision/appels");
        Assert.NotEqual(HttpStatusCode.OK, page.Status);
    }
}

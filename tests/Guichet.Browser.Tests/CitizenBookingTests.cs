using System.Text.RegularExpressions;
using Guichet.Browser.Tests.Support;
using Microsoft.Playwright;
using static Guichet.Browser.Tests.Support.CitizenSteps;
using static Microsoft.Playwright.Assertions;

namespace Guichet.Browser.Tests;

public sealed class CitizenBookingTests(GuichetBrowser browser) : IClassFixture<GuichetBrowser>
{
    [Fact]
    public async Task A_citizen_books_an_id_card_appointment_the_town_hall_agent_sees_it_and_after_the_citizen_cancels_the_agenda_shows_it_cancelled()
    {
        var citizen = new Citizen("Amandine", "Lefèvre", "amandine.lefevre@exemple.fr");
        await using var citizenBrowser = await browser.OpenAsync();
        var booking = await BookIdCardAsync(citizenBrowser.Page, citizen, SaintAubin, Tomorrow);
        await Expect(citizenBrowser.Page.GetByRole(AriaRole.Main)).ToContainTextAsync("Mairie de Saint-Aubin-sur-Lorne");
        await Expect(citizenBrowser.Page.GetByRole(AriaRole.Main)).ToContainTextAsync("Amandine Lefèvre");

        // The agent works in another browser, with their own session.
        await using var agentBrowser = await browser.OpenAsync();
        var agent = agentBrowser.Page;
        await AgentSteps.OpenSignInAsync(agent);
        await AgentSteps.SignInAsync(agent, AgentSteps.SaintAubinDesk);
        await AgentSteps.ShowAgendaAsync(agent, booking.SiteId, booking.Day);
        var row = AgentSteps.AgendaRow(agent, citizen);
        await Expect(row).ToHaveCountAsync(1);
        await Expect(row).ToContainTextAsync(booking.Code);
        await Expect(row.Locator("td").First).ToHaveTextAsync(new Regex($"^{Regex.Escape(booking.TimeText)} – "));
        await Expect(row).ToContainTextAsync("CNI");
        await Expect(row).ToContainTextAsync("Internet");
        await Expect(row).ToContainTextAsync("Réservé");

        await OpenManageLinkAsync(citizenBrowser.Page, booking);
        await CancelAsync(citizenBrowser.Page);

        await agent.ReloadAsync();
        await Expect(row).ToContainTextAsync("Annulé");
        await Expect(row).Not.ToContainTextAsync("Réservé");
        await Expect(row.GetByRole(AriaRole.Button)).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task The_same_booking_and_cancellation_work_with_javascript_turned_off()
    {
        var citizen = new Citizen("Joël", "N'Diaye", "joel.ndiaye@exemple.fr");
        await using var session = await browser.OpenAsync(javaScript: false);
        var page = session.Page;

        var booking = await BookIdCardAsync(page, citizen, SaintAubin, Tomorrow);
        await Expect(page.GetByRole(AriaRole.Main)).ToContainTextAsync("Joël N'Diaye");

        await OpenManageLinkAsync(page, booking);
        await CancelAsync(page);
        await Expect(page.Locator("strong.code")).ToHaveTextAsync(booking.Code);
    }
}

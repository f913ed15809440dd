using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Guichet.Browser.Tests.Support;

public sealed record Citizen(string FirstName, string LastName, string Email)
{
    /// <summary>How the agenda writes the name: "NOM Prénom".</summary>
    public string AgendaName => $"{LastName.ToUpperInvariant()} {FirstName}";
}

/// <summary>A booked appointment as the citizen sees it: its code, its manage link, where and when.</summary>
public sealed record Booking(string Code, string ManageUrl, string SiteId, DateTimeOffset Start)
{
    /// <summary>The day at the site (the offset in the slot link is the site's).</summary>
    public DateOnly Day => DateOnly.FromDateTime(Start.DateTime);

    /// <summary>The start as the pages write it: "9 h", "9 h 30".</summary>
    public string TimeText => Start.Minute == 0 ? $"{Start.Hour} h" : $"{Start.Hour} h {Start.Minute:00}";
}

/// <summary>What a citizen does on the public pages, one step per method, each ending on the next page.</summary>
public static class CitizenSteps
{
    public const string SaintAubin = "saint-aubin-mairie";
    public const string Lorval = "lorval-hotel-de-ville";

    /// <summary>Tomorrow at the town halls: a slot from then on cannot have begun by the end of the test.</summary>
    public static DateOnly Tomorrow =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeBySystemTimeZoneId(DateTime.UtcNow, "Europe/Paris")).AddDays(1);

    public static async Task OpenHomeAsync(IPage page)
    {
        await page.GotoAsync("/");
        await ExpectHeadingAsync(page, "Bienvenue au guichet des mairies du Val de Lorne");
    }

    /// <summary>From the home page, step 1.</summary>
    public static async Task StartBookingAsync(IPage page)
    {
        await page.GetByRole(AriaRole.Main).GetByRole(AriaRole.Link, new() { Name = "Prendre rendez-vous" }).ClickAsync();
        await ExpectHeadingAsync(page, "Prendre rendez-vous pour une carte d'identité ou un passeport");
    }

    /// <summary>Step 1 → step 2: an identity card, one person, no ANTS pre-request.</summary>
    public static async Task AskForIdCardSlotsAsync(IPage page)
    {
        await page.Locator("#reason-CNI").CheckAsync();
        await page.Locator("#persons").SelectOptionAsync("1");
        await page.Locator("#pre-non").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Voir les créneaux libres" }).ClickAsync();
        await ExpectHeadingAsync(page, "Créneaux libres");
    }

    /// <summary>Narrows the slots to one town hall from one day on, with the page's own filter form.</summary>
    public static async Task FilterSlotsAsync(IPage page, string siteId, DateOnly from)
    {
        await page.Locator("#site").SelectOptionAsync(siteId);
        await page.Locator("#from").FillAsync(from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        await page.GetByRole(AriaRole.Button, new() { Name = "Afficher" }).ClickAsync();
        await page.WaitForURLAsync(url => url.Contains($"site={siteId}", StringComparison.Ordinal) && url.Contains("from=", StringComparison.Ordinal));
        await ExpectHeadingAsync(page, "Créneaux libres");
    }

    /// <summary>Step 2 → step 3 with the first slot listed; returns the site and start the link carries.</summary>
    public static async Task<(string SiteId, DateTimeOffset Start)> ChooseFirstSlotAsync(IPage page)
    {
        var first = page.Locator("section.day ul.slots li a").First;
        var href = await first.GetAttributeAsync("href") ?? throw new InvalidOperationException("The first slot has no link.");
        var siteId = QueryValue(href, "site");
        var start = DateTimeOffset.ParseExact(QueryValue(href, "start"), "yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture);
        await first.ClickAsync();
        await ExpectHeadingAsync(page, "Vos coordonnées");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Votre créneau" })).ToBeVisibleAsync();
        return (siteId, start);
    }

    /// <summary>Sends the contact form as it is (empty: the page answers with its list of errors).</summary>
    public static async Task SubmitContactFormEmptyAsync(IPage page)
    {
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirmer le rendez-vous" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { NameRegex = new Regex("^Le formulaire contient") })).ToBeVisibleAsync();
    }

    /// <summary>Step 3 → the confirmation page; returns the appointment as the citizen knows it.</summary>
    public static async Task<Booking> ConfirmAsync(IPage page, Citizen citizen, string siteId, DateTimeOffset start)
    {
        await page.Locator("#firstName").FillAsync(citizen.FirstName);
        await page.Locator("#lastName").FillAsync(citizen.LastName);
        await page.Locator("#email").FillAsync(citizen.Email);
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirmer le rendez-vous" }).ClickAsync();
        await page.WaitForURLAsync(new Regex(@"/rendez-vous/\d{8}\?token=[^&]+&confirme=1$"));
        await ExpectHeadingAsync(page, "Votre rendez-vous est confirmé");
        var code = (await page.Locator("strong.code").TextContentAsync())?.Trim() ?? "";
        Assert.Matches(@"^\d{8}$", code);
        Assert.Contains(code, page.Url, StringComparison.Ordinal);
        var manageUrl = page.Url.Replace("&confirme=1", "", StringComparison.Ordinal);
        return new Booking(code, manageUrl, siteId, start);
    }

    /// <summary>The whole booking: home → step 1 → slots of one site from a day on → first slot → confirmed.</summary>
    public static async Task<Booking> BookIdCardAsync(IPage page, Citizen citizen, string siteId, DateOnly from)
    {
        await OpenHomeAsync(page);
        await StartBookingAsync(page);
        await AskForIdCardSlotsAsync(page);
        await FilterSlotsAsync(page, siteId, from);
        var (site, start) = await ChooseFirstSlotAsync(page);
        Assert.Equal(siteId, site);
        return await ConfirmAsync(page, citizen, site, start);
    }

    /// <summary>Opens the manage link again, as from the e-mail.</summary>
    public static async Task OpenManageLinkAsync(IPage page, Booking booking)
    {
        await page.GotoAsync(booking.ManageUrl);
        await ExpectHeadingAsync(page, "Votre rendez-vous");
        await Expect(page.Locator("strong.code")).ToHaveTextAsync(booking.Code);
    }

    /// <summary>On the manage page: cancels and lands on the page that says so.</summary>
    public static async Task CancelAsync(IPage page)
    {
        await page.GetByRole(AriaRole.Button, new() { Name = "Annuler ce rendez-vous" }).ClickAsync();
        await Expect(page.GetByText("Ce rendez-vous est annulé")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Annuler ce rendez-vous" })).ToHaveCountAsync(0);
    }

    public static Task ExpectHeadingAsync(IPage page, string name) =>
        Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1, Name = name, Exact = true })).ToBeVisibleAsync();

    private static string QueryValue(string href, string name)
    {
        var match = Regex.Match(href, $@"[?&]{Regex.Escape(name)}=([^&#]*)");
        return match.Success ? Uri.UnescapeDataString(match.Groups[1].Value.Replace('+', ' '))
            : throw new InvalidOperationException($"No {name} in {href}.");
    }
}

/// <summary>What an agent does on the back-office pages.</summary>
public static class AgentSteps
{
    public const string Password = "Demo-Guichet-2026";
    public const string SaintAubinDesk = "accueil@saint-aubin.demo";
    public const string LorvalAdministrator = "admin@lorval.demo";

    public static async Task OpenSignInAsync(IPage page)
    {
        await page.GotoAsync("/connexion");
        await CitizenSteps.ExpectHeadingAsync(page, "Connexion des agents");
    }

    /// <summary>On the sign-in page: signs in and lands on the day's agenda.</summary>
    public static async Task SignInAsync(IPage page, string email, string password = Password)
    {
        await page.Locator("#email").FillAsync(email);
        await page.Locator("#password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Se connecter" }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/agent");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1, NameRegex = new Regex("^Agenda — ") })).ToBeVisibleAsync();
    }

    /// <summary>On the agenda: picks the site and the day with the page's form.</summary>
    public static async Task ShowAgendaAsync(IPage page, string siteId, DateOnly day)
    {
        var date = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        await page.Locator("select#site").SelectOptionAsync(siteId);
        await page.Locator("input#date").FillAsync(date);
        await page.GetByRole(AriaRole.Button, new() { Name = "Afficher" }).ClickAsync();
        await page.WaitForURLAsync(url => url.Contains($"site={siteId}", StringComparison.Ordinal) && url.Contains($"date={date}", StringComparison.Ordinal));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1, NameRegex = new Regex("^Agenda — ") })).ToBeVisibleAsync();
    }

    /// <summary>The agenda's row of one citizen.</summary>
    public static ILocator AgendaRow(IPage page, Citizen citizen) =>
        page.Locator("table.agenda tbody tr").Filter(new() { Has = page.GetByRole(AriaRole.Rowheader, new() { Name = citizen.AgendaName, Exact = true }) });
}

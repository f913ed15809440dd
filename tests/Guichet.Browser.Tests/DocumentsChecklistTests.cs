using Guichet.Browser.Tests.Support;
using Microsoft.Playwright;
using static Guichet.Browser.Tests.Support.ChecklistSteps;
using static Microsoft.Playwright.Assertions;

namespace Guichet.Browser.Tests;

/// <summary>The documents checklist in Chromium: answered with the keyboard-reachable labels, checked by axe-core on each page.</summary>
public sealed class DocumentsChecklistTests(GuichetBrowser browser) : IClassFixture<GuichetBrowser>
{
    [Fact]
    public async Task A_citizen_walks_the_questionnaire_from_the_home_page_to_a_printable_list_and_no_page_breaks_an_axe_rule()
    {
        await using var session = await browser.OpenAsync(forAxe: true);
        var page = session.Page;
        var violations = new List<string>();
        async Task AuditAsync(string name)
        {
            var found = await Axe.CheckAsync(page);
            if (found.Count > 0) violations.Add(Axe.Describe(name, page.Url, found));
        }

        await OpenQuestionnaireFromHomeAsync(page);
        await AuditAsync("questionnaire");

        await SubmitIncompleteAsync(page);
        await AuditAsync("questionnaire with errors");
        // The summary's links lead to the questions left unanswered.
        await page.GetByRole(AriaRole.Alert).GetByRole(AriaRole.Link, new() { Name = "Choisissez le titre demandé : carte d'identité, passeport ou les deux." }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("#titre-cni$"));

        await AnswerAsync(page,
            ("Quel titre demandez-vous ?", "Une carte d'identité et un passeport"),
            ("Pour quelle raison ?", "Vol"),
            ("Quel âge a la personne qui demande le titre ?", "De 15 à 17 ans"),
            ("La personne a-t-elle une carte d'identité ou un passeport, valide ou périmé depuis moins de 5 ans ?", "Non"),
            ("Sa commune de naissance transmet-elle les actes de naissance en ligne (service COMEDEC) ?", "Non"),
            ("La personne est-elle née en France d'un parent lui-même né en France ?", "Oui"),
            ("Les parents de l'enfant sont-ils séparés ou divorcés ?", "Oui"));
        await AuditAsync("list");
        var list = page.Locator("ol.checklist");
        await Expect(list).ToContainTextAsync("La déclaration de vol faite au commissariat de police ou à la gendarmerie");
        await Expect(list).ToContainTextAsync("Un extrait d'acte de naissance avec filiation");
        await Expect(list).ToContainTextAsync("Le jugement de divorce ou de séparation");
        await Expect(page.GetByRole(AriaRole.Main)).ToContainTextAsync("Total : 67 €");
        Assert.Contains("titre=les-deux", page.Url, StringComparison.Ordinal);

        // On paper, the list without the menu.
        await page.EmulateMediaAsync(new() { Media = Media.Print });
        await Expect(page.GetByRole(AriaRole.Navigation)).ToBeHiddenAsync();
        await Expect(list).ToBeVisibleAsync();
        await page.EmulateMediaAsync(new() { Media = Media.Screen });

        // "Change my answers" comes back with them ticked.
        await page.GetByRole(AriaRole.Link, new() { Name = "Modifier mes réponses" }).ClickAsync();
        await CitizenSteps.ExpectHeadingAsync(page, QuestionnaireHeading);
        await Expect(page.Locator("#situation-vol")).ToBeCheckedAsync();
        await Expect(page.Locator("#parents-separes-oui")).ToBeCheckedAsync();

        await page.GoBackAsync();
        await OpenFaqAsync(page);
        await AuditAsync("faq");

        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));
    }

    [Fact]
    public async Task The_questionnaire_works_with_javascript_turned_off()
    {
        await using var session = await browser.OpenAsync(javaScript: false);
        var page = session.Page;
        await OpenQuestionnaireFromHomeAsync(page);
        await AnswerAdultPassportRenewalAsync(page);
        await Expect(page.GetByRole(AriaRole.Main)).ToContainTextAsync("Passeport d'un majeur : 86 €");
        await Expect(page.Locator("ol.checklist")).ToContainTextAsync("Votre passeport actuel");
    }

    [Fact]
    public async Task An_administrator_adds_a_line_and_the_citizens_of_the_town_hall_see_it()
    {
        await using var admin = await browser.OpenAsync(forAxe: true);
        var page = admin.Page;
        await AgentSteps.OpenSignInAsync(page);
        await AgentSteps.SignInAsync(page, AgentSteps.LorvalAdministrator);
        await OpenSettingsAsync(page, "Mairie de Lorval");
        var found = await Axe.CheckAsync(page);
        Assert.True(found.Count == 0, Axe.Describe("réglages", page.Url, found));

        await page.Locator("#text").FillAsync("Le livret de famille pour un enfant");
        await page.Locator("#scope").SelectOptionAsync("Minor");
        await page.GetByRole(AriaRole.Button, new() { Name = "Ajouter la pièce" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("La pièce est ajoutée");

        await using var citizen = await browser.OpenAsync();
        await citizen.Page.GotoAsync("/pieces-a-fournir/liste/mairie-lorval?titre=cni&situation=renouvellement&age=moins-15&titre-recent=oui");
        await Expect(citizen.Page.Locator("ol.checklist")).ToContainTextAsync("Le livret de famille pour un enfant");
        await citizen.Page.GotoAsync("/pieces-a-fournir/liste/mairie-montclair?titre=cni&situation=renouvellement&age=moins-15&titre-recent=oui");
        await Expect(citizen.Page.Locator("ol.checklist")).Not.ToContainTextAsync("Le livret de famille");
    }
}

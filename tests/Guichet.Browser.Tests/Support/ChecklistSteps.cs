using Microsoft.Playwright;
using static Guichet.Browser.Tests.Support.CitizenSteps;
using static Microsoft.Playwright.Assertions;

namespace Guichet.Browser.Tests.Support;

/// <summary>What a citizen does with the documents checklist, and what an administrator does with its settings.</summary>
public static class ChecklistSteps
{
    public const string QuestionnaireHeading = "Quelles pièces apporter pour une carte d'identité ou un passeport ?";

    /// <summary>From the home page's card to the questionnaire.</summary>
    public static async Task OpenQuestionnaireFromHomeAsync(IPage page)
    {
        await OpenHomeAsync(page);
        await page.GetByRole(AriaRole.Main).GetByRole(AriaRole.Link, new() { Name = "Quelles pièces apporter ?" }).ClickAsync();
        await ExpectHeadingAsync(page, QuestionnaireHeading);
    }

    /// <summary>Sends the questionnaire as it is; without the required answers the page lists what is missing.</summary>
    public static async Task SubmitIncompleteAsync(IPage page)
    {
        await page.GetByRole(AriaRole.Button, new() { Name = "Voir la liste des pièces" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { NameRegex = new System.Text.RegularExpressions.Regex("^Le formulaire contient") })).ToBeVisibleAsync();
    }

    /// <summary>Answers by the labels a person reads (legend, then option), and sends: lands on the list.</summary>
    public static async Task AnswerAsync(IPage page, params (string Legend, string Option)[] answers)
    {
        foreach (var (legend, option) in answers)
            await page.GetByRole(AriaRole.Group, new() { Name = legend })
                .GetByRole(AriaRole.Radio, new() { Name = option, Exact = true }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Voir la liste des pièces" }).ClickAsync();
        await ExpectHeadingAsync(page, "Vos pièces à fournir");
    }

    /// <summary>A passport renewal for an adult who has a recent title: the commonest call.</summary>
    public static Task AnswerAdultPassportRenewalAsync(IPage page) => AnswerAsync(page,
        ("Quel titre demandez-vous ?", "Un passeport"),
        ("Pour quelle raison ?", "Renouvellement (titre expiré ou bientôt expiré, changement d'état civil ou d'adresse)"),
        ("Quel âge a la personne qui demande le titre ?", "18 ans ou plus"),
        ("La personne a-t-elle une carte d'identité ou un passeport, valide ou périmé depuis moins de 5 ans ?", "Oui"));

    public static async Task OpenFaqAsync(IPage page)
    {
        await page.GetByRole(AriaRole.Link, new() { Name = "Questions fréquentes", Exact = true }).ClickAsync();
        await ExpectHeadingAsync(page, "Questions fréquentes sur les cartes d'identité et les passeports");
    }

    /// <summary>An administrator, signed in: the header's link to the checklist settings.</summary>
    public static async Task OpenSettingsAsync(IPage page, string organisationName)
    {
        await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "Réglages des pièces", Exact = true }).ClickAsync();
        await ExpectHeadingAsync(page, $"Pièces à fournir — {organisationName}");
    }
}

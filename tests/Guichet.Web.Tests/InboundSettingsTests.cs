using System.Net;
using Guichet.Web.Features.Requests;
using Guichet.Web.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Tests;

/// <summary>The administrator's page of the doors into requests (/admin/demandes/canaux).</summary>
public sealed class InboundSettingsTests(InboundApp app) : IClassFixture<InboundApp>
{
    private async Task<Browser> AdminAsync(string email)
    {
        var browser = new Browser(app);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync(email)).Status);
        return browser;
    }

    private static Dictionary<string, string?> Form(string? email, string? emailCategory = "", string? sms = "", string? voice = "") => new()
    {
        ["inboundEmail"] = email, ["emailCategoryId"] = emailCategory, ["smsCategoryId"] = sms, ["voiceCategoryId"] = voice,
    };

    [Fact]
    public async Task An_administrator_sets_the_inbound_address_and_categories_and_mail_to_it_is_filed_there()
    {
        using var admin = await AdminAsync("admin@saint-aubin.demo");
        var page = await admin.GetAsync("/admin/demandes/canaux");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("Saint-Aubin", page.Text);
        Assert.DoesNotContain("Voirie : chaussée", page.Html);   // Lorval's categories are not offered

        var saved = await admin.SubmitAsync(page, "#canaux", Form("Mairie@Saint-Aubin.demo", "saint-aubin-voirie", "saint-aubin-etat-civil"));
        Assert.Equal(HttpStatusCode.Redirect, saved.Status);
        var settings = await app.WithDbAsync(db => db.Set<RequestIntakeSettings>().AsNoTracking().SingleAsync(s => s.OrganisationId == "mairie-saint-aubin"));
        Assert.Equal(("mairie@saint-aubin.demo", "saint-aubin-voirie", "saint-aubin-etat-civil", (string?)null),
            (settings.InboundEmail, settings.EmailCategoryId, settings.SmsCategoryId, settings.VoiceCategoryId));

        var answer = await app.MailAsync("From: Ana Lopes <ana@exemple.fr>\nTo: mairie@saint-aubin.demo\nSubject: Haie\nMessage-ID: <haie@exemple.fr>\n\nLa haie déborde sur le trottoir.\n",
            recipient: "mairie+rien@saint-aubin.demo");
        var (_, id) = await InboundApp.OutcomeAsync(answer);
        Assert.Equal(HttpStatusCode.Created, answer.StatusCode);
        var filed = await app.ByIdAsync(id!);
        Assert.Equal(("mairie-saint-aubin", "saint-aubin-voirie"), (filed.OrganisationId, filed.CategoryId));
        Assert.Equal(HttpStatusCode.NotFound, (await app.MailAsync("From: a@exemple.fr\nTo: demandes@saint-aubin.demo\n\nx\n", recipient: "demandes@saint-aubin.demo")).StatusCode);
    }

    [Theory]
    [InlineData("demandes+x@saint-aubin.demo", "", "sans « + »")]
    [InlineData("demandes@lorval.demo", "", "déjà les demandes d'une autre collectivité")]
    [InlineData("pas une adresse", "", "n'est pas valide")]
    [InlineData("demandes@saint-aubin.demo", "lorval-voirie", "catégorie active de la liste")]
    [InlineData("", "saint-aubin-voirie", "Donnez l'adresse de réception")]
    public async Task A_bad_address_a_taken_one_or_another_organisations_category_is_refused_with_a_message(string email, string category, string message)
    {
        using var admin = await AdminAsync("admin@saint-aubin.demo");
        var page = await admin.GetAsync("/admin/demandes/canaux");
        var refused = await admin.SubmitAsync(page, "#canaux", Form(email, category));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.Status);
        Assert.Contains(message, refused.Text);
    }

    [Fact]
    public async Task An_agent_who_is_not_an_administrator_cannot_open_the_page()
    {
        using var agent = await AdminAsync("accueil@lorval.demo");
        Assert.NotEqual(HttpStatusCode.OK, (await agent.GetAsync("/admin/demandes/canaux")).Status);
    }
}

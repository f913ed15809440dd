using System.Net;
using System.Net.Http.Json;
using Guichet.Web.Features.Notifications;
using Guichet.Web.Platform;
using Guichet.Web.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Tests;

/// <summary>
/// Message templates through the front door: the administrator's pages over HTTP as a browser without JavaScript
/// submits them, bookings over the API, e-mails over real SMTP. Every test that saves a template resets it before
/// it ends, so the other tests of the class (one app) and the defaults stay as they were.
/// </summary>
public sealed class TemplateTests(MailApp app) : IClassFixture<MailApp>
{
    private const string Editor = "/admin/messages/modeles";
    private const string Mobile = "06 12 34 56 78";

    private async Task<Browser> SignInAsync(string email)
    {
        var browser = new Browser(app);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync(email)).Status);
        return browser;
    }

    private static Task<WebPage> SubmitAsync(Browser browser, WebPage page, string action, Dictionary<string, string?>? values = null)
    {
        var all = new Dictionary<string, string?>(values ?? []) { ["action"] = action };
        return browser.SubmitAsync(page, values: all);
    }

    private async Task<ApiCreated> BookAsync(string day, int index = 0, string lastName = "Martin", string site = "lorval-hotel-de-ville")
    {
        var slot = (await app.SlotsAsync(site: site, from: day, to: day))[index];
        var answer = await app.BookAsync(GuichetApp.Booking(slot, lastName: lastName, phone: Mobile));
        Assert.Equal(HttpStatusCode.Created, answer.StatusCode);
        return (await answer.Content.ReadFromJsonAsync<ApiCreated>(GuichetApp.Json))!;
    }

    private async Task CancelAsync(ApiCreated a)
    {
        var cancel = await app.Client.PostAsync($"/api/v1/appointments/{a.Code}/cancel?token={Uri.EscapeDataString(a.Token)}", null);
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
    }

    private Task<List<OrganisationTemplate>> StoredAsync() =>
        app.WithDbAsync(db => db.Set<OrganisationTemplate>().AsNoTracking().ToListAsync());

    /// <summary>What differs from one appointment to the next (code, token, time), replaced by fixed words.</summary>
    private static string Neutral(string text, ApiCreated a)
    {
        var local = a.Start.DateTime;
        var smsWhen = $"{local.ToString("dddd d MMMM", FrenchDates.Culture)} à {local.Hour}h{(local.Minute == 0 ? "" : local.Minute.ToString("00", FrenchDates.Culture))}";
        return text.Replace(Uri.EscapeDataString(a.Token), "JETON").Replace(a.Code, "CODE")
            .Replace(FrenchDates.DayAndTime(local), "QUAND").Replace(smsWhen, "QUAND");
    }

    [Fact]
    public void Every_default_text_is_a_valid_template_of_its_own_fields()
    {
        Assert.Equal(10, TemplateCatalog.All.Select(s => (s.Kind, s.Channel)).Distinct().Count());
        foreach (var spec in TemplateCatalog.All)
            Assert.Empty(TemplateCatalog.Validate(spec, spec.DefaultSubject, spec.DefaultBody));
    }

    [Fact]
    public async Task The_default_templates_saved_unchanged_write_exactly_the_texts_written_before_templates_existed()
    {
        var before = await BookAsync("2026-12-08");
        await CancelAsync(before);
        using var admin = await SignInAsync("admin@lorval.demo");
        try
        {
            foreach (var spec in TemplateCatalog.All)
            {
                var page = await admin.GetAsync($"{Editor}/{spec.Slug}");
                Assert.Equal(HttpStatusCode.OK, page.Status);
                Assert.Equal(spec.DefaultBody.Replace("\n", ""), page.Document.QuerySelector("textarea#body")!.TextContent.Replace("\n", "").Replace("\r", ""));
                var saved = await SubmitAsync(admin, page, "enregistrer");
                Assert.Equal(HttpStatusCode.OK, saved.Status);
                Assert.Contains("Enregistré", saved.Text);
            }
            Assert.Equal(TemplateCatalog.All.Count, (await StoredAsync()).Count(t => t.OrganisationId == "mairie-lorval"));

            var after = await BookAsync("2026-12-08", index: 1);
            await CancelAsync(after);
            var old = await app.OutboxAsync(before.Id, withReminders: true);
            var now = await app.OutboxAsync(after.Id, withReminders: true);
            Assert.Equal(6, old.Count);   // confirmation, reminder (dropped) and cancellation, each by e-mail and SMS
            foreach (var o in old)
            {
                var n = Assert.Single(now, m => m.Kind == o.Kind && m.Channel == o.Channel);
                Assert.Equal(Neutral(o.Body, before), Neutral(n.Body, after));
                Assert.Equal(Neutral(o.Subject ?? "", before), Neutral(n.Subject ?? "", after));
                Assert.Equal(o.Segments, n.Segments);
            }
        }
        finally
        {
            foreach (var spec in TemplateCatalog.All)
                await SubmitAsync(admin, await admin.GetAsync($"{Editor}/{spec.Slug}"), "defaut");
        }
        Assert.DoesNotContain(await StoredAsync(), t => t.OrganisationId == "mairie-lorval");
    }

    [Fact]
    public async Task An_edited_confirmation_is_used_for_the_next_booking_s_email_and_sms_with_every_value_encoded_in_html()
    {
        using var admin = await SignInAsync("admin@lorval.demo");
        try
        {
            var email = await admin.GetAsync($"{Editor}/confirmation-email");
            var saved = await SubmitAsync(admin, email, "enregistrer", new()
            {
                ["subject"] = "{mairie} : RDV {code} le {date}",
                ["body"] = "Bonjour {prenom} {nom},\r\n\r\nÀ bientôt <script>alert(1)</script> & merci.\r\nCode du rendez-vous : {code}\r\nGérer : {lien}\r\n",
            });
            Assert.Equal(HttpStatusCode.OK, saved.Status);
            var sms = await admin.GetAsync($"{Editor}/confirmation-sms");
            Assert.Equal(HttpStatusCode.OK, (await SubmitAsync(admin, sms, "enregistrer", new() { ["body"] = "Lorval : RDV {code} le {date} à {heure}. Gérer : {lien}" })).Status);
            var list = await admin.GetAsync(Editor);
            Assert.Contains("Confirmation par e-mail Modifié le", list.Text);
            Assert.Contains("Rappel par e-mail Texte par défaut", list.Text);

            var booked = await BookAsync("2026-12-09", lastName: "O'Neil");
            var outbox = await app.OutboxAsync(booked.Id);
            var mail = Assert.Single(outbox, m => m.Channel == MessageChannel.Email);
            Assert.Equal($"Mairie de Lorval : RDV {booked.Code} le mercredi 9 décembre 2026", mail.Subject);
            var link = $"{MailApp.BaseUrl}/rendez-vous/{booked.Code}?token={Uri.EscapeDataString(booked.Token)}";
            Assert.Equal($"Bonjour Camille O'Neil,\n\nÀ bientôt <script>alert(1)</script> & merci.\nCode du rendez-vous : {booked.Code}\nGérer : {link}\n", mail.Body);
            // In HTML the administrator's markup and the citizen's apostrophe are text, the link a link.
            Assert.Contains("<p>Bonjour Camille O&#39;Neil,</p>", mail.HtmlBody);
            Assert.Contains("À bientôt &lt;script&gt;alert(1)&lt;/script&gt; &amp; merci.", mail.HtmlBody);
            Assert.DoesNotContain("<script>", mail.HtmlBody);
            Assert.Contains($"<a href=\"{link.Replace("&", "&amp;")}\">", mail.HtmlBody);
            Assert.Contains("<title>Mairie de Lorval : RDV", mail.HtmlBody);
            Assert.NotNull(mail.Calendar);   // the attachments do not depend on the text

            var text = Assert.Single(outbox, m => m.Channel == MessageChannel.Sms);
            Assert.StartsWith($"Lorval : RDV {booked.Code} le mercredi 9 décembre à ", text.Body);
            Assert.Contains($"Gérer : {link}", text.Body);

            await app.Dispatcher.RunOnceAsync(CancellationToken.None);
            var received = Assert.Single(app.MailsAbout(booked.Code)).Parsed;
            Assert.Equal(mail.Subject, received.DecodedHeader("Subject"));
            Assert.Contains("&lt;script&gt;", received.Find("text/html")!.Text);

            // Saint-Aubin edited nothing: its bookings keep the default text.
            var elsewhere = await BookAsync("2026-12-09", site: "saint-aubin-mairie");
            var theirs = Assert.Single(await app.OutboxAsync(elsewhere.Id), m => m.Channel == MessageChannel.Email);
            Assert.StartsWith("Confirmation de votre rendez-vous du", theirs.Subject);
            Assert.Contains("Votre rendez-vous est confirmé.", theirs.Body);
        }
        finally
        {
            await SubmitAsync(admin, await admin.GetAsync($"{Editor}/confirmation-email"), "defaut");
            await SubmitAsync(admin, await admin.GetAsync($"{Editor}/confirmation-sms"), "defaut");
        }
    }

    [Fact]
    public async Task The_sms_preview_shows_encoding_segments_and_costly_characters_and_the_rewrite_brings_it_back_to_gsm()
    {
        using var admin = await SignInAsync("admin@lorval.demo");
        var page = await admin.GetAsync($"{Editor}/rappel-sms");
        Assert.Equal("checked", page.Document.QuerySelector("input#gsmSafe")!.GetAttribute("checked"));
        // 156 characters: one SMS in GSM 03.38, three in UCS-2 (more than 134).
        const string body = "RDV carte d’identité {date} à {heure}, code {code} : {lien}";

        var raw = await SubmitAsync(admin, page, "apercu", new() { ["body"] = body, ["gsmSafe"] = null });
        Assert.Equal(HttpStatusCode.OK, raw.Status);
        var row = raw.Document.QuerySelector("#sms-analysis tbody tr")!.TextContent;
        Assert.Contains("UCS-2", row);
        Assert.Contains("hors GSM : ’", row);
        Assert.Equal("3", raw.Document.QuerySelectorAll("#sms-analysis tbody tr td")[2].TextContent.Trim());
        Assert.Contains("d’identité", raw.Document.QuerySelector("#preview-text")!.TextContent);
        Assert.Single(raw.Document.QuerySelectorAll("#sms-analysis tbody tr"));

        var safe = await SubmitAsync(admin, raw, "apercu", new() { ["body"] = body, ["gsmSafe"] = "true" });
        var rows = safe.Document.QuerySelectorAll("#sms-analysis tbody tr");
        Assert.Equal(2, rows.Length);   // as sent, and as typed
        Assert.Contains("GSM 03.38", rows[0].TextContent);
        Assert.Equal("1", rows[0].QuerySelectorAll("td")[2].TextContent.Trim());
        Assert.Contains("aucun", rows[0].TextContent);
        Assert.Contains("UCS-2", rows[1].TextContent);
        Assert.Contains("d'identité", safe.Document.QuerySelector("#preview-text")!.TextContent);
        Assert.Contains($"RDV carte d'identité lundi 7 décembre à 9h30, code 12345678 : {MailApp.BaseUrl}/rendez-vous/12345678?token=", safe.Text);
        Assert.Contains("156 sur 160", rows[0].TextContent);

        // Extension characters count double, and are named.
        var euro = await SubmitAsync(admin, safe, "apercu", new() { ["body"] = "Timbre fiscal 86€ pour le RDV {code}", ["gsmSafe"] = "true" });
        Assert.Contains("comptés double : €", euro.Document.QuerySelector("#sms-analysis")!.TextContent);
        Assert.Contains("39 sur 160", euro.Document.QuerySelector("#sms-analysis")!.TextContent);

        // A preview saves nothing.
        Assert.DoesNotContain(await StoredAsync(), t => t.OrganisationId == "mairie-lorval" && t.Kind == MessageKind.Reminder);
    }

    [Fact]
    public async Task Unknown_or_malformed_fields_are_refused_with_french_messages_and_nothing_is_saved()
    {
        using var admin = await SignInAsync("admin@lorval.demo");
        var page = await admin.GetAsync($"{Editor}/annulation-email");
        var refused = await SubmitAsync(admin, page, "enregistrer", new()
        {
            ["subject"] = "Annulation {date",
            ["body"] = "Bonjour {prénom},\n{age} {annulation}\nLien : {lien}}",
        });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.Status);
        Assert.StartsWith("Erreur", refused.Title);
        var errors = refused.Document.QuerySelectorAll(".errors li").Select(e => e.TextContent).ToList();
        Assert.Equal(4, errors.Count);
        Assert.Contains(errors, e => e.StartsWith("Objet : Le champ « {date » n'est pas fermé", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Texte : « {prénom} » n'est pas un nom de champ", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Texte : Le champ « {age} » n'existe pas pour ce message", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Texte : Accolade fermante « } » sans accolade ouvrante", StringComparison.Ordinal));
        Assert.Equal("true", refused.Document.QuerySelector("textarea#body")!.GetAttribute("aria-invalid"));
        Assert.Equal("Bonjour {prénom},\n{age} {annulation}\nLien : {lien}}", refused.Document.QuerySelector("textarea#body")!.TextContent);
        Assert.Null(refused.Document.QuerySelector("#preview-text"));

        // An SMS offers neither the name nor the reason.
        var sms = await SubmitAsync(admin, await admin.GetAsync($"{Editor}/confirmation-sms"), "apercu", new() { ["body"] = "Bonjour {prenom}, RDV {motif}" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, sms.Status);
        Assert.Contains("Le champ « {prenom} » n'existe pas pour ce message", sms.Text);
        Assert.Contains("Le champ « {motif} » n'existe pas pour ce message", sms.Text);

        var empty = await SubmitAsync(admin, await admin.GetAsync($"{Editor}/rappel-email"), "enregistrer", new() { ["body"] = "  " });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, empty.Status);
        Assert.Contains("Le texte est vide", empty.Text);

        Assert.DoesNotContain(await StoredAsync(), t => t.OrganisationId == "mairie-lorval");
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"{Editor}/inconnu")).Status);
    }

    [Fact]
    public async Task Another_organisation_s_administrator_neither_sees_nor_changes_them_and_a_counter_agent_has_no_access()
    {
        using var lorval = await SignInAsync("admin@lorval.demo");
        try
        {
            var page = await lorval.GetAsync($"{Editor}/annulation-sms");
            Assert.Equal(HttpStatusCode.OK, (await SubmitAsync(lorval, page, "enregistrer", new() { ["body"] = "Lorval : RDV {code} annulé {annulation}." })).Status);

            using var other = await SignInAsync("admin@saint-aubin.demo");
            var theirs = await other.GetAsync($"{Editor}/annulation-sms");
            Assert.Equal(HttpStatusCode.OK, theirs.Status);
            Assert.Contains("Saint-Aubin", theirs.Document.QuerySelector("h1")!.TextContent);
            Assert.Equal(TemplateCatalog.Of(MessageKind.Cancellation, MessageChannel.Sms).DefaultBody, theirs.Document.QuerySelector("textarea#body")!.TextContent.Trim());
            Assert.DoesNotContain("Lorval : RDV", theirs.Html);
            Assert.DoesNotContain("Modifié le", (await other.GetAsync(Editor)).Text);
            // Their reset and their save touch only their own organisation.
            await SubmitAsync(other, theirs, "defaut");
            await SubmitAsync(other, theirs, "enregistrer", new() { ["body"] = "Saint-Aubin : {code}" });
            var stored = await StoredAsync();
            Assert.Equal("Lorval : RDV {code} annulé {annulation}.", Assert.Single(stored, t => t.OrganisationId == "mairie-lorval").Body);
            Assert.Equal("Saint-Aubin : {code}", Assert.Single(stored, t => t.OrganisationId == "mairie-saint-aubin").Body);
            await SubmitAsync(other, await other.GetAsync($"{Editor}/annulation-sms"), "defaut");

            using var counter = await SignInAsync("accueil@lorval.demo");
            foreach (var url in new[] { Editor, $"{Editor}/annulation-sms" })
            {
                var refused = await counter.GetAsync(url);
                Assert.StartsWith("/acces-refuse", new Uri(new Uri("http://localhost"), refused.Location!).PathAndQuery);
            }
            var token = await lorval.AntiforgeryTokenAsync($"{Editor}/annulation-sms");
            var post = await counter.PostAsync($"{Editor}/annulation-sms", [new("action", "defaut"), new("__RequestVerificationToken", token)]);
            Assert.NotEqual(HttpStatusCode.OK, post.Status);
            Assert.Single(await StoredAsync(), t => t.OrganisationId == "mairie-lorval");
        }
        finally
        {
            await SubmitAsync(lorval, await lorval.GetAsync($"{Editor}/annulation-sms"), "defaut");
        }
        Assert.Empty(await StoredAsync());
    }
}

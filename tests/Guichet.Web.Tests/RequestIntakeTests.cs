using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Guichet.Domain.Requests;
using Guichet.Web.Features.Notifications;
using Guichet.Web.Features.Requests;
using Guichet.Web.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Guichet.Web.Tests;

/// <summary>The app with mail to a local SMTP sink, the dispatcher off (tests run it) and request limits out of the way.</summary>
public class RequestsApp : GuichetApp, IAsyncLifetime
{
    public SmtpSink Sink { get; } = SmtpSink.Start();
    public const string BaseUrl = "https://guichet.lorval.test";

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Mail:From"] = "ne-pas-repondre@lorval.test",
        ["Mail:Smtp:Host"] = "127.0.0.1",
        ["Mail:Smtp:Port"] = Sink.Port.ToString(CultureInfo.InvariantCulture),
        ["Mail:Smtp:Security"] = "None",
        ["Mail:Smtp:TimeoutSeconds"] = "10",
        ["Notifications:Enabled"] = "false",
        ["App:PublicBaseUrl"] = BaseUrl,
        ["Requests:IntakePerMinute"] = "100000",
        ["Requests:TrackingPerMinute"] = "100000",
        ["Requests:MaxAttachmentBytes"] = "100000",
    };

    public OutboxDispatcher Dispatcher => Services.GetRequiredService<OutboxDispatcher>();

    public static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52];

    /// <summary>Opens the category's form and sends it as a browser does (multipart), with <paramref name="values"/> on top.</summary>
    public static async Task<WebPage> SendAsync(Browser browser, string category, IReadOnlyDictionary<string, string?> values,
        params (string Name, string Type, byte[] Content)[] files)
    {
        var page = await browser.GetAsync($"/demandes/{category}");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        var fields = WebPage.FieldsOf(page.Form());
        foreach (var (name, value) in values)
        {
            fields.RemoveAll(f => f.Key == name);
            if (value is not null) fields.Add(new(name, value));
        }
        using var content = new MultipartFormDataContent();
        foreach (var (k, v) in fields) content.Add(new StringContent(v), k);
        foreach (var (name, type, bytes) in files)
        {
            var file = new ByteArrayContent(bytes);
            file.Headers.ContentType = MediaTypeHeaderValue.Parse(type);
            content.Add(file, "attachments", name);
        }
        return await WebPage.ReadAsync(page.Url, await browser.Http.PostAsync(page.Url, content));
    }

    public static Dictionary<string, string?> Voirie(string lastName = "Martin", string? email = "camille.martin@exemple.fr", string? phone = null) => new()
    {
        ["champ1"] = "Nid-de-poule", ["locationAddress"] = "Devant le 12 rue des Tanneurs", ["text"] = "Un trou profond sur la chaussée, dangereux pour les vélos.",
        ["lastName"] = lastName, ["firstName"] = "Camille", ["email"] = email, ["phone"] = phone, ["consent"] = "oui",
    };

    /// <summary>The tracking code shown on a success page.</summary>
    public static string CodeOn(WebPage page) =>
        TrackingCode.Normalise(page.Document.QuerySelector("strong.code")?.TextContent) ?? throw new Xunit.Sdk.XunitException($"No code on the page: {page.Text}");

    public Task<CitizenRequest> RequestAsync(string code) =>
        WithDbAsync(db => db.CitizenRequests.AsNoTracking().FirstAsync(r => r.TrackingCode == code));

    Task IAsyncLifetime.InitializeAsync() => InitializeAsync();

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        await Sink.DisposeAsync();
    }
}

/// <summary>Citizens' requests on the web: categories, each one's own form, the request saved with its deadline, history and acknowledgement.</summary>
public sealed class RequestIntakeTests(RequestsApp app) : IClassFixture<RequestsApp>
{
    [Fact]
    public async Task The_requests_page_lists_the_categories_of_each_organisation()
    {
        using var browser = new Browser(app);
        var page = await browser.GetAsync("/demandes");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("Mairie de Lorval", page.Text);
        Assert.Contains("Voirie : chaussée, trottoir, éclairage", page.Text);
        Assert.Contains("Mairie de Saint-Aubin-sur-Lorne", page.Text);
        Assert.Contains("/demandes/lorval-etat-civil", page.Links("main a").Select(a => a.GetAttribute("href")));
    }

    [Fact]
    public async Task A_category_form_asks_exactly_its_own_questions()
    {
        using var browser = new Browser(app);
        var civil = await browser.GetAsync("/demandes/lorval-etat-civil");
        Assert.Equal(["champ1", "champ2", "champ3", "champ4"], civil.Document.QuerySelectorAll("[name^=champ]").Select(e => e.GetAttribute("name")));
        Assert.Contains("Acte demandé (obligatoire)", civil.Text);
        Assert.Equal("date", civil.Document.QuerySelector("#champ3")?.GetAttribute("type"));
        Assert.Null(civil.Document.QuerySelector("#locationAddress"));   // no location question in this category

        var other = await browser.GetAsync("/demandes/lorval-autre");
        Assert.Empty(other.Document.QuerySelectorAll("[name^=champ]"));
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync("/demandes/nulle-part")).Status);
    }

    [Fact]
    public async Task A_web_request_is_saved_with_its_code_its_deadline_its_first_events_its_file_and_its_acknowledgement_in_the_outbox()
    {
        using var browser = new Browser(app);
        var done = await RequestsApp.SendAsync(browser, "lorval-voirie", RequestsApp.Voirie(), ("trou.png", "image/png", RequestsApp.Png));
        Assert.Equal(HttpStatusCode.OK, done.Status);
        Assert.Contains("Votre demande est enregistrée", done.Text);
        Assert.Contains("L'accusé de réception vous est envoyé par courriel.", done.Text);
        // Monday 30 November 2026 + 5 working days.
        Assert.Contains("Réponse au plus tard le lundi 7 décembre 2026", done.Text);
        Assert.Contains("Reçue le lundi 30 novembre 2026", done.Text);
        Assert.Contains("Service voirie et espaces publics", done.Text);
        Assert.Contains("2 place de la République, 53120 Lorval", done.Text);
        var code = RequestsApp.CodeOn(done);

        var r = await app.RequestAsync(code);
        Assert.Equal(("mairie-lorval", "lorval-voirie", RequestChannel.Web, RequestStatus.Received), (r.OrganisationId, r.UnitId, r.Channel, r.Status));
        Assert.Equal(new DateOnly(2026, 12, 7), r.DueDate);
        Assert.Equal(app.Clock.GetUtcNow().UtcDateTime, r.ReceivedUtc);
        Assert.Equal([new FieldValue("Type de problème", "Nid-de-poule")], r.FieldValues);
        Assert.Equal("Devant le 12 rue des Tanneurs", r.LocationAddress);
        var events = await app.WithDbAsync(db => db.Set<RequestEvent>().Where(e => e.RequestId == r.Id).Select(e => e.Kind).ToListAsync());
        Assert.Equal([RequestEventKind.Created, RequestEventKind.Acknowledged], events.Order());
        var file = Assert.Single(await app.WithDbAsync(db => db.Set<RequestAttachment>().Where(a => a.RequestId == r.Id).ToListAsync()));
        Assert.Equal(("trou.png", "image/png", RequestsApp.Png.Length), (file.FileName, file.ContentType, (int)file.Size));
        var ack = Assert.Single(await app.WithDbAsync(db => db.OutboxMessages.Where(m => m.IdempotencyKey == $"request:{r.Id}:ack").ToListAsync()));
        Assert.Equal((MessageKind.RequestAcknowledgement, MessageChannel.Email, "camille.martin@exemple.fr", MessageStatus.Pending), (ack.Kind, ack.Channel, ack.Recipient, ack.Status));
    }

    [Fact]
    public async Task The_acknowledgement_reaches_the_citizen_over_smtp_with_every_item_the_law_requires()
    {
        using var browser = new Browser(app);
        var code = RequestsApp.CodeOn(await RequestsApp.SendAsync(browser, "lorval-proprete", new Dictionary<string, string?>(RequestsApp.Voirie(email: "ack.smtp@exemple.fr"))
        {
            ["champ1"] = "Dépôt sauvage",
        }));

        Assert.True(await app.Dispatcher.RunOnceAsync(CancellationToken.None) >= 1);

        var mail = Assert.Single(app.Sink.Messages, m => m.To.Contains("ack.smtp@exemple.fr")).Parsed;
        Assert.Equal($"Accusé de réception de votre demande {TrackingCode.Display(code)}", mail.DecodedHeader("Subject"));
        var text = mail.Find("text/plain")!.Text;
        Assert.Contains("Reçue le : lundi 30 novembre 2026", text);
        Assert.Contains("Service chargé de votre demande : Service propreté urbaine", text);
        Assert.Contains("Adresse postale du service : 8 rue des Tanneurs, 53120 Lorval", text);
        Assert.Contains("Téléphone du service : 02 43 98 12 40", text);
        Assert.Contains("Adresse électronique du service : proprete@lorval.demo", text);
        Assert.Contains("Réponse au plus tard le : lundi 7 décembre 2026", text);
        Assert.Contains($"Code de suivi : {TrackingCode.Display(code)}", text);
        Assert.Contains($"Suivre votre demande : {RequestsApp.BaseUrl}/suivi", text);
        Assert.Contains("France Services", text);
        Assert.Contains("https://www.france-services.gouv.fr/", text);
        Assert.Contains($"href=\"{RequestsApp.BaseUrl}/suivi\"", mail.Find("text/html")!.Text);
        var r = await app.RequestAsync(code);
        Assert.Equal(MessageStatus.Sent, (await app.WithDbAsync(db => db.OutboxMessages.SingleAsync(m => m.IdempotencyKey == $"request:{r.Id}:ack"))).Status);
    }

    [Fact]
    public async Task A_citizen_who_gives_only_a_mobile_gets_the_acknowledgement_by_sms()
    {
        using var browser = new Browser(app);
        var done = await RequestsApp.SendAsync(browser, "lorval-voirie", RequestsApp.Voirie(email: null, phone: "06 12 34 56 78"));
        Assert.Contains("L'accusé de réception vous est envoyé par SMS.", done.Text);
        var r = await app.RequestAsync(RequestsApp.CodeOn(done));
        Assert.Equal("+33612345678", r.Phone);
        var sms = await app.WithDbAsync(db => db.OutboxMessages.SingleAsync(m => m.IdempotencyKey == $"request:{r.Id}:ack"));
        Assert.Equal((MessageChannel.Sms, "+33612345678"), (sms.Channel, sms.Recipient));
        Assert.Contains(r.TrackingCode, sms.Body);
        Assert.Contains("07/12/2026", sms.Body);
    }

    public static TheoryData<string, string?, string> BadInputs => new()
    {
        { "champ1", "", "Répondez à la question « Type de problème »." },
        { "champ1", "Inondation", "Choisissez une des réponses proposées pour « Type de problème »." },
        { "locationAddress", "", "Indiquez le lieu concerné : une adresse, ou une latitude et une longitude." },
        { "latitude", "quarante-huit", "La latitude et la longitude s'écrivent en degrés décimaux" },
        { "latitude", "95", "Ces coordonnées ne désignent aucun lieu" },
        { "text", "  ", "Décrivez votre demande." },
        { "lastName", "", "Indiquez votre nom de famille" },
        { "email", "camille@", "Cette adresse électronique n'est pas valide" },
        { "phone", "12", "Ce numéro de téléphone n'est pas valide" },
        { "consent", null, "Cochez la case d'accord" },
        { "website", "http://spam.example", "Cette demande n'a pas pu être envoyée." },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task Bad_input_is_refused_in_french_and_saves_nothing(string field, string? value, string message)
    {
        var before = await app.WithDbAsync(db => db.CitizenRequests.CountAsync());
        using var browser = new Browser(app);
        var values = RequestsApp.Voirie();
        values[field] = value;
        if (field == "latitude") values["longitude"] = "-0.61";
        var page = await RequestsApp.SendAsync(browser, "lorval-voirie", values);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, page.Status);
        Assert.Contains(message, page.Document.QuerySelector(".errors")?.TextContent ?? "");
        Assert.Equal(before, await app.WithDbAsync(db => db.CitizenRequests.CountAsync()));
        // What the citizen typed is kept.
        if (field != "text") Assert.Equal(values["text"], page.Document.QuerySelector("#text")?.TextContent.Trim());
    }

    [Fact]
    public async Task Coordinates_alone_are_a_location()
    {
        using var browser = new Browser(app);
        var values = RequestsApp.Voirie();
        (values["locationAddress"], values["latitude"], values["longitude"]) = ("", "48,3021", "-0.6174");
        var r = await app.RequestAsync(RequestsApp.CodeOn(await RequestsApp.SendAsync(browser, "lorval-voirie", values)));
        Assert.Equal((48.3021, -0.6174, (string?)null), (r.Latitude!.Value, r.Longitude!.Value, r.LocationAddress));
    }

    [Fact]
    public async Task Files_of_the_wrong_type_too_big_or_too_many_are_refused_with_a_clear_message()
    {
        var before = await app.WithDbAsync(db => db.CitizenRequests.CountAsync());
        using var browser = new Browser(app);
        var exe = await RequestsApp.SendAsync(browser, "lorval-voirie", RequestsApp.Voirie(), ("photo.png", "image/png", "MZ\x90\0 not an image"u8.ToArray()));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, exe.Status);
        Assert.Contains("Le fichier « photo.png » n'est ni un PDF, ni une image JPEG ou PNG", exe.Text);

        var big = new byte[100_001];
        "%PDF-1.7"u8.CopyTo(big);
        var tooBig = await RequestsApp.SendAsync(browser, "lorval-voirie", RequestsApp.Voirie(), ("plan.pdf", "application/pdf", big));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, tooBig.Status);
        Assert.Contains("Le fichier « plan.pdf » dépasse", tooBig.Text);

        var four = Enumerable.Range(1, 4).Select(i => ($"p{i}.png", "image/png", RequestsApp.Png)).ToArray();
        var tooMany = await RequestsApp.SendAsync(browser, "lorval-voirie", RequestsApp.Voirie(), four);
        Assert.Contains("Joignez au plus 3 fichiers.", tooMany.Text);
        Assert.Equal(before, await app.WithDbAsync(db => db.CitizenRequests.CountAsync()));
    }
}

/// <summary>The place of a request picked on a plan, without JavaScript: an image button sends where it was clicked.</summary>
public sealed class RequestPlacePickerTests(RequestsApp app) : IClassFixture<RequestsApp>
{
    [Fact]
    public async Task A_click_on_the_plan_fills_the_place_shows_the_point_and_sends_nothing_until_the_citizen_sends()
    {
        using var citizen = new Browser(app);
        var form = await citizen.GetAsync("/demandes/lorval-voirie");
        var plan = form.Document.QuerySelector("input[type=image][name=plan]")!;
        Assert.Equal("/demandes/lorval-voirie/plan.svg", plan.GetAttribute("src"));
        Assert.False(string.IsNullOrWhiteSpace(plan.GetAttribute("alt")));
        var height = double.Parse(plan.GetAttribute("height")!, System.Globalization.CultureInfo.InvariantCulture);
        var svg = await citizen.Http.GetAsync("/demandes/lorval-voirie/plan.svg");
        Assert.Equal(HttpStatusCode.OK, svg.StatusCode);
        Assert.Equal("image/svg+xml", svg.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Hôtel de ville", await svg.Content.ReadAsStringAsync());   // the town hall is drawn as a landmark
        var before = await app.WithDbAsync(db => db.Set<CitizenRequest>().CountAsync());

        // The middle of the plan is the middle of Lorval's area: its only site.
        var clicked = await RequestsApp.SendAsync(citizen, "lorval-voirie", new Dictionary<string, string?>(RequestsApp.Voirie("Plan"))
        {
            ["locationAddress"] = "", ["plan.x"] = "320", ["plan.y"] = (height / 2).ToString(System.Globalization.CultureInfo.InvariantCulture),
        });

        Assert.Equal(HttpStatusCode.OK, clicked.Status);
        Assert.Contains("Le point est placé sur le plan", clicked.Text);
        var latitude = double.Parse(clicked.Document.QuerySelector("#latitude")!.GetAttribute("value")!, System.Globalization.CultureInfo.InvariantCulture);
        var longitude = double.Parse(clicked.Document.QuerySelector("#longitude")!.GetAttribute("value")!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(48.3021, latitude, 3);
        Assert.Equal(-0.6174, longitude, 3);
        Assert.Contains("lat=48.30", clicked.Document.QuerySelector("input[type=image][name=plan]")!.GetAttribute("src"));
        Assert.Equal(before, await app.WithDbAsync(db => db.Set<CitizenRequest>().CountAsync()));

        // Sent from the page the click gave back: the place goes with the request.
        var sent = await citizen.SubmitAsync(clicked, "main form[method=post]", new Dictionary<string, string?>());
        var request = await app.RequestAsync(RequestsApp.CodeOn(sent));
        Assert.Equal(latitude, request.Latitude);
        Assert.Equal(longitude, request.Longitude);

        var outside = await RequestsApp.SendAsync(citizen, "lorval-voirie", new Dictionary<string, string?>(RequestsApp.Voirie("Plan")) { ["plan.x"] = "5000", ["plan.y"] = "1" });
        Assert.Contains("Ce point n'est pas sur le plan", outside.Text);
        Assert.Equal(HttpStatusCode.NotFound, (await citizen.Http.GetAsync("/demandes/inconnue/plan.svg")).StatusCode);
    }
}

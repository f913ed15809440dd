using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Guichet.Domain.Requests;
using Guichet.Web.Features.Notifications;
using Guichet.Web.Features.Requests;
using Guichet.Web.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Tests;

/// <summary>The requests app with the e-mail door open (a token) and a small size limit, so a 413 costs little.</summary>
public class InboundApp : RequestsApp
{
    public const string Token = "jeton-de-test-du-serveur-de-messagerie-0123456789";
    public const int MaxBytes = 400_000;

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Mail:Inbound:Token"] = Token,
        ["Mail:Inbound:MaxBytes"] = MaxBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>A POST as the Postfix pipe makes it (docs/inbound-email.md).</summary>
    public Task<HttpResponseMessage> MailAsync(string raw, string? recipient = "demandes@lorval.demo", string? token = Token, string? sender = null) =>
        MailAsync(Encoding.Latin1.GetBytes(raw.ReplaceLineEndings("\r\n")), recipient, token, sender);

    public Task<HttpResponseMessage> MailAsync(byte[] raw, string? recipient = "demandes@lorval.demo", string? token = Token, string? sender = null)
    {
        var query = new List<string>();
        if (recipient is not null) query.Add("recipient=" + Uri.EscapeDataString(recipient));
        if (sender is not null) query.Add("sender=" + Uri.EscapeDataString(sender));
        var request = new HttpRequestMessage(HttpMethod.Post, "/inbound/email" + (query.Count > 0 ? "?" + string.Join('&', query) : ""))
        {
            Content = new ByteArrayContent(raw),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("message/rfc822");
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return Client.SendAsync(request);
    }

    public static async Task<(string Outcome, string? RequestId)> OutcomeAsync(HttpResponseMessage answer)
    {
        using var json = JsonDocument.Parse(await answer.Content.ReadAsStringAsync());
        var id = json.RootElement.TryGetProperty("requestId", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
        return (json.RootElement.GetProperty("outcome").GetString()!, id);
    }

    public Task<int> CountAsync(string organisationId = "mairie-lorval") =>
        WithDbAsync(db => db.CitizenRequests.CountAsync(r => r.OrganisationId == organisationId));

    public Task<int> OutboxCountAsync() => WithDbAsync(db => db.OutboxMessages.CountAsync());

    public Task<CitizenRequest> ByIdAsync(string id) => WithDbAsync(db => db.CitizenRequests.AsNoTracking().SingleAsync(r => r.Id == id));

    public Task<List<RequestEvent>> EventsAsync(string id) =>
        WithDbAsync(db => db.Set<RequestEvent>().AsNoTracking().Where(e => e.RequestId == id).OrderBy(e => e.AtUtc).ThenBy(e => e.Id).ToListAsync());

    /// <summary>The acknowledgement in the outbox of a request.</summary>
    public Task<OutboxMessage> AcknowledgementAsync(string requestId) =>
        WithDbAsync(db => db.OutboxMessages.AsNoTracking().SingleAsync(m => m.IdempotencyKey == $"request:{requestId}:ack"));
}

public sealed class InboundEmailTests(InboundApp app) : IClassFixture<InboundApp>
{
    private async Task<string> CreatedAsync(HttpResponseMessage answer)
    {
        Assert.Equal(HttpStatusCode.Created, answer.StatusCode);
        var (outcome, id) = await InboundApp.OutcomeAsync(answer);
        Assert.Equal("created", outcome);
        return id!;
    }

    /// <summary>The agent's inbox lists the request, and its page shows <paramref name="expected"/>.</summary>
    private async Task AgentSeesAsync(CitizenRequest r, params string[] expected)
    {
        using var agent = new Browser(app);
        Assert.Equal(HttpStatusCode.Redirect, (await agent.SignInAsync("accueil@lorval.demo")).Status);
        var inbox = await agent.GetAsync("/agent/demandes?canal=Email");
        Assert.Contains(TrackingCode.Display(r.TrackingCode), inbox.Text);
        var page = await agent.GetAsync($"/agent/demandes/{r.Id}");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        foreach (var e in expected) Assert.Contains(e, page.Text);
    }

    private const string OutlookQuotedPrintable = """
        Received: from mail.exemple.fr by mx.lorval.demo; Mon, 30 Nov 2026 07:55:00 +0100
        From: =?iso-8859-1?Q?Fran=E7ois_L=E9v=EAque?= <francois.leveque@exemple.fr>
        To: "Mairie de Lorval" <demandes@lorval.demo>
        Subject: =?windows-1252?Q?Lampadaire_=E9teint_=96_rue_des_Ch=EAnes?=
        Date: Mon, 30 Nov 2026 07:54:12 +0100
        Message-ID: <DB9PR01MB1234ABCD@DB9PR01MB1234.eurprd01.prod.exchangelabs.com>
        MIME-Version: 1.0
        X-Mailer: Microsoft Outlook 16.0
        Content-Type: multipart/alternative; boundary="_000_DB9PR01MB1234_"
        Content-Language: fr-FR

        --_000_DB9PR01MB1234_
        Content-Type: text/plain; charset="windows-1252"
        Content-Transfer-Encoding: quoted-printable

        Bonjour,

        Le lampadaire devant le n=B012 est =E9teint depuis une semaine, c=92est dan=
        gereux le soir.

        Cordialement,
        Fran=E7ois L=E9v=EAque

        --_000_DB9PR01MB1234_
        Content-Type: text/html; charset="windows-1252"
        Content-Transfer-Encoding: quoted-printable

        <html><body><p>Bonjour,</p><p>Le lampadaire devant le n=B012 est =E9teint</p></body></html>

        --_000_DB9PR01MB1234_--
        """;

    [Fact]
    public async Task An_outlook_quoted_printable_mail_becomes_an_email_request_with_its_accents_and_an_acknowledgement_that_answers_it()
    {
        var id = await CreatedAsync(await app.MailAsync(OutlookQuotedPrintable));

        var r = await app.ByIdAsync(id);
        Assert.Equal((RequestChannel.Email, "lorval-autre", "François", "Lévêque", "francois.leveque@exemple.fr"), (r.Channel, r.CategoryId, r.FirstName, r.LastName, r.Email));
        Assert.Contains("Objet : Lampadaire éteint – rue des Chênes", r.Text);
        Assert.Contains("Le lampadaire devant le n°12 est éteint depuis une semaine, c’est dangereux le soir.", r.Text);
        await AgentSeesAsync(r, "c’est dangereux le soir", "Courriel");

        // The acknowledgement answers the citizen's mail and carries the request's reply address.
        var ack = await app.AcknowledgementAsync(id);
        Assert.Equal(MessageChannel.Email, ack.Channel);
        Assert.Equal("DB9PR01MB1234ABCD@DB9PR01MB1234.eurprd01.prod.exchangelabs.com", ack.InReplyTo);
        var token = await app.WithDbAsync(db => db.Set<RequestMailThread>().Where(t => t.RequestId == id).Select(t => t.ReplyToken).SingleAsync());
        Assert.Equal(26, token.Length);
        Assert.Equal($"demandes+{token}@lorval.demo", ack.ReplyTo);

        await app.Dispatcher.RunOnceAsync(CancellationToken.None);
        var sent = app.Sink.Messages.Last(m => m.To.Contains("francois.leveque@exemple.fr"));
        Assert.Contains("In-Reply-To: <DB9PR01MB1234ABCD@DB9PR01MB1234.eurprd01.prod.exchangelabs.com>", sent.Raw);
        Assert.Contains("References: <DB9PR01MB1234ABCD@DB9PR01MB1234.eurprd01.prod.exchangelabs.com>", sent.Raw);
        Assert.Contains($"Reply-To: demandes+{token}@lorval.demo", sent.Raw);
        Assert.Contains("Auto-Submitted: auto-replied", sent.Raw);
    }

    [Fact]
    public async Task Iso_8859_1_encoded_word_headers_and_a_base64_body_end_in_a_request_with_the_right_text()
    {
        var body = Convert.ToBase64String(Encoding.UTF8.GetBytes("Bonjour,\r\nje souhaite une copie intégrale de mon acte de naissance (né à Lorval le 3 mai 1985).\r\nMerci.\r\n"), Base64FormattingOptions.InsertLineBreaks);
        var raw = $"""
            From: =?ISO-8859-1?B?Suly9G1lIETpc2ly6Q==?= <jerome.desire@exemple.fr>
            To: demandes@lorval.demo
            Subject: =?ISO-8859-1?Q?Demande_d'acte_de_naissance_=E0_Lorval?=
            Message-ID: <b64-iso-1@exemple.fr>
            MIME-Version: 1.0
            Content-Type: text/plain; charset=utf-8
            Content-Transfer-Encoding: base64

            {body}
            """;
        var id = await CreatedAsync(await app.MailAsync(raw));

        var r = await app.ByIdAsync(id);
        Assert.Equal(("Jérôme", "Désiré"), (r.FirstName, r.LastName));
        Assert.Contains("Objet : Demande d'acte de naissance à Lorval", r.Text);
        Assert.Contains("je souhaite une copie intégrale de mon acte de naissance (né à Lorval le 3 mai 1985).", r.Text);
        await AgentSeesAsync(r, "copie intégrale de mon acte de naissance");
    }

    [Fact]
    public async Task A_nested_multipart_with_a_pdf_keeps_the_plain_text_and_the_pdf_and_drops_a_refused_file_with_a_note()
    {
        var pdf = Encoding.ASCII.GetBytes("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");
        var exe = new byte[] { 0x4D, 0x5A, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00 };
        var raw = $"""
            From: "Martin, Camille" <camille.martin@exemple.fr>
            To: demandes@lorval.demo
            Subject: Justificatif pour ma demande
            Message-ID: <nested-1@exemple.fr>
            MIME-Version: 1.0
            Content-Type: multipart/mixed; boundary="mixed-boundary"

            This is a multi-part message in MIME format.
            --mixed-boundary
            Content-Type: multipart/alternative; boundary="alt-boundary"

            --alt-boundary
            Content-Type: text/plain; charset=UTF-8
            Content-Transfer-Encoding: 8bit

            Veuillez trouver ci-joint mon justificatif de domicile.
            --alt-boundary
            Content-Type: text/html; charset=UTF-8

            <p>Veuillez trouver <b>ci-joint</b> mon justificatif de domicile.</p>
            --alt-boundary--
            --mixed-boundary
            Content-Type: application/pdf; name="=?UTF-8?Q?justificatif_domicile=C3=A9.pdf?="
            Content-Disposition: attachment; filename*=UTF-8''justificatif%20domicile%C3%A9.pdf
            Content-Transfer-Encoding: base64

            {Convert.ToBase64String(pdf)}
            --mixed-boundary
            Content-Type: application/octet-stream; name="programme.exe"
            Content-Disposition: attachment; filename="programme.exe"
            Content-Transfer-Encoding: base64

            {Convert.ToBase64String(exe)}
            --mixed-boundary--
            """;
        var id = await CreatedAsync(await app.MailAsync(Encoding.UTF8.GetBytes(raw.ReplaceLineEndings("\r\n"))));

        var r = await app.ByIdAsync(id);
        Assert.Equal(("Camille", "Martin"), (r.FirstName, r.LastName));
        Assert.Contains("Veuillez trouver ci-joint mon justificatif de domicile.", r.Text);
        Assert.DoesNotContain("<b>", r.Text);
        var files = await app.WithDbAsync(db => db.Set<RequestAttachment>().AsNoTracking().Where(a => a.RequestId == id).ToListAsync());
        var file = Assert.Single(files);
        Assert.Equal(("justificatif domicileé.pdf", "application/pdf"), (file.FileName, file.ContentType));
        Assert.Equal(pdf, file.Content);
        var note = Assert.Single(await app.EventsAsync(id), e => e.Kind == RequestEventKind.Note);
        Assert.Contains("programme.exe", note.Text);
        Assert.False(note.Public);
        await AgentSeesAsync(r, "justificatif domicileé.pdf", "Pièce jointe non conservée : « programme.exe »");
    }

    public static TheoryData<string, string> Robots => new()
    {
        { "auto-replied", "Auto-Submitted: auto-replied\r\nSubject: Absence du bureau" },
        { "x-autoreply", "X-Autoreply: yes\r\nSubject: Réponse automatique" },
        { "precedence", "Precedence: bulk\r\nSubject: Lettre d'information" },
        { "list", "List-Id: <annonces.exemple.fr>\r\nList-Unsubscribe: <mailto:leave@exemple.fr>\r\nSubject: Annonces" },
    };

    [Theory]
    [MemberData(nameof(Robots))]
    public async Task An_auto_reply_or_a_list_mail_creates_no_request_and_gets_no_acknowledgement(string name, string headers)
    {
        var (requests, outbox) = (await app.CountAsync(), await app.OutboxCountAsync());
        var answer = await app.MailAsync($"""
            From: Robot <robot-{name}@exemple.fr>
            To: demandes@lorval.demo
            Message-ID: <robot-{name}@exemple.fr>
            {headers}
            Content-Type: text/plain; charset=utf-8

            Je suis absent jusqu'au 4 décembre.
            """);
        Assert.Equal(HttpStatusCode.Accepted, answer.StatusCode);
        Assert.Equal("ignored", (await InboundApp.OutcomeAsync(answer)).Outcome);
        Assert.Equal((requests, outbox), (await app.CountAsync(), await app.OutboxCountAsync()));
        // The trace keeps no address and no text.
        var trace = await app.WithDbAsync(db => db.Set<InboundMessage>().AsNoTracking().SingleAsync(m => m.Key == $"robot-{name}@exemple.fr"));
        Assert.Null(trace.RequestId);
        Assert.DoesNotContain("absent", trace.Outcome);
    }

    [Fact]
    public async Task A_delivery_status_bounce_creates_nothing_and_a_final_one_about_our_acknowledgement_warns_the_agent()
    {
        var id = await CreatedAsync(await app.MailAsync("""
            From: Paul Adresse <paul.adresse@exemple.fr>
            To: demandes@lorval.demo
            Subject: Question
            Message-ID: <bounce-origin@exemple.fr>

            Quels sont les horaires de la mairie ?
            """));
        var ack = await app.AcknowledgementAsync(id);
        var (requests, outbox) = (await app.CountAsync(), await app.OutboxCountAsync());
        var answer = await app.MailAsync($"""
            From: Mail Delivery System <MAILER-DAEMON@mx.lorval.demo>
            To: ne-pas-repondre@lorval.test
            Subject: Undelivered Mail Returned to Sender
            Message-ID: <dsn-1@mx.lorval.demo>
            Auto-Submitted: auto-replied
            MIME-Version: 1.0
            Content-Type: multipart/report; report-type=delivery-status; boundary="dsn"

            --dsn
            Content-Type: text/plain

            Your message could not be delivered.
            --dsn
            Content-Type: message/delivery-status

            Reporting-MTA: dns; mx.lorval.demo

            Final-Recipient: rfc822; paul.adresse@exemple.fr
            Action: failed
            Status: 5.1.1
            Diagnostic-Code: smtp; 550 5.1.1 User unknown
            --dsn
            Content-Type: text/rfc822-headers

            Message-ID: {ack.ProviderReference}
            To: paul.adresse@exemple.fr
            --dsn--
            """, sender: "");
        Assert.Equal(HttpStatusCode.Accepted, answer.StatusCode);
        Assert.Equal((requests, outbox), (await app.CountAsync(), await app.OutboxCountAsync()));
        var note = Assert.Single(await app.EventsAsync(id), e => e.Kind == RequestEventKind.Note);
        Assert.Contains("n'a pas pu lui être remis (code 5.1.1)", note.Text);
    }

    [Fact]
    public async Task A_reply_by_in_reply_to_is_appended_without_its_quote_reopens_the_answered_request_and_gets_no_acknowledgement()
    {
        var id = await CreatedAsync(await app.MailAsync("""
            From: Lucie Bernard <lucie.bernard@exemple.fr>
            To: demandes@lorval.demo
            Subject: Poubelles
            Message-ID: <thread-origin@exemple.fr>

            Les poubelles ne sont pas ramassées rue Haute.
            """));
        var ack = await app.AcknowledgementAsync(id);
        await app.WithDbAsync(db => db.CitizenRequests.Where(r => r.Id == id).ExecuteUpdateAsync(u => u.SetProperty(r => r.Status, RequestStatus.Answered)));
        var (requests, outbox) = (await app.CountAsync(), await app.OutboxCountAsync());

        var answer = await app.MailAsync($"""
            From: Lucie Bernard <lucie.bernard@exemple.fr>
            To: Mairie de Lorval <ne-pas-repondre@lorval.test>
            Subject: Re: Accusé de réception
            Message-ID: <thread-reply@exemple.fr>
            In-Reply-To: {ack.ProviderReference}
            References: <thread-origin@exemple.fr> {ack.ProviderReference}
            Content-Type: text/plain; charset=utf-8

            Toujours rien ce matin, merci de relancer.

            Le lun. 30 nov. 2026 à 08:00, Mairie de Lorval <ne-pas-repondre@lorval.test> a écrit :
            > Bonjour Lucie Bernard,
            > Mairie de Lorval a bien reçu votre demande.
            """);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal(("appended", id), await InboundApp.OutcomeAsync(answer));
        Assert.Equal((requests, outbox), (await app.CountAsync(), await app.OutboxCountAsync()));
        var r = await app.ByIdAsync(id);
        Assert.Equal(RequestStatus.InProgress, r.Status);
        var message = Assert.Single(await app.EventsAsync(id), e => e.Kind == RequestEventKind.CitizenMessage);
        Assert.Contains("Toujours rien ce matin, merci de relancer.", message.Text);
        Assert.DoesNotContain("a bien reçu", message.Text);
        await AgentSeesAsync(r, "Message de l'usager : (courriel) Toujours rien ce matin");
    }

    [Fact]
    public async Task The_citizens_answer_to_an_agents_reply_on_a_web_request_comes_back_by_its_reply_to_and_reopens_it()
    {
        using var citizen = new Browser(app);
        var r = await app.RequestAsync(RequestsApp.CodeOn(await RequestsApp.SendAsync(citizen, "lorval-voirie", RequestsApp.Voirie("Aubry", "jules.aubry@exemple.fr", null),
            ("trou.png", "image/png", RequestsApp.Png))));
        using var agent = new Browser(app);
        await agent.SignInAsync("accueil@lorval.demo");
        var page = await agent.GetAsync($"/agent/demandes/{r.Id}");
        Assert.Equal(HttpStatusCode.Redirect, (await agent.SubmitAsync(page, "form#repondre", new Dictionary<string, string?> { ["reply"] = "Pouvez-vous préciser le numéro de la rue ?" })).Status);
        var reply = await app.WithDbAsync(db => db.OutboxMessages.AsNoTracking().SingleAsync(m => m.Kind == MessageKind.RequestReply && m.Recipient == "jules.aubry@exemple.fr"));
        Assert.StartsWith("demandes+", reply.ReplyTo);
        await app.Dispatcher.RunOnceAsync(CancellationToken.None);
        Assert.Contains($"Reply-To: {reply.ReplyTo}", app.Sink.Messages.Last(m => m.To.Contains("jules.aubry@exemple.fr")).Raw);

        // The citizen's mailer answers to the Reply-To and quotes the agent's message.
        var answer = await app.MailAsync($"""
            From: Jules Aubry <jules.aubry@exemple.fr>
            To: {reply.ReplyTo}
            Subject: Re: demande
            Message-ID: <aubry-answer@exemple.fr>
            In-Reply-To: {reply.ProviderReference}
            Content-Type: text/plain; charset=utf-8

            C'est devant le 18.

            -----Original Message-----
            From: Mairie de Lorval
            Pouvez-vous préciser le numéro de la rue ?
            """, recipient: reply.ReplyTo);
        Assert.Equal(("appended", r.Id), await InboundApp.OutcomeAsync(answer));
        Assert.Equal(RequestStatus.InProgress, (await app.ByIdAsync(r.Id)).Status);
        var message = Assert.Single(await app.EventsAsync(r.Id), e => e.Kind == RequestEventKind.CitizenMessage);
        Assert.Contains("C'est devant le 18.", message.Text);
        Assert.DoesNotContain("préciser", message.Text);
    }

    [Fact]
    public async Task A_reply_without_references_is_threaded_by_the_token_of_its_reply_address_and_only_in_its_organisation()
    {
        var id = await CreatedAsync(await app.MailAsync("""
            From: Hugo Petit <hugo.petit@exemple.fr>
            To: demandes@lorval.demo
            Subject: Banc cassé
            Message-ID: <token-origin@exemple.fr>

            Le banc du square est cassé.
            """));
        var replyTo = (await app.AcknowledgementAsync(id)).ReplyTo!;
        var reply = $"""
            From: Hugo Petit <hugo.petit@exemple.fr>
            To: {replyTo.ToUpperInvariant()}
            Subject: Photo du banc
            Message-ID: <token-reply@exemple.fr>
            Content-Type: text/plain; charset=utf-8

            J'ajoute que le dossier manque aussi.
            """;
        var answer = await app.MailAsync(reply, recipient: replyTo);
        Assert.Equal(("appended", id), await InboundApp.OutcomeAsync(answer));
        Assert.Contains(await app.EventsAsync(id), e => e.Kind == RequestEventKind.CitizenMessage && e.Text!.Contains("le dossier manque aussi"));

        // The same token sent to another organisation's door threads nothing there: a new request of Saint-Aubin.
        var saintAubin = await app.CountAsync("mairie-saint-aubin");
        var elsewhere = await app.MailAsync(reply.Replace("token-reply@", "token-elsewhere@"), recipient: "demandes@saint-aubin.demo");
        var other = await CreatedAsync(elsewhere);
        Assert.Equal("mairie-saint-aubin", (await app.ByIdAsync(other)).OrganisationId);
        Assert.Equal(saintAubin + 1, await app.CountAsync("mairie-saint-aubin"));
        // …and Saint-Aubin's agents never see Lorval's request.
        using var agent = new Browser(app);
        await agent.SignInAsync("admin@saint-aubin.demo");
        Assert.Equal(HttpStatusCode.NotFound, (await agent.GetAsync($"/agent/demandes/{id}")).Status);
    }

    [Fact]
    public async Task The_same_message_posted_twice_by_a_retrying_mta_files_one_request_and_answers_with_the_same_id()
    {
        const string raw = """
            From: Nina Roux <nina.roux@exemple.fr>
            To: demandes@lorval.demo
            Subject: Horaires
            Message-ID: <retry-1@exemple.fr>

            Êtes-vous ouverts le samedi ?
            """;
        var first = await CreatedAsync(await app.MailAsync(raw));
        var before = (await app.CountAsync(), await app.OutboxCountAsync());
        var again = await app.MailAsync(raw);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(("duplicate", first), await InboundApp.OutcomeAsync(again));
        Assert.Equal(before, (await app.CountAsync(), await app.OutboxCountAsync()));

        // Without a Message-ID, the bytes are the key.
        const string bare = "From: Sans Id <sans.id@exemple.fr>\nTo: demandes@lorval.demo\nSubject: Sans identifiant\n\nUn message sans Message-ID.\n";
        var one = await CreatedAsync(await app.MailAsync(bare));
        Assert.Equal(("duplicate", one), await InboundApp.OutcomeAsync(await app.MailAsync(bare)));
    }

    [Fact]
    public async Task Ten_simultaneous_deliveries_of_one_message_file_exactly_one_request()
    {
        const string raw = """
            From: Yves Tanguy <yves.tanguy@exemple.fr>
            To: demandes@lorval.demo
            Subject: Course
            Message-ID: <race-1@exemple.fr>

            Dix fois le même message.
            """;
        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => app.MailAsync(raw)));
        Assert.All(answers, a => Assert.True(a.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, a.StatusCode.ToString()));
        var ids = await Task.WhenAll(answers.Select(InboundApp.OutcomeAsync));
        Assert.Single(ids.Select(i => i.RequestId).Distinct());
        Assert.Equal(1, await app.WithDbAsync(db => db.CitizenRequests.CountAsync(r => r.Email == "yves.tanguy@exemple.fr")));
    }

    [Fact]
    public async Task An_html_only_mail_is_filed_with_its_text_and_no_markup()
    {
        var id = await CreatedAsync(await app.MailAsync(Encoding.UTF8.GetBytes("""
            From: Iris Vidal <iris.vidal@exemple.fr>
            To: demandes@lorval.demo
            Subject: Arbre
            Message-ID: <html-only@exemple.fr>
            Content-Type: text/html; charset=utf-8

            <html><head><style>p { color: red }</style></head><body><p>Un arbre est tombé <b>avenue</b> de la Gare.</p><p>Merci&nbsp;!</p></body></html>
            """.ReplaceLineEndings("\r\n"))));
        var r = await app.ByIdAsync(id);
        Assert.Contains("Un arbre est tombé avenue de la Gare.", r.Text);
        Assert.DoesNotContain("<", r.Text);
        Assert.DoesNotContain("color", r.Text);
    }

    [Fact]
    public async Task A_missing_or_wrong_token_is_401_an_oversized_message_413_garbage_400_and_an_unknown_recipient_404_never_500()
    {
        const string raw = "From: a@exemple.fr\nTo: demandes@lorval.demo\nSubject: x\nMessage-ID: <refused@exemple.fr>\n\nTexte.\n";
        var before = await app.CountAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.MailAsync(raw, token: null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.MailAsync(raw, token: InboundApp.Token + "x")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.MailAsync(raw, token: "court")).StatusCode);

        var big = "From: a@exemple.fr\nTo: demandes@lorval.demo\nSubject: gros\n\n" + new string('x', InboundApp.MaxBytes + 10);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await app.MailAsync(big)).StatusCode);

        var garbage = await app.MailAsync("ceci n'est pas un courriel, juste du texte\n");
        Assert.Equal(HttpStatusCode.BadRequest, garbage.StatusCode);
        Assert.Contains("courriel lisible", await garbage.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, (await app.MailAsync([])).StatusCode);

        var unknown = await app.MailAsync(raw.Replace("demandes@lorval.demo", "inconnu@ailleurs.example"), recipient: "inconnu@ailleurs.example");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(before, await app.CountAsync());

        // Without ?recipient=, the message's own To names the organisation.
        Assert.Equal(HttpStatusCode.Created, (await app.MailAsync(raw, recipient: null)).StatusCode);
    }
}

/// <summary>No token configured: the door is closed and says so, whatever is sent.</summary>
public sealed class InboundEmailClosedTests(RequestsApp app) : IClassFixture<RequestsApp>
{
    [Fact]
    public async Task Without_a_configured_token_the_email_door_answers_503_with_a_clear_text()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/inbound/email") { Content = new StringContent("From: a@b.fr\r\n\r\nx") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "quelque-chose");
        var answer = await app.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.StatusCode);
        Assert.Contains("Mail:Inbound:Token", await answer.Content.ReadAsStringAsync());
    }
}

using Guichet.Domain.Messaging.Mime;

namespace Guichet.Domain.Tests.Messaging.Mime;

public sealed class MimeSampleTests
{
    [Fact]
    public void An_outlook_message_reads_its_latin1_encoded_words_and_its_windows_1252_quoted_printable_body()
    {
        var m = Samples.Load("outlook-qp-windows1252.eml");
        Assert.Equal("Demande d'acte de naissance – très urgent", m.Subject);   // the en dash is 0x96: windows-1252 under a latin-1 label
        var from = Assert.Single(m.From);
        Assert.Equal("François Bérard", from.DisplayName);
        Assert.Equal("francois.berard@exemple-fai.fr", from.Address);
        Assert.Equal("Mairie de Lorval - État civil", Assert.Single(m.To).DisplayName);
        Assert.Equal("DB9PR01MB7865F2B0A1C7D3E4F5A6B7C8D9E0@DB9PR01MB7865.eurprd01.prod.exchangelabs.com", m.MessageId);
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 8, 13, 57, TimeSpan.Zero), m.Date);
        Assert.NotNull(m.TextBody);
        Assert.Contains("copie intégrale de mon acte de naissance (né le 12/03/1984 à Lorval).", m.TextBody);
        Assert.Contains("J’ai déjà réglé les 0 € demandés", m.TextBody);
        Assert.Contains("une démarche pour mon dossier", m.TextBody);          // a soft line break inside a word
        Assert.Contains("Formule : 2+2=4", m.TextBody);
        Assert.Contains("François Bérard\n06 12 34 56 78", m.TextBody);
        Assert.DoesNotContain("\r", m.TextBody);
        Assert.Contains("int&eacute;grale", m.HtmlBody);
        Assert.Empty(m.Attachments);
        Assert.Empty(m.Problems);
        Assert.Equal(InboundKind.Ordinary, InboundClassifier.Classify(m).Kind);
    }

    [Fact]
    public void An_apple_mail_message_nests_an_alternative_in_a_mixed_and_names_its_pdf_in_rfc_2231_form()
    {
        var m = Samples.Load("apple-mail-nested-pdf.eml");
        Assert.Equal("Justificatif de domicile – rendez-vous passeport", m.Subject);
        Assert.Equal("Chloé Martin-Lefèvre", m.From[0].DisplayName);
        Assert.Equal("multipart/mixed", m.Body.MediaType);
        Assert.Equal(["multipart/alternative", "application/pdf"], m.Body.Parts.Select(p => p.MediaType));
        Assert.Equal("Bonjour,\n\nVous trouverez ci-joint mon justificatif de domicile pour le rendez-vous passeport du 3 décembre.\n\nBien à vous,\nChloé Martin-Lefèvre\n", m.TextBody);
        var pdf = Assert.Single(m.Attachments);
        Assert.Equal("Justificatif de domicile – décembre.pdf", pdf.FileName);
        Assert.Equal("application/pdf", pdf.MediaType);
        Assert.Equal(Samples.Bytes("apple-mail-nested-pdf.pdf.expected"), pdf.Content);
        Assert.Equal(398, pdf.Size);
        Assert.False(pdf.IsInline);
        // The continued name*0*/name*1* of Content-Type gives the same name.
        Assert.Equal("Justificatif de domicile – décembre.pdf", m.Body.Parts[1].ContentTypeHeader["name"]);
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 18, 42, 11, TimeSpan.FromHours(1)), m.Date);
    }

    [Fact]
    public void A_gmail_reply_threads_by_its_references_and_its_plus_address_and_keeps_only_the_new_text()
    {
        var m = Samples.Load("gmail-reply.eml");
        Assert.Equal("Re: Votre demande n° 2026-0042 a bien été reçue", m.Subject);   // two B words joined, no space lost
        Assert.Equal(["req-2026-0042.ack@mairie.example"], m.InReplyTo);
        Assert.Equal(["CAKx7Q1c9Hs0=abcDEF123@mail.gmail.example", "req-2026-0042.ack@mairie.example"], m.References);
        var keys = MailThreading.Extract(m, new ReplyAddressPattern("demandes+{token}@mairie.example"));
        Assert.Equal(["req-2026-0042.ack@mairie.example", "CAKx7Q1c9Hs0=abcDEF123@mail.gmail.example"], keys.ReferencedIds);
        Assert.Equal("8F3K2Q", keys.ReplyToken);
        Assert.Equal("Bonjour,\n\nMerci pour votre réponse. Oui, je confirme : je passerai le déposer jeudi matin.\n\nJulien",
            ReplyText.Extract(m.TextBody));
        Assert.Equal(InboundKind.Ordinary, InboundClassifier.Classify(m).Kind);
    }

    [Fact]
    public void A_french_out_of_office_is_an_auto_reply_that_still_threads_to_its_request()
    {
        var m = Samples.Load("out-of-office-fr.eml");
        var c = InboundClassifier.Classify(m);
        Assert.Equal(InboundKind.AutoReply, c.Kind);
        Assert.Equal("Auto-Submitted: auto-replied", c.Reason);
        Assert.False(c.MayCreateRequest);
        Assert.False(c.MayAcknowledge);
        Assert.Equal("Réponse automatique : Votre demande n° 2026-0042", m.Subject);
        Assert.Equal("Votre demande n° 2026-0042", m.Headers.Text("Thread-Topic"));   // raw 8-bit latin-1 in a header
        Assert.Equal(["req-2026-0042.ack@mairie.example"], MailThreading.Extract(m, null).ReferencedIds);
        Assert.StartsWith("Bonjour,\n\nJe suis absente du bureau jusqu'au lundi 7 décembre inclus", m.TextBody);
        Assert.Equal("", m.ReturnPath);
    }

    [Fact]
    public void A_postfix_bounce_is_read_as_a_permanent_failure_of_our_message()
    {
        var m = Samples.Load("postfix-bounce.eml");
        var c = InboundClassifier.Classify(m);
        Assert.Equal(InboundKind.Bounce, c.Kind);
        Assert.Equal("multipart/report; report-type=delivery-status", c.Reason);
        var bounce = Assert.IsType<BounceReport>(c.Bounce);
        Assert.Equal("req-2026-0042.ack@mairie.example", bounce.OriginalMessageId);
        var r = Assert.Single(bounce.Recipients);
        Assert.Equal("jean.dupnot@exemple-fai.fr", r.FinalRecipient);
        Assert.Equal("failed", r.Action);
        Assert.Equal("5.1.1", r.Status);
        Assert.StartsWith("smtp; 550 5.1.1 <jean.dupnot@exemple-fai.fr>: Recipient address rejected", r.DiagnosticCode);
        Assert.True(r.IsPermanent);
        Assert.True(bounce.IsPermanent);
        Assert.StartsWith("This is the mail system at host mail.mairie.example.", m.TextBody);   // the human part only
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 9, 20, 14, TimeSpan.FromHours(1)), m.Date); // "(CET)" comment ignored
        Assert.Equal("MAILER-DAEMON@mail.mairie.example", m.From[0].Address);
        Assert.Equal("Mail Delivery System", m.From[0].DisplayName);
    }

    [Fact]
    public void A_list_message_is_a_mailing_list()
    {
        var m = Samples.Load("list-message.eml");
        var c = InboundClassifier.Classify(m);
        Assert.Equal(InboundKind.MailingList, c.Kind);
        Assert.Equal("List-Id present", c.Reason);   // before its Precedence: bulk
        Assert.False(c.MayCreateRequest);
        Assert.False(c.MayAcknowledge);
        Assert.Equal("Numéro 48 : les nouvelles règles des marchés publics", m.Subject);
        Assert.Contains("Au sommaire de ce numéro", m.TextBody);   // 8bit UTF-8
    }

    [Fact]
    public void A_message_with_only_html_gets_a_text_body_with_its_line_breaks_and_entities()
    {
        var m = Samples.Load("html-only.eml");
        Assert.Equal("Nid-de-poule rue de l'Église", m.Subject);
        Assert.Equal(
            "Bonjour,\n\nJe vous signale un nid-de-poule dangereux : rue de l’Église, devant le n° 12.\nIl fait environ 40 cm de large.\n\n"
            + "- Photo prise ce matin\n- Coût estimé : 150 €\n\nMerci d'avance,\nSandrine Aubert <sandrine.aubert@exemple.example>",
            m.TextBody);
        Assert.StartsWith("<!DOCTYPE html>", m.HtmlBody);
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 7, 45, 0, TimeSpan.FromHours(1)), m.Date);   // two-digit year, no seconds
        Assert.Empty(m.Attachments);
    }

    [Fact]
    public void A_forwarded_message_is_one_attachment_whose_own_message_is_parsed()
    {
        var m = Samples.Load("forwarded-rfc822.eml");
        Assert.Equal("Tr: Travaux de façade", m.Subject);
        Assert.Equal("Bonjour,\nJe vous transfère le message du syndic : l'échafaudage a-t-il une autorisation d'occupation du domaine public ?\nMarc Lambert\n", m.TextBody);
        var eml = Assert.Single(m.Attachments);
        Assert.Equal("message/rfc822", eml.MediaType);
        Assert.Equal("Travaux de façade.eml", eml.FileName);
        var inner = m.Body.Parts[1].Message;
        Assert.NotNull(inner);
        Assert.Equal("Travaux de façade", inner.Subject);
        Assert.Equal("Syndic Résidence les Tilleuls", inner.From[0].DisplayName);
        Assert.Equal("syndic-2026-11-27-001@tilleuls.example", inner.MessageId);
        Assert.Contains("Les travaux de façade débuteront le 14 décembre.", inner.TextBody);
        var jpg = Assert.Single(inner.Attachments);
        Assert.Equal("plan-echafaudage.jpg", jpg.FileName);
        Assert.Equal(Samples.Bytes("forwarded-rfc822.jpg.expected"), jpg.Content);
        Assert.DoesNotContain("Epilogue", m.TextBody);
    }

    public static TheoryData<string> AllSamples() =>
        new(Directory.GetFiles(Samples.Folder, "*.eml").Select(Path.GetFileName).OfType<string>().Order());

    [Theory]
    [MemberData(nameof(AllSamples))]
    public void Every_sample_parses_without_problems_and_has_a_sender_a_date_and_an_id(string file)
    {
        var m = Samples.Load(file);
        Assert.Empty(m.Problems);
        Assert.NotEmpty(m.From);
        Assert.NotNull(m.Date);
        Assert.NotNull(m.MessageId);
        Assert.False(string.IsNullOrWhiteSpace(m.TextBody));
    }

    [Theory]
    [MemberData(nameof(AllSamples))]
    public void Every_sample_survives_being_cut_anywhere(string file)
    {
        // Truncated deliveries happen (a full disk, a dropped connection): every prefix parses or is refused cleanly.
        var bytes = Samples.Bytes(file);
        for (int n = 1; n < bytes.Length; n += 7)
        {
            try { _ = MimeMessage.Parse(bytes.AsSpan(0, n)).TextBody; }
            catch (MimeFormatException) { }
        }
    }
}

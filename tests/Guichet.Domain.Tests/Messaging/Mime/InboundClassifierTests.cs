using Guichet.Domain.Messaging.Mime;

namespace Guichet.Domain.Tests.Messaging.Mime;

public sealed class InboundClassifierTests
{
    private static InboundClassification Classify(string headers, string? envelope = null) =>
        InboundClassifier.Classify(Samples.Parse($"From: Jean Dupont <jean@exemple.fr>\nTo: demandes@mairie.example\n{headers}\n\nBonjour\n"), envelope);

    [Theory]
    [InlineData("Subject: Demande de carte d'identité", InboundKind.Ordinary, null)]
    [InlineData("Auto-Submitted: no", InboundKind.Ordinary, null)]
    [InlineData("Auto-Submitted: No (it is a person)", InboundKind.Ordinary, null)]
    [InlineData("Auto-Submitted: auto-replied", InboundKind.AutoReply, "Auto-Submitted: auto-replied")]
    [InlineData("Auto-Submitted: auto-generated", InboundKind.AutoReply, "Auto-Submitted: auto-generated")]
    [InlineData("Auto-Submitted: auto-notified; owner-email=\"x@y.fr\"", InboundKind.AutoReply, "Auto-Submitted: auto-notified")]
    [InlineData("X-Autoreply: yes", InboundKind.AutoReply, "X-Autoreply present")]
    [InlineData("X-Autorespond: vacances", InboundKind.AutoReply, "X-Autorespond present")]
    [InlineData("Precedence: auto_reply", InboundKind.AutoReply, "Precedence: auto_reply")]
    [InlineData("Precedence: bulk", InboundKind.AutoReply, "Precedence: bulk")]
    [InlineData("Precedence: junk", InboundKind.AutoReply, "Precedence: junk")]
    [InlineData("Precedence: list", InboundKind.MailingList, "Precedence: list")]
    [InlineData("List-Id: <annonces.lorval.example>", InboundKind.MailingList, "List-Id present")]
    [InlineData("List-Unsubscribe: <mailto:stop@liste.example>", InboundKind.MailingList, "List-Unsubscribe present")]
    [InlineData("Return-Path: <>", InboundKind.Bounce, "null return path")]
    [InlineData("Return-Path: < >", InboundKind.Bounce, "null return path")]
    [InlineData("Return-Path: <jean@exemple.fr>", InboundKind.Ordinary, null)]
    [InlineData("Subject: Réponse automatique : votre demande", InboundKind.AutoReply, "out-of-office subject")]
    [InlineData("Subject: =?utf-8?Q?R=C3=A9ponse_automatique_:_Absent?=", InboundKind.AutoReply, "out-of-office subject")]
    [InlineData("Subject: Absence du bureau", InboundKind.AutoReply, "out-of-office subject")]
    [InlineData("Subject: Message d'absence", InboundKind.AutoReply, "out-of-office subject")]
    [InlineData("Subject: Out of Office: RE: demande", InboundKind.AutoReply, "out-of-office subject")]
    [InlineData("Subject: Automatic reply: votre demande", InboundKind.AutoReply, "out-of-office subject")]
    [InlineData("Subject: Absence de mon fils à la cantine", InboundKind.Ordinary, null)]   // a citizen's own subject
    [InlineData("Subject: Re: réponse automatique reçue ?", InboundKind.Ordinary, null)]
    public void Headers_decide_whether_a_person_wrote(string headers, InboundKind kind, string? reason)
    {
        var c = Classify(headers);
        Assert.Equal(kind, c.Kind);
        Assert.Equal(reason, c.Reason);
        Assert.Equal(kind == InboundKind.Ordinary, c.MayCreateRequest);
        Assert.Equal(kind == InboundKind.Ordinary, c.MayAcknowledge);
    }

    [Theory]
    [InlineData("MAILER-DAEMON@mx.exemple.fr")]
    [InlineData("mailer-daemon@googlemail.example")]
    [InlineData("postmaster@exemple.fr")]
    [InlineData("Mail Delivery System <MAILER-DAEMON@mx.exemple.fr>")]
    public void Mail_from_a_mailer_daemon_or_postmaster_is_a_bounce(string from)
    {
        var c = InboundClassifier.Classify(Samples.Parse($"From: {from}\nSubject: Delivery failure\n\nx"));
        Assert.Equal(InboundKind.Bounce, c.Kind);
        Assert.StartsWith("From: ", c.Reason);
    }

    [Fact]
    public void The_envelope_sender_given_by_the_caller_wins_over_the_return_path()
    {
        Assert.Equal(InboundKind.Bounce, Classify("Return-Path: <jean@exemple.fr>", envelope: "").Kind);
        Assert.Equal(InboundKind.Ordinary, Classify("Return-Path: <>", envelope: "jean@exemple.fr").Kind);
    }

    [Fact]
    public void An_rfc_3834_auto_reply_with_a_null_return_path_is_an_auto_reply_not_a_bounce() =>
        Assert.Equal(InboundKind.AutoReply, Classify("Return-Path: <>\nAuto-Submitted: auto-replied").Kind);

    [Fact]
    public void A_delayed_delivery_report_is_a_bounce_but_not_a_permanent_one()
    {
        var m = Samples.Parse("""
            From: MAILER-DAEMON@mx.exemple.fr
            Content-Type: multipart/report; report-type="delivery-status"; boundary=r

            --r
            Content-Type: text/plain

            Delivery delayed.
            --r
            Content-Type: message/delivery-status

            Reporting-MTA: dns; mx.exemple.fr

            Final-Recipient: rfc822;marie@exemple.fr
            Action: delayed
            Status: 4.4.1 (connection timed out)

            Final-Recipient: rfc822; <paul@exemple.fr>
            Action: failed
            Status: 5.2.2
            --r
            Content-Type: message/rfc822

            Message-ID: <rdv-4827.reminder@mairie.example>
            From: ne-pas-repondre@mairie.example

            Rappel
            --r--
            """);
        var c = InboundClassifier.Classify(m);
        Assert.Equal(InboundKind.Bounce, c.Kind);
        var b = c.Bounce!;
        Assert.Equal("rdv-4827.reminder@mairie.example", b.OriginalMessageId);
        Assert.Equal(2, b.Recipients.Count);
        Assert.Equal(("marie@exemple.fr", "delayed", "4.4.1", false), (b.Recipients[0].FinalRecipient, b.Recipients[0].Action, b.Recipients[0].Status, b.Recipients[0].IsPermanent));
        Assert.Equal(("paul@exemple.fr", "5.2.2", true), (b.Recipients[1].FinalRecipient, b.Recipients[1].Status, b.Recipients[1].IsPermanent));
        Assert.True(b.IsPermanent);
    }

    [Fact]
    public void A_non_standard_bounce_gives_the_original_message_id_quoted_in_its_text()
    {
        var m = Samples.Parse("From: Mail Delivery Subsystem <mailer-daemon@vieux.example>\nSubject: Returned mail: User unknown\n\nThe original message was received.\n\n----- Original message -----\n> Message-ID: <req-2026-0051.ack@mairie.example>\n> Subject: Votre demande\n");
        var c = InboundClassifier.Classify(m);
        Assert.Equal(InboundKind.Bounce, c.Kind);
        Assert.Equal("req-2026-0051.ack@mairie.example", c.Bounce?.OriginalMessageId);
        Assert.Empty(c.Bounce!.Recipients);
        Assert.True(c.Bounce.IsPermanent);   // nothing says it is only delayed
    }

    [Fact]
    public void A_bounce_subject_with_a_returned_message_is_a_bounce_even_from_an_ordinary_sender()
    {
        var m = Samples.Parse("From: Exchange <exchange@exemple.fr>\nSubject: Undeliverable: Votre demande\nContent-Type: multipart/mixed; boundary=b\n\n--b\n\nDelivery has failed.\n--b\nContent-Type: message/rfc822\n\nMessage-ID: <req-1@mairie.example>\nFrom: a@b\n\nx\n--b--\n");
        var c = InboundClassifier.Classify(m);
        Assert.Equal(InboundKind.Bounce, c.Kind);
        Assert.Equal("req-1@mairie.example", c.Bounce?.OriginalMessageId);
    }
}

public sealed class MachineReportTests
{
    [Theory]
    [InlineData("multipart/report; report-type=disposition-notification", "message/disposition-notification", "multipart/report; report-type=disposition-notification")]
    [InlineData("multipart/report; report-type=feedback-report", "message/feedback-report", "multipart/report; report-type=feedback-report")]
    [InlineData("multipart/mixed", "message/disposition-notification", "machine report part")]
    public void Read_receipts_and_feedback_reports_are_automatic(string outer, string inner, string reason)
    {
        var m = Samples.Parse($"From: Jean <jean@exemple.fr>\nSubject: Lu : Votre demande\nContent-Type: {outer}; boundary=r\n\n--r\nContent-Type: text/plain\n\nVotre message a été lu.\n--r\nContent-Type: {inner}\n\nFinal-Recipient: rfc822; jean@exemple.fr\nDisposition: manual-action/MDN-sent-manually; displayed\n--r--\n");
        var c = InboundClassifier.Classify(m);
        Assert.Equal(InboundKind.AutoReply, c.Kind);
        Assert.Equal(reason, c.Reason);
    }
}

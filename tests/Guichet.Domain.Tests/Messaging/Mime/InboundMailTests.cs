using System.Text;
using Guichet.Domain.Messaging.Mime;

namespace Guichet.Domain.Tests.Messaging.Mime;

public sealed class InboundMailTests
{
    private static readonly ReplyAddressPattern Pattern = new("demandes+{token}@mairie.example");

    [Fact]
    public void A_reply_comes_with_its_keys_its_new_text_and_a_hash()
    {
        var raw = Samples.Bytes("gmail-reply.eml");
        var mail = InboundMail.Read(raw, Pattern);
        Assert.Equal(InboundKind.Ordinary, mail.Classification.Kind);
        Assert.Equal("8F3K2Q", mail.Keys.ReplyToken);
        Assert.Equal("req-2026-0042.ack@mairie.example", mail.Keys.ReferencedIds[0]);
        Assert.EndsWith("je passerai le déposer jeudi matin.\n\nJulien", mail.NewText);
        Assert.Equal(64, mail.ContentHash.Length);
        Assert.Equal(mail.ContentHash, InboundMail.Read(raw, Pattern).ContentHash);
        Assert.NotEqual(mail.ContentHash, InboundMail.Read([.. raw, (byte)'\n'], Pattern).ContentHash);
    }

    [Fact]
    public void A_new_message_keeps_its_whole_text()
    {
        var mail = InboundMail.Read(Samples.Bytes("outlook-qp-windows1252.eml"), Pattern);
        Assert.Empty(mail.Keys.ReferencedIds);
        Assert.Null(mail.Keys.ReplyToken);
        Assert.Equal(mail.Message.TextBody, mail.NewText);
    }

    [Fact]
    public void A_reply_that_is_all_quotation_keeps_the_quotation_rather_than_nothing()
    {
        var mail = InboundMail.Read(Encoding.UTF8.GetBytes("From: a@b.fr\r\nIn-Reply-To: <x@mairie.example>\r\n\r\n> tout est cité\r\n"), Pattern);
        Assert.Equal("> tout est cité", mail.NewText);
    }

    [Fact]
    public void Input_that_is_not_a_message_is_refused() =>
        Assert.Throws<MimeFormatException>(() => InboundMail.Read("pas un e-mail"u8, Pattern));
}

using Guichet.Domain.Requests;

namespace Guichet.Domain.Tests.Requests;

public sealed class InboundSenderTests
{
    [Theory]
    [InlineData("Camille Martin", "cm", "Camille", "Martin")]
    [InlineData("MARTIN, Camille", "cm", "Camille", "MARTIN")]
    [InlineData("\"Jean-Pierre de La Tour\"", "jp", "Jean-Pierre de La", "Tour")]
    [InlineData("Lévêque", "fl", null, "Lévêque")]
    [InlineData("Martin,", "cm", null, "Martin")]
    [InlineData(null, "camille.martin", null, "camille.martin")]
    [InlineData("   ", "camille.martin", null, "camille.martin")]
    [InlineData("camille.martin@exemple.fr", "camille.martin", null, "camille.martin")]   // mailers that repeat the address
    public void The_names_come_from_the_display_name_else_the_local_part(string? display, string local, string? first, string last) =>
        Assert.Equal((first, last), InboundSender.Names(display, local));

    [Theory]
    [InlineData("demandes@lorval.demo", "demandes@lorval.demo")]
    [InlineData("Demandes+K3VQ2@Lorval.DEMO", "demandes@lorval.demo")]
    [InlineData("<demandes+x@lorval.demo>", "demandes@lorval.demo")]
    [InlineData(" demandes@lorval.demo ", "demandes@lorval.demo")]
    [InlineData("+x@lorval.demo", "+x@lorval.demo")]   // a local part that is only a token is left as it is
    [InlineData("demandes", null)]
    [InlineData("demandes@", null)]
    [InlineData("@lorval.demo", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void An_address_is_compared_without_case_brackets_or_token(string? address, string? plain) =>
        Assert.Equal(plain, InboundSender.PlainAddress(address));
}

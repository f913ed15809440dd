using Guichet.Domain.Messaging.Mime;

namespace Guichet.Domain.Tests.Messaging.Mime;

public sealed class ReplyTextTests
{
    public static TheoryData<string, string> Cases() => new()
    {
        // Gmail, French, attribution on one line
        { "Oui, jeudi me convient.\n\nLe lun. 30 nov. 2026 à 08:15, Mairie <ne-pas-repondre@mairie.example> a écrit :\n> Votre rendez-vous…\n> Cordialement", "Oui, jeudi me convient." },
        // Gmail wraps a long attribution over two lines
        { "Merci.\n\nLe lun. 30 nov. 2026 à 08:15, Mairie de Lorval <\nne-pas-repondre@mairie.example> a écrit :\n\n> Bonjour", "Merci." },
        // English Gmail / Apple Mail
        { "See you Thursday.\n\nOn Mon, Nov 30, 2026 at 8:15 AM Mairie <x@mairie.example> wrote:\n> Hello", "See you Thursday." },
        // Thunderbird French
        { "D'accord.\n\nLe 30/11/2026 à 08:15, Mairie de Lorval a écrit :\n> Bonjour,\n> texte", "D'accord." },
        // Apple Mail French
        { "Parfait\n\n> Le 30 nov. 2026 à 08:15, Mairie <x@mairie.example> a écrit :\n> \n> Bonjour", "Parfait" },
        // Outlook, French, no quoting: separator line then a header block
        { "Voici le document demandé.\n\nCordialement\nM. Martin\n\n________________________________\nDe : Mairie de Lorval <ne-pas-repondre@mairie.example>\nEnvoyé : lundi 30 novembre 2026 08:15\nÀ : martin@exemple.fr\nObjet : Votre demande n° 2026-0042\n\nMadame, Monsieur,", "Voici le document demandé.\n\nCordialement\nM. Martin" },
        // Outlook, French, header block without separator
        { "Bien reçu.\n\nDe : Mairie <x@mairie.example>\nEnvoyé : lundi 30 novembre 2026 08:15\nÀ : moi@exemple.fr\nObjet : RE: demande\n\nancien texte", "Bien reçu." },
        // Outlook, English, bold markers from the HTML conversion
        { "Thanks.\n\n*From:* Mairie <x@mairie.example>\n*Sent:* Monday, November 30, 2026 8:15 AM\n*To:* me@example.org\n*Subject:* request", "Thanks." },
        // Old Outlook separator
        { "Je confirme.\n\n-----Original Message-----\nFrom: Mairie\nSent: Monday\n\nold", "Je confirme." },
        { "Je confirme.\n\n-----Message d'origine-----\nDe : Mairie\n\nancien", "Je confirme." },
        { "Ok\n-------- Message original --------\nSujet : demande\n", "Ok" },
        // Bottom posting and interleaved replies: the new lines are kept, the quoted ones dropped
        { "Le 30/11/2026 à 08:15, Mairie a écrit :\n> Pouvez-vous venir jeudi ?\n\nOui, à 10 h.\n> Apportez votre justificatif.\nJe l'aurai.", "Oui, à 10 h.\nJe l'aurai." },
        // A citizen's own sentence that looks like an attribution is kept
        { "Mon voisin a écrit :\nil faut réparer le lampadaire.", "Mon voisin a écrit :\nil faut réparer le lampadaire." },
        // A forwarded message is content, not quotation
        { "Pour information.\n\n---------- Forwarded message ---------\nDe : Syndic <s@x.fr>\nDate: lun. 30 nov. 2026\nSubject: Travaux\nTo: <moi@x.fr>\n\nLes travaux…",
          "Pour information.\n\n---------- Forwarded message ---------\nDe : Syndic <s@x.fr>\nDate: lun. 30 nov. 2026\nSubject: Travaux\nTo: <moi@x.fr>\n\nLes travaux…" },
        { "Voir ci-dessous.\n\nDébut du message réexpédié :\n\nDe: Syndic <s@x.fr>\nObjet: Travaux\nDate: 30 novembre 2026\nÀ: moi@x.fr\n\ntexte",
          "Voir ci-dessous.\n\nDébut du message réexpédié :\n\nDe: Syndic <s@x.fr>\nObjet: Travaux\nDate: 30 novembre 2026\nÀ: moi@x.fr\n\ntexte" },
        // Nothing new at all
        { "> tout est cité\n> encore", "" },
        { "", "" },
        // No quotation: the text is unchanged apart from trailing blank lines
        { "Bonjour,\n\n\n\nje voudrais un rendez-vous.\n\n\n", "Bonjour,\n\nje voudrais un rendez-vous." },
        // Signature kept
        { "Merci\n-- \nJean Dupont\n06 12 34 56 78\n\nOn Mon, Nov 30, 2026 Mairie <x@m.fr> wrote:\n> a", "Merci\n--\nJean Dupont\n06 12 34 56 78" },
        // CRLF input
        { "Oui.\r\n\r\nLe lun. 30 nov. 2026, Mairie <x@m.fr> a écrit :\r\n> a\r\n", "Oui." },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_quoted_previous_message_is_stripped_and_the_new_text_kept(string text, string expected) =>
        Assert.Equal(expected, ReplyText.Extract(text));
}

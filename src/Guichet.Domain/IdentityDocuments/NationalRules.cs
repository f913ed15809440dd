using static Guichet.Domain.IdentityDocuments.Condition;
using static Guichet.Domain.IdentityDocuments.Fact;

namespace Guichet.Domain.IdentityDocuments;

/// <summary>
/// Today's national rules for identity cards and passports (service-public.fr, ANTS), as rows. An organisation
/// starts from these and overrides rows (amounts, rows turned off) or adds its own; row ids are stable because
/// overrides refer to them: never renumber, retire a row by removing it.
/// </summary>
public static class NationalRules
{
    private static ChecklistRule Doc(string id, Condition when, string text, string shortText, string? detail = null) =>
        new(id, RuleKind.Document, text, when, shortText, detail);

    private static ChecklistRule Stamp(string id, Condition when, string text, decimal euros) =>
        new(id, RuleKind.Stamp, text, when, Amount: euros);

    private static ChecklistRule Refusal(string id, Condition when, string text) => new(id, RuleKind.Refusal, text, when);

    private static ChecklistRule Faq(string id, string question, string answer) => new(id, RuleKind.Faq, question, Always, Detail: answer);

    public static readonly RuleSet Default = new(
    [
        // What to bring
        Doc("pre-request-adult", If(Adult),
            "Le numéro de pré-demande en ligne (site de l'ANTS), ou à défaut le formulaire papier Cerfa n° 12100*03 rempli, à demander en mairie",
            "Le numéro de votre pré-demande faite sur le site de l'ANTS, ou le formulaire papier rempli."),
        Doc("pre-request-minor", If(Minor),
            "Le numéro de pré-demande en ligne (site de l'ANTS) faite par un parent, ou à défaut le formulaire papier Cerfa n° 12101*03 pour un mineur, à demander en mairie",
            "Le numéro de la pré-demande faite par un parent sur le site de l'ANTS, ou le formulaire papier pour un mineur."),
        Doc("photo", Always,
            "Une photo d'identité de moins de 6 mois, aux normes (35 × 45 mm, tête nue, visage dégagé, fond uni clair), faite chez un photographe ou dans une cabine agréée",
            "Une photo d'identité récente, de moins de six mois, faite chez un photographe ou dans une cabine agréée.",
            "Une seule photo suffit si vous demandez la carte et le passeport en même temps. Une photo découpée dans une autre ou imprimée chez soi est refusée."),
        Doc("address", If(Adult).Unless(Moved),
            "Un justificatif de domicile de moins d'un an, original (facture d'électricité, de gaz, d'eau ou de téléphone, avis d'imposition, quittance de loyer non manuscrite, attestation d'assurance du logement)",
            "Un justificatif de domicile de moins d'un an, par exemple une facture d'électricité ou un avis d'imposition.",
            "Si vous êtes hébergé : l'attestation de la personne qui vous héberge, sa pièce d'identité et son justificatif de domicile."),
        Doc("address-moved", If(Adult, Moved),
            "Un justificatif de domicile de moins d'un an à votre nouvelle adresse",
            "Un justificatif de domicile de moins d'un an à votre nouvelle adresse.",
            "Si vous êtes hébergé : l'attestation de la personne qui vous héberge, sa pièce d'identité et son justificatif de domicile."),
        Doc("address-minor", If(Minor),
            "Un justificatif de domicile de moins d'un an du parent chez qui l'enfant habite",
            "Un justificatif de domicile de moins d'un an du parent chez qui habite l'enfant."),
        Doc("guardian-id", If(Minor),
            "La carte d'identité ou le passeport du parent (ou du tuteur) qui accompagne l'enfant et exerce l'autorité parentale",
            "La pièce d'identité du parent qui accompagne l'enfant.",
            "L'enfant doit être présent lors du dépôt de la demande ; ses empreintes sont prises à partir de 12 ans."),
        Doc("custody-judgment", If(Minor, ParentsSeparated),
            "Le jugement de divorce ou de séparation qui fixe l'autorité parentale et la résidence de l'enfant",
            "Le jugement qui fixe l'autorité parentale et la résidence de l'enfant.",
            "En cas de résidence alternée : un justificatif de domicile et une pièce d'identité de chaque parent."),
        Doc("current-id-card", If(IdCard).AnyOf(Renewal, Damage),
            "Votre carte d'identité actuelle, qui vous sera reprise",
            "Votre carte d'identité actuelle."),
        Doc("current-passport", If(Passport).AnyOf(Renewal, Damage),
            "Votre passeport actuel, qui vous sera repris",
            "Votre passeport actuel."),
        Doc("loss-declaration", If(Loss),
            "La déclaration de perte : elle se fait au guichet de la mairie pendant le rendez-vous, ou en ligne avec la pré-demande",
            "Rien à faire avant pour la perte : la déclaration se fait au guichet ou en ligne avec la pré-demande."),
        Doc("theft-declaration", If(Theft),
            "La déclaration de vol faite au commissariat de police ou à la gendarmerie",
            "La déclaration de vol faite à la police ou à la gendarmerie."),
        Doc("other-id", If(NoRecentTitle).AnyOf(Loss, Theft),
            "Si vous en avez un, un autre document officiel avec photo (permis de conduire, carte Vitale avec photo, carte de séjour ancienne…)",
            "Si vous en avez un, un autre document officiel avec photo, comme le permis de conduire."),
        Doc("birth-certificate", If(NoRecentTitle, BirthRecordOnPaper),
            "Un extrait d'acte de naissance avec filiation, ou une copie intégrale, de moins de 3 mois, car la commune de naissance ne le transmet pas en ligne",
            "Un acte de naissance de moins de trois mois, à demander à la mairie de naissance."),
        Doc("birth-certificate-check", If(NoRecentTitle, BirthRecordUnknown),
            "Un extrait d'acte de naissance avec filiation de moins de 3 mois, seulement si la commune de naissance n'est pas reliée au service COMEDEC (vérifiez sur le site de l'ANTS)",
            "Peut-être un acte de naissance de moins de trois mois : vérifiez sur le site de l'ANTS si la commune de naissance le transmet en ligne."),
        Doc("nationality-proof", If(NoRecentTitle, NationalityToProve),
            "Un justificatif de nationalité française : certificat de nationalité française, décret de naturalisation ou déclaration d'acquisition de la nationalité",
            "Un justificatif de nationalité française, comme un certificat de nationalité ou un décret de naturalisation."),
        Doc("usage-name", If(UsageName),
            "Le justificatif du nom d'usage : acte de mariage de moins de 3 mois, jugement de divorce autorisant à garder le nom, acte de décès du conjoint ; pour un mineur, l'accord écrit des deux parents",
            "Le justificatif du nom d'usage, par exemple l'acte de mariage."),
        Doc("name-change", If(NameChanged),
            "La preuve du changement de nom : décision de changement de nom, ou acte de naissance mis à jour de moins de 3 mois",
            "La preuve du changement de nom."),
        Doc("stamp", If(StampDue),
            "Le timbre fiscal du montant indiqué ci-dessous, électronique (timbres.impots.gouv.fr) ou acheté dans un bureau de tabac agréé",
            "Le timbre fiscal, à acheter en ligne ou dans un bureau de tabac."),

        // Fiscal stamps (euros)
        Stamp("stamp-id-card-loss", If(IdCard).AnyOf(Loss, Theft), "Carte d'identité perdue ou volée", 25m),
        Stamp("stamp-passport-adult", If(Passport, Adult), "Passeport d'un majeur", 86m),
        Stamp("stamp-passport-15-17", If(Passport, Aged15To17), "Passeport d'un mineur de 15 à 17 ans", 42m),
        Stamp("stamp-passport-under-15", If(Passport, Under15), "Passeport d'un enfant de moins de 15 ans", 17m),

        // Why files are refused
        Refusal("refusal-photo", Always, "Photo de plus de 6 mois, abîmée, scannée ou non conforme aux normes (lunettes, sourire, fond chargé)."),
        Refusal("refusal-address", Always, "Justificatif de domicile de plus d'un an, manuscrit, ou au nom d'une autre personne sans attestation d'hébergement."),
        Refusal("refusal-copies", Always, "Photocopies à la place des originaux demandés."),
        Refusal("refusal-pre-request", Always, "Numéro de pré-demande oublié ou pré-demande non terminée : gardez le récapitulatif de l'ANTS."),
        Refusal("refusal-stamp", If(StampDue), "Timbre fiscal absent ou d'un montant insuffisant."),
        Refusal("refusal-current-title", Always.AnyOf(Renewal, Damage), "Titre actuel oublié : il doit être rendu au guichet."),
        Refusal("refusal-birth-certificate", If(NoRecentTitle).AnyOf(BirthRecordOnPaper, BirthRecordUnknown), "Acte de naissance de plus de 3 mois."),
        Refusal("refusal-minor", If(Minor), "Enfant absent, ou parent accompagnant sans pièce d'identité ou sans autorité parentale."),

        // FAQ
        Faq("faq-where", "Dans quelle mairie déposer ma demande ?",
            "Dans n'importe quelle mairie équipée d'une station de recueil des empreintes, pas forcément celle de votre domicile. Le titre est ensuite à retirer dans la mairie du dépôt."),
        Faq("faq-pre-request", "Dois-je faire une pré-demande en ligne ?",
            "Ce n'est pas obligatoire, mais c'est conseillé : sur le site de l'ANTS, la pré-demande vous donne un numéro à 10 caractères. Le rendez-vous est alors plus court."),
        Faq("faq-id-card-free", "La carte d'identité est-elle payante ?",
            "Non, elle est gratuite pour une première demande et pour un renouvellement. Un timbre fiscal de 25 euros est demandé seulement si vous ne pouvez pas présenter l'ancienne carte (perte ou vol)."),
        Faq("faq-stamp", "Où acheter le timbre fiscal ?",
            "En ligne sur timbres.impots.gouv.fr (timbre électronique, à imprimer ou à garder sur le téléphone), dans un bureau de tabac agréé ou à la trésorerie."),
        Faq("faq-minor", "Mon enfant doit-il venir au rendez-vous ?",
            "Oui, l'enfant doit être présent au dépôt, accompagné d'un parent qui exerce l'autorité parentale. À partir de 12 ans, ses empreintes sont prises et il doit aussi venir au retrait."),
        Faq("faq-withdrawal", "Quand et comment retirer mon titre ?",
            "Vous recevez un SMS ou un e-mail quand le titre est arrivé à la mairie du dépôt. Venez le retirer en personne dans les 3 mois ; après, il est détruit."),
        Faq("faq-validity", "Combien de temps mon titre est-il valable ?",
            "La carte d'identité est valable 15 ans pour un majeur et 10 ans pour un mineur ; le passeport 10 ans pour un majeur et 5 ans pour un mineur."),
    ]);
}

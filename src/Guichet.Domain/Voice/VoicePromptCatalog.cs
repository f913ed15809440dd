namespace Guichet.Domain.Voice;

/// <summary>A fixed prompt of the voice server: its id (the sound file's name), what it is for, its words.</summary>
public sealed record CatalogPrompt(string Id, string Purpose, string Text);

/// <summary>
/// Every fixed prompt the dialogue plays, in the order a caller meets them. The one place for their words: the
/// engine names prompts by id, the sound files are made from these texts, and administrators see this list when
/// they replace a prompt with their own recording. Words built for one call (dates, codes, the welcome naming the
/// organisation) are not here: they are spoken by synthesis.
/// </summary>
public static class VoicePromptCatalog
{
    public static readonly IReadOnlyList<CatalogPrompt> All =
    [
        new("not-understood", "Saisie non comprise",
            "Je n'ai pas compris."),
        new("goodbye", "Fin d'appel",
            "Merci de votre appel. Au revoir."),
        new("slot-gone", "Créneau pris entre-temps",
            "Ce créneau vient d'être pris par une autre personne."),
        new("menu", "Menu principal (heures d'ouverture, avec conseiller)",
            "Pour prendre rendez-vous pour une carte d'identité ou un passeport, tapez 1. Pour annuler un rendez-vous, tapez 2. " + "Pour connaître les pièces à apporter, tapez 3. Pour nos horaires et notre adresse, tapez 4. " + "Pour parler à un conseiller, tapez 0. Pour réécouter, tapez étoile."),
        new("menu-message", "Menu principal (sans conseiller : message)",
            "Pour prendre rendez-vous pour une carte d'identité ou un passeport, tapez 1. Pour annuler un rendez-vous, tapez 2. " + "Pour connaître les pièces à apporter, tapez 3. Pour nos horaires et notre adresse, tapez 4. " + "Pour laisser un message, tapez 0. Pour réécouter, tapez étoile."),
        new("too-many-failures", "Trois saisies manquées",
            "Nous n'arrivons pas à nous comprendre."),
        new("book-reason", "Choix du titre (carte, passeport, les deux)",
            "Pour une carte d'identité, tapez 1. Pour un passeport, tapez 2. Pour une carte d'identité et un passeport, tapez 3."),
        new("cancel-code", "Demande du code de rendez-vous",
            "Tapez les huit chiffres du code de votre rendez-vous."),
        new("documents-reason", "Pièces à apporter : choix du titre",
            "Pour une carte d'identité, tapez 1. Pour un passeport, tapez 2."),
        new("phone-invalid", "Numéro de téléphone non valide",
            "Ce numéro n'est pas valide."),
        new("code-invalid", "Code non valide",
            "Ce code n'est pas valide."),
        new("cancel-kept", "Rendez-vous maintenu",
            "Votre rendez-vous est maintenu."),
        new("documents-cni", "Pièces à apporter pour une carte d'identité",
            VoiceEngine.DocumentsIdentityCard),
        new("documents-passport", "Pièces à apporter pour un passeport",
            VoiceEngine.DocumentsPassport),
        new("cancel-phone", "Demande du numéro donné à la réservation",
            "Tapez le numéro de téléphone à dix chiffres donné lors de la prise de rendez-vous."),
        new("after-information", "Après une information",
            "Pour revenir au menu, tapez 1. Pour parler à un conseiller ou laisser un message, tapez 0. Sinon, vous pouvez raccrocher."),
        new("no-slot", "Aucun créneau disponible",
            "Aucun créneau n'est disponible pour le moment."),
        new("no-more-slots", "Plus d'autre créneau",
            "Il n'y a pas d'autre créneau disponible."),
        new("more-slots", "Proposer d'autres créneaux",
            "Pour d'autres créneaux, tapez 9. Pour réécouter, tapez étoile."),
        new("confirm-slot", "Confirmation du créneau choisi",
            "Pour le confirmer, tapez 1. Pour choisir un autre créneau, tapez 2."),
        new("type-phone", "Saisie du numéro où joindre l'usager",
            "Tapez le numéro de téléphone à dix chiffres où vous joindre."),
        new("confirm-phone", "Confirmation du numéro",
            "Pour confirmer le rendez-vous avec ce numéro, tapez 1. Pour indiquer un autre numéro, tapez 2."),
        new("sms-sent", "Annonce du SMS de confirmation",
            "Vous allez recevoir un SMS de confirmation."),
        new("booking-refused", "Réservation impossible par téléphone",
            "Ce rendez-vous n'a pas pu être enregistré par téléphone."),
        new("cancel-confirm", "Confirmation de l'annulation",
            "Pour annuler ce rendez-vous, tapez 1. Pour le garder, tapez 2."),
        new("cancel-not-found-caller", "Rendez-vous introuvable (numéro de l'appelant)",
            "Aucun rendez-vous ne correspond à ce code et au numéro d'où vous appelez."),
        new("cancel-not-found", "Rendez-vous introuvable",
            "Aucun rendez-vous ne correspond à ce code et à ce numéro."),
        new("cancelled", "Rendez-vous annulé",
            "Votre rendez-vous est annulé. Le créneau est proposé à d'autres personnes."),
        new("cancel-too-late", "Annulation trop tardive",
            "Ce rendez-vous ne peut plus être annulé par téléphone."),
        new("transfer", "Mise en relation avec un conseiller",
            "Je vous mets en relation avec un conseiller. Merci de patienter."),
        new("nobody-answered", "Aucun conseiller disponible",
            "Aucun conseiller n'est disponible pour le moment."),
        new("closed", "Mairie fermée",
            "La mairie est fermée en ce moment."),
        new("leave-message", "Invitation à laisser un message",
            "Vous pouvez laisser un message après le bip : dites votre nom, l'objet de votre appel et le numéro où vous rappeler. Tapez dièse pour terminer."),
        new("beep", "Bip avant l'enregistrement",
            "bip"),
        new("no-message", "Aucun message enregistré",
            "Aucun message n'a été enregistré. Au revoir."),
        new("message-thanks", "Message enregistré",
            "Merci, votre message est enregistré. La mairie vous rappellera."),
    ];

    private static readonly Dictionary<string, CatalogPrompt> ById = All.ToDictionary(p => p.Id, StringComparer.Ordinal);

    public static CatalogPrompt? Find(string id) => ById.GetValueOrDefault(id);

    /// <summary>The prompt of this id; an id missing from the catalog is a programming error.</summary>
    public static CatalogPrompt Get(string id) => ById.TryGetValue(id, out var p) ? p : throw new KeyNotFoundException($"No voice prompt '{id}' in the catalog.");
}

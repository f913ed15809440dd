using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Guichet.Browser.Tests.Support.CitizenSteps;
using static Microsoft.Playwright.Assertions;

namespace Guichet.Browser.Tests.Support;

/// <summary>One page of the tour, fully loaded; <see cref="NetworkMark"/> is where its requests begin in the log.</summary>
public sealed record VisitedPage(string Name, IPage Page, int NetworkMark);

/// <summary>
/// Walks through every kind of page a citizen or an agent meets, as they would reach it, including the
/// pages that show validation errors and the 404 page, and hands each one, loaded, to a check.
/// </summary>
public static class SiteTour
{
    public static async Task VisitEveryPageAsync(BrowserSession session, Func<VisitedPage, Task> check, Action<string>? log = null)
    {
        var page = session.Page;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        async Task Visit(string name, Func<Task> step)
        {
            var mark = session.Network.Mark();
            var before = clock.ElapsedMilliseconds;
            await step();
            await page.WaitForLoadStateAsync(LoadState.Load);
            var loaded = clock.ElapsedMilliseconds;
            await check(new VisitedPage(name, page, mark));
            log?.Invoke($"{name}: reached in {loaded - before} ms, checked in {clock.ElapsedMilliseconds - loaded} ms");
        }

        // The citizen: book, look at the appointment again, cancel.
        var citizen = new Citizen("Maëlle", "Le Goff", "maelle.legoff@exemple.fr");
        await Visit("accueil", () => OpenHomeAsync(page));
        await Visit("étape 1 : la demande", () => StartBookingAsync(page));
        await Visit("étape 2 : créneaux libres de toutes les mairies", () => AskForIdCardSlotsAsync(page));
        await Visit("étape 2 : créneaux libres d'une mairie", () => FilterSlotsAsync(page, Lorval, Tomorrow));
        (string SiteId, DateTimeOffset Start) slot = ("", default);
        await Visit("étape 3 : coordonnées", async () => slot = await ChooseFirstSlotAsync(page));
        await Visit("étape 3 : coordonnées envoyées vides (erreurs)", () => SubmitContactFormEmptyAsync(page));
        Booking? booking = null;
        await Visit("confirmation", async () => booking = await ConfirmAsync(page, citizen, slot.SiteId, slot.Start));
        await Visit("rendez-vous ouvert par le lien de gestion", () => OpenManageLinkAsync(page, booking!));
        await Visit("déplacer : créneaux", async () =>
        {
            await page.GetByRole(AriaRole.Link, new() { Name = "Déplacer ce rendez-vous" }).ClickAsync();
            await ExpectHeadingAsync(page, "Déplacer mon rendez-vous");
        });
        await Visit("déplacer : confirmation", async () =>
        {
            await page.Locator("section.day ul.slots li a").First.ClickAsync();
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Confirmer le déplacement" })).ToBeVisibleAsync();
        });
        await Visit("rendez-vous déplacé", async () =>
        {
            await page.GetByRole(AriaRole.Button, new() { Name = "Confirmer le déplacement" }).ClickAsync();
            await ExpectHeadingAsync(page, "Votre rendez-vous est déplacé");
        });
        // The waiting list, as a citizen who found no convenient slot.
        await Visit("liste d'attente : inscription", async () =>
        {
            await page.GotoAsync($"/liste-attente/inscription?reason=CNI&persons=1&site={Lorval}");
            await ExpectHeadingAsync(page, "Être prévenu si un créneau se libère");
        });
        await Visit("liste d'attente : envoyée vide (erreurs)", async () =>
        {
            await page.GetByRole(AriaRole.Button, new() { Name = "M'inscrire sur la liste d'attente" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { NameRegex = new Regex("^Le formulaire contient") })).ToBeVisibleAsync();
        });
        await Visit("liste d'attente : inscrit", async () =>
        {
            await page.Locator("#firstName").FillAsync("Lou");
            await page.Locator("#lastName").FillAsync("Patient");
            await page.Locator("#email").FillAsync("lou.patient@exemple.fr");
            await page.GetByRole(AriaRole.Button, new() { Name = "M'inscrire sur la liste d'attente" }).ClickAsync();
            await ExpectHeadingAsync(page, "Vous êtes inscrit sur la liste d'attente");
        });
        // Cancelled after its move: the tour leaves no appointment behind.
        await Visit("rendez-vous annulé", async () =>
        {
            await OpenManageLinkAsync(page, booking!);
            await CancelAsync(page);
        });
        await Visit("page introuvable (404)", async () =>
        {
            var response = await page.GotoAsync("/cette-page-n-existe-pas");
            Assert.Equal(404, response?.Status);
            await ExpectHeadingAsync(page, "Page introuvable.");
        });

        // The satisfaction survey, from the demo's open link: shown and sent empty only, so the next tour finds it open.
        await Visit("satisfaction : questionnaire", async () =>
        {
            await page.GotoAsync("/avis/demo-questionnaire-lorval");
            await ExpectHeadingAsync(page, "Votre avis sur votre rendez-vous");
        });
        await Visit("satisfaction : envoyé sans note (erreurs)", async () =>
        {
            await page.GetByRole(AriaRole.Button, new() { Name = "Envoyer mon avis" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { NameRegex = new Regex("^Le formulaire contient") })).ToBeVisibleAsync();
        });
        await Visit("satisfaction : merci", async () =>
        {
            await page.GotoAsync("/avis/merci");
            await ExpectHeadingAsync(page, "Merci pour votre avis");
        });
        await Visit("satisfaction : lien inconnu", async () =>
        {
            await page.GotoAsync("/avis/lien-qui-n-existe-pas");
            await ExpectHeadingAsync(page, "Lien inconnu");
        });

        // The documents checklist: questionnaire, missing answers, the list, the FAQ.
        await Visit("pièces à fournir : questionnaire", () => ChecklistSteps.OpenQuestionnaireFromHomeAsync(page));
        await Visit("pièces à fournir : réponses manquantes (erreurs)", () => ChecklistSteps.SubmitIncompleteAsync(page));
        await Visit("pièces à fournir : la liste", () => ChecklistSteps.AnswerAdultPassportRenewalAsync(page));
        await Visit("pièces à fournir : questions fréquentes", () => ChecklistSteps.OpenFaqAsync(page));

        // The agent: sign-in (a wrong password first), agenda, booking on behalf, administration.
        await Visit("connexion", () => AgentSteps.OpenSignInAsync(page));
        await Visit("connexion refusée", async () =>
        {
            await page.Locator("#email").FillAsync(AgentSteps.LorvalAdministrator);
            await page.Locator("#password").FillAsync("pas-le-bon-mot-de-passe");
            await page.GetByRole(AriaRole.Button, new() { Name = "Se connecter" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Adresse e-mail ou mot de passe incorrect.");
        });
        await Visit("agenda du jour", () => AgentSteps.SignInAsync(page, AgentSteps.LorvalAdministrator));
        await Visit("agenda avec un rendez-vous annulé", () => AgentSteps.ShowAgendaAsync(page, booking!.SiteId, booking.Day));
        await Visit("réserver pour un usager", async () =>
        {
            await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "Réserver pour un usager" }).ClickAsync();
            await ExpectHeadingAsync(page, "Réserver pour un usager");
        });
        await Visit("réserver pour un usager : créneaux", async () =>
        {
            await page.Locator("#date").FillAsync(Tomorrow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
            await page.GetByRole(AriaRole.Button, new() { Name = "Voir les créneaux" }).ClickAsync();
            await Expect(page.Locator("ul.slots li a").First).ToBeVisibleAsync();
        });
        await Visit("réserver pour un usager : coordonnées", async () =>
        {
            await page.Locator("ul.slots li a").First.ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { NameRegex = new Regex("^Coordonnées de l'usager") })).ToBeVisibleAsync();
        });
        await Visit("réserver pour un usager : coordonnées envoyées vides (erreurs)", async () =>
        {
            await page.GetByRole(AriaRole.Button, new() { Name = "Réserver", Exact = true }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { NameRegex = new Regex("^Le formulaire contient") })).ToBeVisibleAsync();
        });
        var agentBookedCode = "";
        var agentBookedUrl = "";
        await Visit("rendez-vous réservé par l'agent", async () =>
        {
            await page.Locator("#firstName").FillAsync("Gaston");
            await page.Locator("#lastName").FillAsync("Hérault");
            await page.Locator("#phone").FillAsync("06 12 34 56 78");
            await page.GetByRole(AriaRole.Button, new() { Name = "Réserver", Exact = true }).ClickAsync();
            await ExpectHeadingAsync(page, "Rendez-vous de Gaston Hérault");
            agentBookedCode = (await page.Locator("strong.code").TextContentAsync())?.Trim() ?? "";
            agentBookedUrl = page.Url;
        });
        // The agent's move pages are looked at, not confirmed: the closure below expects the appointment where it is.
        await Visit("déplacer un rendez-vous (agent) : créneaux", async () =>
        {
            await page.GetByRole(AriaRole.Link, new() { Name = "Déplacer ce rendez-vous" }).ClickAsync();
            await ExpectHeadingAsync(page, "Déplacer le rendez-vous de Gaston Hérault");
        });
        await Visit("déplacer un rendez-vous (agent) : confirmation", async () =>
        {
            await page.Locator("section.day ul.slots li a").First.ClickAsync();
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Confirmer le déplacement" })).ToBeVisibleAsync();
        });
        await Visit("agenda avec un rendez-vous réservé", async () =>
        {
            await page.GetByRole(AriaRole.Link, new() { Name = "Revenir au rendez-vous sans le déplacer" }).ClickAsync();
            await ExpectHeadingAsync(page, "Rendez-vous de Gaston Hérault");
            await page.GetByRole(AriaRole.Link, new() { Name = "Voir l'agenda de ce jour" }).ClickAsync();
            await Expect(page.Locator("table.agenda tbody tr").Filter(new() { HasText = agentBookedCode })).ToContainTextAsync("HÉRAULT Gaston");
        });
        await Visit("semaine d'un lieu", async () =>
        {
            await page.GetByRole(AriaRole.Link, new() { Name = "Semaine", Exact = true }).ClickAsync();
            await Expect(page.Locator(".week li").Filter(new() { HasText = "HÉRAULT Gaston" })).ToBeVisibleAsync();
        });
        await Visit("feuille du jour à imprimer", async () =>
        {
            await page.GoBackAsync();   // the agenda of the booking's day
            await page.GetByRole(AriaRole.Link, new() { Name = "Feuille du jour à imprimer" }).ClickAsync();
            await Expect(page.Locator(".sheet")).ToContainTextAsync("HÉRAULT Gaston");
        });
        await Visit("abonnements d'agenda", async () =>
        {
            await page.GetByRole(AriaRole.Link, new() { Name = "Retour à l'agenda" }).ClickAsync();
            await page.GetByRole(AriaRole.Link, new() { Name = "Abonnements d'agenda" }).ClickAsync();
            await ExpectHeadingAsync(page, "Abonnements d'agenda");
        });
        await Visit("liste d'attente d'un lieu", async () =>
        {
            await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "Liste d'attente" }).ClickAsync();
            await ExpectHeadingAsync(page, "Liste d'attente — Hôtel de ville de Lorval");
            await Expect(page.Locator("table tbody tr").Filter(new() { HasText = "PATIENT Lou" })).ToBeVisibleAsync();
        });
        // Gaston's appointment is still to come: the deposit is refused, the page says why.
        await Visit("dépôt du dossier : refusé avant le rendez-vous (erreur)", async () =>
        {
            await page.GotoAsync(agentBookedUrl);
            await page.GetByRole(AriaRole.Button, new() { Name = "Enregistrer le dépôt du dossier" }).ClickAsync();
            await ExpectHeadingAsync(page, "Dépôt du dossier de Gaston Hérault");
            await Expect(page.GetByRole(AriaRole.Alert)).ToBeVisibleAsync();
        });
        await Visit("agents de la collectivité", async () =>
        {
            await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "Agents", Exact = true }).ClickAsync();
            await ExpectHeadingAsync(page, "Agents de Mairie de Lorval");
        });
        await Visit("agents : création envoyée vide (erreurs)", async () =>
        {
            await page.GetByRole(AriaRole.Button, new() { Name = "Créer le compte" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { NameRegex = new Regex("^Le formulaire contient") })).ToBeVisibleAsync();
        });
        await Visit("réglages des pièces à fournir", () => ChecklistSteps.OpenSettingsAsync(page, "Mairie de Lorval"));
        await Visit("fermetures et absences", async () =>
        {
            await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "Fermetures", Exact = true }).ClickAsync();
            await ExpectHeadingAsync(page, "Fermetures et absences — Mairie de Lorval");
        });
        await Visit("fermetures : envoyée vide (erreurs)", async () =>
        {
            await page.GetByRole(AriaRole.Button, new() { Name = "Enregistrer la fermeture" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { NameRegex = new Regex("^Le formulaire contient") })).ToBeVisibleAsync();
        });
        await Visit("fermeture enregistrée, avec le rendez-vous qu'elle touche", async () =>
        {
            var day = Tomorrow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            await page.Locator("#startDate").FillAsync(day);
            // Two weeks: the agent's booking above is on the first free day from tomorrow on.
            await page.Locator("#endDate").FillAsync(Tomorrow.AddDays(14).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
            await page.Locator("#reason").FillAsync("Formation des agents");
            await page.GetByRole(AriaRole.Button, new() { Name = "Enregistrer la fermeture" }).ClickAsync();
            await ExpectHeadingAsync(page, "Fermeture : Formation des agents");
            await Expect(page.Locator("table tbody tr").Filter(new() { HasText = agentBookedCode })).ToContainTextAsync("HÉRAULT Gaston");
        });
        // Removed again, so the next tour on the same app finds free slots.
        await Visit("fermeture supprimée", async () =>
        {
            await page.GetByRole(AriaRole.Button, new() { Name = "Supprimer cette fermeture" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("La fermeture est supprimée");
        });
        await Visit("horaires d'ouverture d'un poste", async () =>
        {
            await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "Horaires", Exact = true }).ClickAsync();
            await ExpectHeadingAsync(page, "Horaires d'ouverture : Poste 1 (rez-de-chaussée)");
        });
        await Visit("horaires : aperçu d'une nouvelle plage", async () =>
        {
            await page.Locator("#recurrence").SelectOptionAsync("MonthlyNth");
            await page.Locator("#day").SelectOptionAsync("6");
            await page.Locator("#start").FillAsync("13:30");
            await page.Locator("#end").FillAsync("16:00");
            await page.Locator("#validFrom").FillAsync(Tomorrow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
            await page.Locator("#reason-CNI").CheckAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Voir l'aperçu" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Aperçu avec la nouvelle plage (pas encore enregistrée)", Level = 2 })).ToBeVisibleAsync();
        });
        await Visit("réglages ANTS", async () =>
        {
            await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "Réglages ANTS" }).ClickAsync();
            await ExpectHeadingAsync(page, "Réglages ANTS — Mairie de Lorval");
        });
        await Visit("messages envoyés aux usagers", async () =>
        {
            await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "Messages", Exact = true }).ClickAsync();
            await ExpectHeadingAsync(page, "Messages aux usagers de Mairie de Lorval");
        });
        await Visit("messages : période invalide (erreurs)", async () =>
        {
            await page.GotoAsync("/supervision/messages?from=hier&to=demain");
            await Expect(page.GetByRole(AriaRole.Heading, new() { NameRegex = new Regex("^Le formulaire contient") })).ToBeVisibleAsync();
        });
        await Visit("appels au serveur vocal", async () =>
        {
            await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "Appels", Exact = true }).ClickAsync();
            await ExpectHeadingAsync(page, "Appels au serveur vocal de Mairie de Lorval");
        });
        await Visit("indicateurs de qualité", async () =>
        {
            await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "Qualité", Exact = true }).ClickAsync();
            await ExpectHeadingAsync(page, "Indicateurs de qualité — Mairie de Lorval");
        });
        await Visit("indicateurs de qualité : période invalide (erreurs)", async () =>
        {
            await page.GotoAsync("/agent/qualite?du=2026-11-30&au=2026-11-01");
            await Expect(page.GetByRole(AriaRole.Heading, new() { NameRegex = new Regex("^Le formulaire contient") })).ToBeVisibleAsync();
        });
        await Visit("transparence : les collectivités", async () =>
        {
            await page.GetByRole(AriaRole.Link, new() { Name = "Nos délais et résultats", Exact = true }).ClickAsync();
            await ExpectHeadingAsync(page, "Transparence : nos délais et résultats");
        });
        await Visit("transparence : une collectivité", async () =>
        {
            await page.GetByRole(AriaRole.Main).GetByRole(AriaRole.Link, new() { Name = "Mairie de Lorval", Exact = true }).ClickAsync();
            await ExpectHeadingAsync(page, "Nos délais et résultats — Mairie de Lorval");
        });
        await Visit("annonces du serveur vocal", async () =>
        {
            await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "Annonces vocales", Exact = true }).ClickAsync();
            await ExpectHeadingAsync(page, "Annonces du serveur vocal");
        });
        await Visit("une annonce : fichier manquant (erreurs)", async () =>
        {
            await page.GetByRole(AriaRole.Link, new() { Name = "Menu principal (sans conseiller : message)" }).ClickAsync();
            await ExpectHeadingAsync(page, "Annonce : Menu principal (sans conseiller : message)");
            await page.GetByRole(AriaRole.Button, new() { Name = "Enregistrer" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { NameRegex = new Regex("^Le formulaire contient") })).ToBeVisibleAsync();
        });
        await Visit("rappels des rendez-vous", async () =>
        {
            await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "Rappels", Exact = true }).ClickAsync();
            await ExpectHeadingAsync(page, "Rappels des rendez-vous de Mairie de Lorval");
        });
        await Visit("rappels : délai refusé (erreurs)", async () =>
        {
            await page.Locator("#reminderHours").FillAsync("500");
            await page.GetByRole(AriaRole.Button, new() { Name = "Enregistrer" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { NameRegex = new Regex("^Le formulaire contient") })).ToBeVisibleAsync();
        });
        await Visit("satisfaction : résultats", async () =>
        {
            await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "Satisfaction", Exact = true }).ClickAsync();
            await ExpectHeadingAsync(page, "Satisfaction des usagers de Mairie de Lorval");
        });
        await Visit("satisfaction : réglages", async () =>
        {
            await page.GotoAsync("/admin/satisfaction");
            await ExpectHeadingAsync(page, "Questionnaire de satisfaction de Mairie de Lorval");
        });
        // Message templates: only previews and a refused save, so nothing is stored and the next tour finds the defaults.
        await Visit("modèles des messages", async () =>
        {
            await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "Modèles des messages" }).ClickAsync();
            await ExpectHeadingAsync(page, "Modèles des messages de Mairie de Lorval");
        });
        await Visit("modèle d'un SMS : aperçu, encodage et segments", async () =>
        {
            await page.GetByRole(AriaRole.Link, new() { Name = "Modifier le modèle « Confirmation par SMS »" }).ClickAsync();
            await page.Locator("#body").FillAsync("RDV d’identité le {date} à {heure}, code {code} : {lien}");
            await page.GetByRole(AriaRole.Button, new() { Name = "Voir l'aperçu" }).ClickAsync();
            await Expect(page.Locator("#sms-analysis")).ToBeVisibleAsync();
        });
        await Visit("modèle d'un e-mail : champ inconnu (erreurs)", async () =>
        {
            await page.GotoAsync("/admin/messages/modeles/confirmation-email");
            await page.Locator("#body").FillAsync("Bonjour {inconnu}");
            await page.GetByRole(AriaRole.Button, new() { Name = "Enregistrer" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { NameRegex = new Regex("^Le formulaire contient") })).ToBeVisibleAsync();
        });
        await Visit("règles des motifs", async () =>
        {
            await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "Motifs", Exact = true }).ClickAsync();
            await ExpectHeadingAsync(page, "Règles des motifs de Mairie de Lorval");
        });
        await Visit("règles des motifs : délai refusé (erreurs)", async () =>
        {
            // Refused, so nothing is saved: the next tour finds the same rules.
            await page.Locator("#latest").FillAsync("0");
            await page.GetByRole(AriaRole.Button, new() { Name = "Enregistrer" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { NameRegex = new Regex("^Le formulaire contient") })).ToBeVisibleAsync();
        });

        // Citizen requests: the categories, a form (empty first), the acknowledgement, tracking; then the agents' side.
        var errorsHeading = new Regex("^Le formulaire contient");
        await Visit("demandes : catégories", async () =>
        {
            await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "Faire une demande" }).ClickAsync();
            await ExpectHeadingAsync(page, "Faire une demande à la mairie");
        });
        await Visit("demande : formulaire d'une catégorie", async () =>
        {
            await page.GetByRole(AriaRole.Link, new() { Name = "Voirie : chaussée, trottoir, éclairage" }).ClickAsync();
            await ExpectHeadingAsync(page, "Voirie : chaussée, trottoir, éclairage");
        });
        await Visit("demande : envoyée vide (erreurs)", async () =>
        {
            await page.GetByRole(AriaRole.Button, new() { Name = "Envoyer la demande" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { NameRegex = errorsHeading })).ToBeVisibleAsync();
        });
        var trackingCode = "";
        await Visit("demande enregistrée : accusé de réception", async () =>
        {
            await page.Locator("#champ1").SelectOptionAsync("Nid-de-poule");
            await page.Locator("#locationAddress").FillAsync("Devant le 12 rue des Tanneurs");
            await page.Locator("#text").FillAsync("Un trou profond sur la chaussée.");
            await page.Locator("#lastName").FillAsync("Le Goff");
            await page.Locator("#email").FillAsync("maelle.legoff@exemple.fr");
            await page.Locator("#consent").CheckAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Envoyer la demande" }).ClickAsync();
            await ExpectHeadingAsync(page, "Votre demande est enregistrée");
            trackingCode = (await page.Locator("strong.code").TextContentAsync())?.Trim() ?? "";
        });
        await Visit("suivi : formulaire", async () =>
        {
            await page.GotoAsync("/suivi");
            await ExpectHeadingAsync(page, "Suivre une demande");
        });
        await Visit("suivi : code ou nom inconnus (erreurs)", async () =>
        {
            await page.Locator("#code").FillAsync(trackingCode);
            await page.Locator("#lastName").FillAsync("Personne");
            await page.GetByRole(AriaRole.Button, new() { Name = "Voir la demande" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { NameRegex = errorsHeading })).ToBeVisibleAsync();
        });
        await Visit("suivi : la demande et son historique", async () =>
        {
            await page.Locator("#code").FillAsync(trackingCode.ToLowerInvariant());
            await page.Locator("#lastName").FillAsync("le goff");
            await page.GetByRole(AriaRole.Button, new() { Name = "Voir la demande" }).ClickAsync();
            await ExpectHeadingAsync(page, $"Votre demande {trackingCode}");
        });
        await Visit("demandes des usagers (agents)", async () =>
        {
            await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "Demandes des usagers" }).ClickAsync();
            await ExpectHeadingAsync(page, "Demandes des usagers — Mairie de Lorval");
        });
        await Visit("demande ouverte par un agent", async () =>
        {
            await page.GetByRole(AriaRole.Link, new() { Name = trackingCode, Exact = true }).ClickAsync();
            await ExpectHeadingAsync(page, $"Demande {trackingCode} — Voirie : chaussée, trottoir, éclairage");
        });
        await Visit("demande : changement d'état refusé (erreurs)", async () =>
        {
            await page.Locator("#status").SelectOptionAsync("Closed");
            await page.GetByRole(AriaRole.Button, new() { Name = "Changer l'état" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { NameRegex = errorsHeading })).ToBeVisibleAsync();
        });
        await Visit("enregistrer une demande reçue hors du site", async () =>
        {
            await page.GotoAsync("/agent/demandes");
            await page.GetByRole(AriaRole.Link, new() { NameRegex = new Regex("^Enregistrer une demande reçue") }).ClickAsync();
            await ExpectHeadingAsync(page, "Enregistrer une demande");
        });
        // Settings: looked at and refused, never saved, so the next tour finds the demo ones.
        await Visit("services des demandes", async () =>
        {
            await page.GotoAsync("/admin/demandes/services");
            await ExpectHeadingAsync(page, "Services qui traitent les demandes — Mairie de Lorval");
        });
        await Visit("services : envoyé vide (erreurs)", async () =>
        {
            await page.GetByRole(AriaRole.Button, new() { Name = "Enregistrer" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { NameRegex = errorsHeading })).ToBeVisibleAsync();
        });
        await Visit("catégories de demandes", async () =>
        {
            await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "Catégories de demandes" }).ClickAsync();
            await ExpectHeadingAsync(page, "Catégories de demandes — Mairie de Lorval");
        });
        await Visit("catégories : question refusée (erreurs)", async () =>
        {
            await page.GotoAsync("/admin/demandes/categories?categorie=lorval-voirie");
            await page.Locator("#fields").FillAsync("menu ; Couleur");
            await page.GetByRole(AriaRole.Button, new() { Name = "Enregistrer" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { NameRegex = errorsHeading })).ToBeVisibleAsync();
        });
        await Visit("réponses à viser et à signer", async () =>
        {
            await page.GotoAsync("/agent/demandes/parapheur");
            await ExpectHeadingAsync(page, "Réponses à viser et à signer");
        });
        await Visit("traitement des demandes (circuit, alertes, réponses types)", async () =>
        {
            await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "Traitement des demandes" }).ClickAsync();
            await ExpectHeadingAsync(page, "Traitement des demandes — Mairie de Lorval");
        });
        await Visit("traitement : réponse type vide refusée (erreurs)", async () =>
        {
            await page.GetByRole(AriaRole.Button, new() { Name = "Ajouter", Exact = true }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { NameRegex = errorsHeading })).ToBeVisibleAsync();
        });
        await Visit("canaux de réception des demandes", async () =>
        {
            await page.GotoAsync("/admin/demandes/canaux");
            await ExpectHeadingAsync(page, "Demandes reçues par courriel, SMS et messagerie vocale — Mairie de Lorval");
        });
        await Visit("canaux : adresse refusée (erreurs)", async () =>
        {
            await page.Locator("#inboundEmail").FillAsync("demandes+x@lorval.demo");
            await page.GetByRole(AriaRole.Button, new() { Name = "Enregistrer" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { NameRegex = errorsHeading })).ToBeVisibleAsync();
        });
        // Issue 6, the citizen's side: the map, a citizen's data (looked up, never erased), the personal space.
        await Visit("carte des demandes", async () =>
        {
            await page.GotoAsync("/agent/demandes");
            await page.GetByRole(AriaRole.Link, new() { Name = "Voir les demandes sur une carte" }).ClickAsync();
            await ExpectHeadingAsync(page, "Carte des demandes — Mairie de Lorval");
        });
        await Visit("données d'un usager", async () =>
        {
            await page.GotoAsync("/admin/demandes/donnees");
            await ExpectHeadingAsync(page, "Données d'un usager — Mairie de Lorval");
        });
        await Visit("données d'un usager : demandes trouvées", async () =>
        {
            await page.Locator("#email").FillAsync("maelle.legoff@exemple.fr");
            await page.GetByRole(AriaRole.Button, new() { Name = "Chercher ses demandes" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Une demande avec cette adresse" })).ToBeVisibleAsync();
        });
        await Visit("mon espace : demander le lien", async () =>
        {
            await page.GotoAsync("/suivi");
            await page.GetByRole(AriaRole.Link, new() { Name = "Recevoir par courriel le lien de mon espace" }).ClickAsync();
            await ExpectHeadingAsync(page, "Mon espace : toutes mes demandes");
        });
        await Visit("mon espace : lien envoyé", async () =>
        {
            await page.Locator("#email").FillAsync("maelle.legoff@exemple.fr");
            await page.GetByRole(AriaRole.Button, new() { Name = "Recevoir par courriel le lien de mon espace" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("un courriel vient de partir");
        });
        await Visit("mon espace : lien expiré", async () =>
        {
            var response = await page.GotoAsync("/mon-espace/lien-inconnu-ou-expire");
            Assert.Equal(404, response?.Status);
            await ExpectHeadingAsync(page, "Ce lien ne fonctionne plus");
        });
    }
}

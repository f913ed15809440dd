using Guichet.Domain.Requests;
using Guichet.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Requests;

/// <summary>The demo territory's services and request categories (called from DemoTerritory). Idempotent, by id.</summary>
public static class RequestsDemo
{
    public static async Task EnsureAsync(GuichetDb db, CancellationToken ct)
    {
        Unit U(string org, string id, string name, string address, string postal, string city, string phone, string email) =>
            new() { Id = id, OrganisationId = org, Name = name, Address = address, PostalCode = postal, City = city, Phone = phone, Email = email };
        Unit[] units =
        [
            U("mairie-lorval", "lorval-voirie", "Service voirie et espaces publics", "2 place de la République", "53120", "Lorval", "02 43 98 12 20", "voirie@lorval.demo"),
            U("mairie-lorval", "lorval-etat-civil", "Service état civil", "2 place de la République", "53120", "Lorval", "02 43 98 12 00", "etat-civil@lorval.demo"),
            U("mairie-lorval", "lorval-proprete", "Service propreté urbaine", "8 rue des Tanneurs", "53120", "Lorval", "02 43 98 12 40", "proprete@lorval.demo"),
            U("mairie-saint-aubin", "saint-aubin-technique", "Services techniques", "14 rue du Général-de-Gaulle", "53140", "Saint-Aubin-sur-Lorne", "02 43 98 40 15", "technique@saint-aubin.demo"),
            U("mairie-saint-aubin", "saint-aubin-accueil", "Accueil et état civil", "14 rue du Général-de-Gaulle", "53140", "Saint-Aubin-sur-Lorne", "02 43 98 40 10", "accueil@saint-aubin.demo"),
            U("mairie-montclair", "montclair-secretariat", "Secrétariat de mairie", "1 rue de l'Église", "53300", "Montclair-en-Bocage", "02 43 98 71 30", "secretariat@montclair.demo"),
        ];
        Category C(string org, string id, string name, string unit, int order, string fields, string? description = null, RequestPriority priority = RequestPriority.Normal)
        {
            var c = new Category { Id = id, OrganisationId = org, Name = name, UnitId = unit, SortOrder = order, Description = description, Priority = priority };
            c.Fields = RequestForm.Parse(fields).Fields;
            return c;
        }
        Category[] categories =
        [
            C("mairie-lorval", "lorval-voirie", "Voirie : chaussée, trottoir, éclairage", "lorval-voirie", 1,
                "choix ; Type de problème ; obligatoire ; Nid-de-poule | Trottoir abîmé | Éclairage public en panne | Panneau ou marquage | Autre\nlieu ; Où est-ce ? ; obligatoire\npièce jointe ; Photo ; facultatif",
                "Signalez un problème sur une voie communale : trou, trottoir, lampadaire, panneau.", RequestPriority.High),
            C("mairie-lorval", "lorval-proprete", "Propreté : dépôt sauvage, tags, poubelles", "lorval-proprete", 2,
                "choix ; Type ; obligatoire ; Dépôt sauvage | Tag ou affichage | Corbeille pleine | Autre\nlieu ; Où est-ce ? ; obligatoire\npièce jointe ; Photo ; facultatif\ndate ; Date constatée ; facultatif"),
            C("mairie-lorval", "lorval-etat-civil", "État civil : copie ou extrait d'acte", "lorval-etat-civil", 3,
                "choix ; Acte demandé ; obligatoire ; Naissance | Mariage | Décès\nchoix ; Forme ; obligatoire ; Copie intégrale | Extrait avec filiation | Extrait sans filiation\ndate ; Date de l'événement ; obligatoire\ntexte ; Nom et prénoms de la personne concernée ; obligatoire",
                "Demandez une copie ou un extrait d'un acte dressé à Lorval."),
            C("mairie-lorval", "lorval-autre", "Autre question à la mairie", "lorval-etat-civil", 4, ""),
            C("mairie-saint-aubin", "saint-aubin-voirie", "Voirie et espaces verts", "saint-aubin-technique", 1,
                "choix ; Type de problème ; obligatoire ; Chaussée | Éclairage | Espaces verts | Autre\nlieu ; Où est-ce ? ; facultatif\npièce jointe ; Photo ; facultatif"),
            C("mairie-saint-aubin", "saint-aubin-etat-civil", "État civil", "saint-aubin-accueil", 2,
                "choix ; Acte demandé ; obligatoire ; Naissance | Mariage | Décès\ndate ; Date de l'événement ; facultatif"),
            C("mairie-montclair", "montclair-question", "Question à la mairie", "montclair-secretariat", 1, ""),
        ];
        await AddMissingAsync(db, units, u => u.Id, ct);
        await AddMissingAsync(db, categories, c => c.Id, ct);
    }

    private static async Task AddMissingAsync<T>(GuichetDb db, T[] rows, Func<T, string> key, CancellationToken ct) where T : class
    {
        var present = (await db.Set<T>().AsNoTracking().ToListAsync(ct)).Select(key).ToHashSet();
        var missing = rows.Where(r => !present.Contains(key(r))).ToList();
        if (missing.Count == 0) return;
        db.Set<T>().AddRange(missing);
        await db.SaveChangesAsync(ct);
    }
}

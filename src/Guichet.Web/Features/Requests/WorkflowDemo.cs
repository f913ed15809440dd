using Guichet.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Requests;

/// <summary>The demo territory's canned answers (called from DemoTerritory). Idempotent, by id. No approval circuit is
/// switched on: the demo's replies leave at once, an administrator turns the circuit on at /admin/demandes/traitement.</summary>
public static class WorkflowDemo
{
    public static async Task EnsureAsync(GuichetDb db, CancellationToken ct)
    {
        CannedAnswer[] answers =
        [
            new() { Id = "lorval-reponse-intervention", OrganisationId = "mairie-lorval", CategoryId = "lorval-voirie", Title = "Intervention programmée",
                Text = "Bonjour {nom},\n\nMerci pour votre signalement (demande {code}). Une équipe du service voirie interviendra avant le {échéance}.",
                CreatedUtc = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc) },
            new() { Id = "lorval-reponse-acte", OrganisationId = "mairie-lorval", CategoryId = null, Title = "Document prêt au guichet",
                Text = "Bonjour {nom},\n\nLe document demandé (demande {code}) est prêt : vous pouvez le retirer à l'accueil de la mairie, muni d'une pièce d'identité.",
                CreatedUtc = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc) },
        ];
        var present = await db.Set<CannedAnswer>().AsNoTracking().Select(a => a.Id).ToListAsync(ct);
        var missing = answers.Where(a => !present.Contains(a.Id)).ToList();
        if (missing.Count == 0) return;
        db.AddRange(missing);
        await db.SaveChangesAsync(ct);
    }
}

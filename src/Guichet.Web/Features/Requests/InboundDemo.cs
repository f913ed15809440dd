using Guichet.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Requests;

/// <summary>
/// The demo's e-mail, SMS and voice doors (called from DemoTerritory after RequestsDemo). Lorval takes all three:
/// demandes@lorval.demo files into "Autre question à la mairie", so do SMS, and voice messages go to "Message
/// téléphonique". Saint-Aubin takes e-mail only. Montclair has no door: its SMS keep getting the help text.
/// </summary>
public static class InboundDemo
{
    public static async Task EnsureAsync(GuichetDb db, CancellationToken ct)
    {
        if (!await db.Set<Category>().AnyAsync(c => c.Id == "lorval-message-telephonique", ct))
            db.Add(new Category
            {
                Id = "lorval-message-telephonique", OrganisationId = "mairie-lorval", Name = "Message téléphonique", UnitId = "lorval-etat-civil",
                SortOrder = 5, Description = "Messages laissés sur le serveur vocal : écoutez-les et rappelez l'usager.",
            });
        RequestIntakeSettings[] settings =
        [
            new() { OrganisationId = "mairie-lorval", InboundEmail = "demandes@lorval.demo", EmailCategoryId = "lorval-autre", SmsCategoryId = "lorval-autre", VoiceCategoryId = "lorval-message-telephonique" },
            new() { OrganisationId = "mairie-saint-aubin", InboundEmail = "demandes@saint-aubin.demo", EmailCategoryId = "saint-aubin-etat-civil" },
        ];
        var present = await db.Set<RequestIntakeSettings>().AsNoTracking().Select(s => s.OrganisationId).ToListAsync(ct);
        db.AddRange(settings.Where(s => !present.Contains(s.OrganisationId)));
        await db.SaveChangesAsync(ct);
    }
}

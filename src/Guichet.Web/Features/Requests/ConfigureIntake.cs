using Guichet.Domain.Scheduling;
using Guichet.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Requests;

public sealed record IntakeInput(string? InboundEmail, string? EmailCategoryId, string? SmsCategoryId, string? VoiceCategoryId);

/// <summary>An administrator's doors into requests (RequestIntakeSettings): own organisation only, own categories only.</summary>
public sealed class ConfigureIntake(GuichetDb db)
{
    public Task<RequestIntakeSettings?> FindAsync(Agent admin, CancellationToken ct) =>
        db.Set<RequestIntakeSettings>().AsNoTracking().FirstOrDefaultAsync(s => s.OrganisationId == admin.OrganisationId, ct);

    public async Task<ConfigureResult> SaveAsync(Agent admin, IntakeInput input, CancellationToken ct)
    {
        var errors = new List<FieldError>();
        var email = input.InboundEmail?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(email)) email = null;
        else if (email.Length > 254 || !System.Net.Mail.MailAddress.TryCreate(email, out var parsed) || parsed.Address != email || email.Any(char.IsWhiteSpace))
            errors.Add(new("inboundEmail", "Cette adresse électronique n'est pas valide (exemple : demandes@mairie.fr)."));
        else if (email[..email.IndexOf('@')].Contains('+'))
            errors.Add(new("inboundEmail", "Donnez l'adresse sans « + » : les réponses arrivent sur adresse+code, que Guichet ajoute lui-même."));
        var own = await db.Set<Category>().AsNoTracking().Where(c => c.OrganisationId == admin.OrganisationId && c.Active).Select(c => c.Id).ToListAsync(ct);
        string? Category(string? id, string field)
        {
            if (string.IsNullOrEmpty(id)) return null;
            if (own.Contains(id)) return id;
            errors.Add(new(field, "Choisissez une catégorie active de la liste, ou « aucune »."));
            return null;
        }
        var emailCategory = Category(input.EmailCategoryId, "emailCategoryId");
        var smsCategory = Category(input.SmsCategoryId, "smsCategoryId");
        var voiceCategory = Category(input.VoiceCategoryId, "voiceCategoryId");
        if (emailCategory is not null && email is null && errors.Count == 0)
            errors.Add(new("inboundEmail", "Donnez l'adresse de réception : sans elle, aucun courriel n'arrive dans cette catégorie."));
        if (errors.Count > 0) return new ConfigureResult.Refused(errors);

        var settings = await db.Set<RequestIntakeSettings>().FirstOrDefaultAsync(s => s.OrganisationId == admin.OrganisationId, ct);
        if (settings is null) db.Add(settings = new RequestIntakeSettings { OrganisationId = admin.OrganisationId });
        (settings.InboundEmail, settings.EmailCategoryId, settings.SmsCategoryId, settings.VoiceCategoryId) = (email, emailCategory, smsCategory, voiceCategory);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            db.ChangeTracker.Clear();
            return new ConfigureResult.Refused([new("inboundEmail", "Cette adresse reçoit déjà les demandes d'une autre collectivité : choisissez-en une autre.")]);
        }
        return new ConfigureResult.Saved(settings.OrganisationId);
    }
}

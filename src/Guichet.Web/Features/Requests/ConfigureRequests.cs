using System.Globalization;
using System.Text;
using Guichet.Domain.Contacts;
using Guichet.Domain.Requests;
using Guichet.Domain.Scheduling;
using Guichet.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Requests;

public sealed record UnitInput(string? Name, string? Address, string? PostalCode, string? City, string? Phone, string? Email, bool Active);

public sealed record CategoryInput(string? Name, string? Description, string? UnitId, string? Priority, string? WebDays, string? EmailDays,
    string? PostDays, string? OtherDays, string? Fields, string? SortOrder, bool Active,
    string? SilenceRule = null, string? SilenceMonths = null, string? RetentionMonths = null, string? Sectors = null);

public abstract record ConfigureResult
{
    public sealed record Saved(string Id) : ConfigureResult;
    public sealed record Refused(IReadOnlyList<FieldError> Errors) : ConfigureResult;
    public sealed record NotFound : ConfigureResult;
}

/// <summary>An administrator's units and categories, always inside their own organisation.</summary>
public sealed class ConfigureRequests(GuichetDb db)
{
    public async Task<ConfigureResult> SaveUnitAsync(Agent admin, string? id, UnitInput input, CancellationToken ct)
    {
        Unit? unit = null;
        if (id is not null && (unit = await db.Set<Unit>().FirstOrDefaultAsync(u => u.Id == id && u.OrganisationId == admin.OrganisationId, ct)) is null)
            return new ConfigureResult.NotFound();
        var errors = new List<FieldError>();
        // Every item is printed on the acknowledgement, which the law wants complete (CRPA R112-5).
        string Need(string? v, string field, string message, int max = 200)
        {
            var t = v?.Trim() ?? "";
            if (t.Length == 0) errors.Add(new(field, message));
            else if (t.Length > max) errors.Add(new(field, $"Ce champ dépasse {max} caractères."));
            return t;
        }
        var name = Need(input.Name, "name", "Donnez le nom du service.");
        var address = Need(input.Address, "address", "Donnez l'adresse postale du service (numéro et voie).");
        var postal = Need(input.PostalCode, "postalCode", "Donnez le code postal du service.", 10);
        var city = Need(input.City, "city", "Donnez la commune du service.");
        var phone = Need(input.Phone, "phone", "Donnez le téléphone du service : il figure sur chaque accusé de réception.", 30);
        var email = Need(input.Email, "email", "Donnez l'adresse électronique du service.", 254);
        if (postal.Length > 0 && (postal.Length != 5 || !postal.All(char.IsAsciiDigit))) errors.Add(new("postalCode", "Le code postal a cinq chiffres."));
        if (phone.Length > 0 && FrenchPhone.Parse(phone) is null) errors.Add(new("phone", "Ce numéro de téléphone n'est pas valide (exemple : 02 43 98 12 00)."));
        if (email.Length > 0 && (email.IndexOf('@') <= 0 || email.Contains(' '))) errors.Add(new("email", "Cette adresse électronique n'est pas valide."));
        if (errors.Count > 0) return new ConfigureResult.Refused(errors);
        if (unit is null)
        {
            unit = new Unit { Id = await FreeIdAsync(db.Set<Unit>().Select(u => u.Id), admin.OrganisationId, name, ct), OrganisationId = admin.OrganisationId,
                Name = name, Address = address, PostalCode = postal, City = city, Phone = phone, Email = email };
            db.Add(unit);
        }
        (unit.Name, unit.Address, unit.PostalCode, unit.City, unit.Phone, unit.Email, unit.Active) = (name, address, postal, city, phone, email, input.Active);
        await db.SaveChangesAsync(ct);
        return new ConfigureResult.Saved(unit.Id);
    }

    public async Task<ConfigureResult> SaveCategoryAsync(Agent admin, string? id, CategoryInput input, CancellationToken ct)
    {
        Category? category = null;
        if (id is not null && (category = await db.Set<Category>().FirstOrDefaultAsync(c => c.Id == id && c.OrganisationId == admin.OrganisationId, ct)) is null)
            return new ConfigureResult.NotFound();
        var errors = new List<FieldError>();
        var name = input.Name?.Trim() ?? "";
        if (name.Length is 0 or > 200) errors.Add(new("name", "Donnez le nom de la catégorie (200 caractères au plus)."));
        var description = string.IsNullOrWhiteSpace(input.Description) ? null : input.Description.Trim();
        if (description is { Length: > Category.MaxDescriptionLength }) errors.Add(new("description", $"La description dépasse {Category.MaxDescriptionLength} caractères."));
        if (!await db.Set<Unit>().AnyAsync(u => u.Id == input.UnitId && u.OrganisationId == admin.OrganisationId, ct))
            errors.Add(new("unitId", "Choisissez le service qui traite ces demandes."));
        if (!Enum.TryParse<RequestPriority>(input.Priority, out var priority) || !Enum.IsDefined(priority)) errors.Add(new("priority", "Choisissez une priorité."));
        int Days(string? v, string field, string what)
        {
            if (int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var d) && d is >= 1 and <= Deadline.MaxDays) return d;
            errors.Add(new(field, $"Le délai {what} est un nombre de jours ouvrés entre 1 et {Deadline.MaxDays}."));
            return 0;
        }
        var (web, email, post, other) = (Days(input.WebDays, "webDays", "en ligne"), Days(input.EmailDays, "emailDays", "par courriel"),
            Days(input.PostDays, "postDays", "par courrier"), Days(input.OtherDays, "otherDays", "des autres canaux"));
        var order = int.TryParse(input.SortOrder, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var o) && o is >= 0 and <= 1000 ? o : -1;
        if (order < 0) errors.Add(new("sortOrder", "L'ordre d'affichage est un nombre entre 0 et 1000."));
        // Absent inputs (an older form, another door) keep what the category has.
        var silence = category?.SilenceRule ?? SilenceRule.None;
        if (input.SilenceRule is not null && (!Enum.TryParse(input.SilenceRule, out silence) || !Enum.IsDefined(silence)))
            errors.Add(new("silenceRule", "Choisissez ce que vaut le silence de la mairie pour ces demandes."));
        int Months(string? v, int current, string field, int min, int max, string message)
        {
            if (v is null) return current;
            if (int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var m) && m >= min && m <= max) return m;
            errors.Add(new(field, message));
            return current;
        }
        var silenceMonths = Months(input.SilenceMonths, category?.SilenceMonths ?? ImplicitDecision.DefaultMonths, "silenceMonths", 1, ImplicitDecision.MaxMonths,
            $"Le délai de la décision implicite est un nombre de mois entre 1 et {ImplicitDecision.MaxMonths}.");
        var retention = Months(input.RetentionMonths, category?.RetentionMonths ?? Retention.DefaultMonths, "retentionMonths", Retention.MinMonths, Retention.MaxMonths,
            $"La durée de conservation est un nombre de mois entre {Retention.MinMonths} et {Retention.MaxMonths}.");
        // Routing by sector: each line names one of the organisation's units by its name.
        var routes = category?.SectorRoutes ?? [];
        if (input.Sectors is not null)
        {
            var (lines, problems) = SectorRouting.Parse(input.Sectors);
            errors.AddRange(problems.Select(p => new FieldError("sectors", p)));
            var units = await db.Set<Unit>().AsNoTracking().Where(u => u.OrganisationId == admin.OrganisationId && u.Active).ToListAsync(ct);
            var list = new List<SectorRoute>();
            foreach (var (sector, unitName) in lines)
            {
                var unit = units.FirstOrDefault(u => SectorRouting.Key(u.Name) == SectorRouting.Key(unitName));
                if (unit is null) errors.Add(new("sectors", $"Secteur « {sector} » : aucun service actif ne s'appelle « {unitName} »."));
                else list.Add(new SectorRoute(sector, unit.Id));
            }
            routes = list;
        }
        var parsed = RequestForm.Parse(input.Fields);
        errors.AddRange(parsed.Problems.Select(p => new FieldError("fields", p)));
        if (errors.Count > 0) return new ConfigureResult.Refused(errors);
        if (category is null)
        {
            category = new Category { Id = await FreeIdAsync(db.Set<Category>().Select(c => c.Id), admin.OrganisationId, name, ct), OrganisationId = admin.OrganisationId,
                Name = name, UnitId = input.UnitId! };
            db.Add(category);
        }
        (category.Name, category.Description, category.UnitId, category.Priority) = (name, description, input.UnitId!, priority);
        (category.WebDays, category.EmailDays, category.PostDays, category.OtherDays) = (web, email, post, other);
        (category.SortOrder, category.Active, category.Fields) = (order, input.Active, parsed.Fields);
        (category.SilenceRule, category.SilenceMonths, category.RetentionMonths) = (silence, silenceMonths, retention);
        category.SectorRoutes = routes;
        await db.SaveChangesAsync(ct);
        return new ConfigureResult.Saved(category.Id);
    }

    /// <summary>A readable id for a URL (/demandes/lorval-voirie): the organisation's name, then the item's, made unique.</summary>
    private static async Task<string> FreeIdAsync(IQueryable<string> ids, string organisationId, string name, CancellationToken ct)
    {
        var prefix = organisationId.StartsWith("mairie-", StringComparison.Ordinal) ? organisationId["mairie-".Length..] : organisationId;
        var stem = Slug($"{prefix}-{name}");
        var taken = await ids.Where(i => i.StartsWith(stem)).ToListAsync(ct);
        var candidate = stem;
        for (var n = 2; taken.Contains(candidate); n++) candidate = $"{stem}-{n}";
        return candidate;
    }

    private static string Slug(string text)
    {
        var b = new StringBuilder();
        foreach (var c in text.Normalize(NormalizationForm.FormD).ToLowerInvariant())
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark) continue;
            if (char.IsAsciiLetterOrDigit(c)) b.Append(c);
            else if (b.Length > 0 && b[^1] != '-') b.Append('-');
        }
        var s = b.ToString().Trim('-');
        return s.Length > 48 ? s[..48].TrimEnd('-') : s;
    }
}

using System.Globalization;
using Guichet.Domain.IdentityDocuments;
using Guichet.Domain.Scheduling;
using Guichet.Web.Data;
using Guichet.Web.Platform;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.IdentityDocuments;

/// <summary>
/// The administrator adapts the national checklist for their own organisation: turns rows off, changes a
/// stamp amount, adds lines of its own. The organisation is always the administrator's.
/// </summary>
[Authorize(Policy = "administrator")]
public sealed class AdminModel(GuichetDb db, CurrentAgent current, LoadChecklist load, TimeProvider clock, ILogger<AdminModel> log) : PageModel
{
    /// <summary>Who an extra line is for: the fact it requires ("" for everyone), and how the page says it.</summary>
    public static readonly IReadOnlyList<(string Value, string Label)> Scopes =
    [
        ("", "Toutes les demandes"),
        (nameof(Fact.IdCard), "Les cartes d'identité"),
        (nameof(Fact.Passport), "Les passeports"),
        (nameof(Fact.Minor), "Les mineurs"),
        (nameof(Fact.Adult), "Les majeurs"),
    ];

    public string OrganisationId { get; private set; } = "";
    public string OrganisationName { get; private set; } = "";
    public RuleSet Rules { get; private set; } = NationalRules.Default;
    public List<FieldError> Errors { get; } = [];
    public string? Message { get; private set; }
    [BindProperty] public string? Text { get; set; }
    [BindProperty] public string? Scope { get; set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var admin = await current.GetAsync(ct);
        if (admin is null) return Challenge();
        await LoadAsync(admin, ct);
        return Page();
    }

    public Task<IActionResult> OnPostDisableAsync(string? rule, CancellationToken ct) => SetDisabledAsync(rule, true, ct);

    public Task<IActionResult> OnPostEnableAsync(string? rule, CancellationToken ct) => SetDisabledAsync(rule, false, ct);

    public async Task<IActionResult> OnPostAmountAsync(string? rule, string? amount, CancellationToken ct)
    {
        var admin = await current.GetAsync(ct);
        if (admin is null) return Challenge();
        var row = NationalRules.Default.Find(rule ?? "");
        if (row is not { Kind: RuleKind.Stamp }) return await RefuseAsync(admin, "rules", "Ce timbre fiscal n'existe pas. Rechargez la page.", StatusCodes.Status400BadRequest, ct);
        var field = $"amount-{row.Id}";
        if (ParseEuros(amount) is not { } euros)
            return await RefuseAsync(admin, field, $"Indiquez un montant en euros entre 0 et {ChecklistRule.MaxAmount:0}, par exemple 86 ou 42,50.", StatusCodes.Status422UnprocessableEntity, ct);
        var saved = await SaveAsync(admin, row.Id, o => o.AmountCents = euros == row.Amount ? null : (int)(euros * 100), ct);
        if (!saved) return await ConflictAsync(admin, ct);
        Message = $"Le montant « {row.Text} » est maintenant de {Checklist.Euros(euros)} €.";
        await LoadAsync(admin, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAddAsync(CancellationToken ct)
    {
        var admin = await current.GetAsync(ct);
        if (admin is null) return Challenge();
        var text = Text?.Trim() ?? "";
        if (text.Length < 3 || text.Length > ChecklistRule.MaxTextLength || text.Any(char.IsControl))
            Errors.Add(new FieldError("text", $"Écrivez la pièce à apporter, en une phrase de 3 à {ChecklistRule.MaxTextLength} caractères."));
        var scope = Scopes.FirstOrDefault(s => s.Value == (Scope ?? ""));
        if (scope.Label is null) Errors.Add(new FieldError("scope", "Choisissez pour quelles demandes cette pièce est demandée."));
        if (Errors.Count > 0)
        {
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            await LoadAsync(admin, ct);
            return Page();
        }
        // A version 7 id sorts by creation time: the organisation's lines keep the order they were added in.
        var id = "x-" + Secrets.NewId();
        db.ChecklistOverrides.Add(new ChecklistOverride
        {
            Id = Secrets.NewId(), OrganisationId = admin.OrganisationId, RuleId = id, Text = text, Facts = scope.Value,
            UpdatedUtc = clock.GetUtcNow().UtcDateTime, UpdatedByAgentId = admin.Id,
        });
        await db.SaveChangesAsync(ct);
        log.LogInformation("Checklist line {RuleId} added for {OrganisationId} by {AgentId}", id, admin.OrganisationId, admin.Id);
        Message = "La pièce est ajoutée à la liste de votre collectivité.";
        Text = Scope = null;
        await LoadAsync(admin, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostRemoveAsync(string? rule, CancellationToken ct)
    {
        var admin = await current.GetAsync(ct);
        if (admin is null) return Challenge();
        var row = await db.ChecklistOverrides.FirstOrDefaultAsync(o => o.OrganisationId == admin.OrganisationId && o.RuleId == rule && o.Text != null, ct);
        if (row is null) return await RefuseAsync(admin, "text", "Cette pièce n'existe pas ou a déjà été retirée.", StatusCodes.Status400BadRequest, ct);
        db.ChecklistOverrides.Remove(row);
        await db.SaveChangesAsync(ct);
        log.LogInformation("Checklist line {RuleId} removed for {OrganisationId} by {AgentId}", row.RuleId, admin.OrganisationId, admin.Id);
        Message = "La pièce est retirée de la liste.";
        await LoadAsync(admin, ct);
        return Page();
    }

    private async Task<IActionResult> SetDisabledAsync(string? rule, bool disabled, CancellationToken ct)
    {
        var admin = await current.GetAsync(ct);
        if (admin is null) return Challenge();
        var rules = await load.RuleSetAsync(admin.OrganisationId, ct);
        if (rules.Find(rule ?? "") is not { } row) return await RefuseAsync(admin, "rules", "Cette ligne n'existe pas. Rechargez la page.", StatusCodes.Status400BadRequest, ct);
        if (!await SaveAsync(admin, row.Id, o => o.Disabled = disabled, ct)) return await ConflictAsync(admin, ct);
        log.LogInformation("Checklist row {RuleId} {State} for {OrganisationId} by {AgentId}", row.Id, disabled ? "disabled" : "enabled", admin.OrganisationId, admin.Id);
        Message = disabled ? $"« {Shorten(row.Text)} » n'est plus demandé." : $"« {Shorten(row.Text)} » est de nouveau demandé.";
        await LoadAsync(admin, ct);
        return Page();
    }

    /// <summary>Creates or changes the organisation's row for a rule; false when another administrator created it at the same moment.</summary>
    private async Task<bool> SaveAsync(Agent admin, string ruleId, Action<ChecklistOverride> change, CancellationToken ct)
    {
        var row = await db.ChecklistOverrides.FirstOrDefaultAsync(o => o.OrganisationId == admin.OrganisationId && o.RuleId == ruleId, ct);
        if (row is null)
        {
            row = new ChecklistOverride { Id = Secrets.NewId(), OrganisationId = admin.OrganisationId, RuleId = ruleId };
            db.ChecklistOverrides.Add(row);
        }
        change(row);
        row.UpdatedUtc = clock.GetUtcNow().UtcDateTime;
        row.UpdatedByAgentId = admin.Id;
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            db.ChangeTracker.Clear();
            return false;
        }
    }

    private Task<IActionResult> ConflictAsync(Agent admin, CancellationToken ct) =>
        RefuseAsync(admin, "rules", "Cette ligne vient d'être modifiée par quelqu'un d'autre. Vérifiez-la puis recommencez.", StatusCodes.Status409Conflict, ct);

    private async Task<IActionResult> RefuseAsync(Agent admin, string field, string message, int status, CancellationToken ct)
    {
        Errors.Add(new FieldError(field, message));
        Response.StatusCode = status;
        await LoadAsync(admin, ct);
        return Page();
    }

    private async Task LoadAsync(Agent admin, CancellationToken ct)
    {
        OrganisationId = admin.OrganisationId;
        OrganisationName = await db.Organisations.Where(o => o.Id == admin.OrganisationId).Select(o => o.Name).FirstAsync(ct);
        Rules = await load.RuleSetAsync(admin.OrganisationId, ct);
    }

    /// <summary>"86", "42,50", "42.5", "86 €" → euros; null when it is not an amount between 0 and the maximum, in cents.</summary>
    internal static decimal? ParseEuros(string? text)
    {
        var cleaned = (text ?? "").Replace("€", "").Replace(" ", "").Replace('\u00a0', ' ').Trim().Replace(',', '.');
        if (cleaned.Length is 0 or > 10) return null;
        if (!decimal.TryParse(cleaned, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var euros)) return null;
        return euros >= 0 && euros <= ChecklistRule.MaxAmount && euros * 100 == decimal.Truncate(euros * 100) ? euros : null;
    }

    public static string Shorten(string text) => text.Length <= 60 ? text : text[..57].TrimEnd() + "…";

    public string ScopeLabel(ChecklistRule row) =>
        row.When.All.Count == 0 ? Scopes[0].Label : Scopes.FirstOrDefault(s => s.Value == row.When.All[0].ToString()).Label ?? row.When.All[0].ToString();
}

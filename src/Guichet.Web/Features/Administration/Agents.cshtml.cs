using Guichet.Domain.Scheduling;
using Guichet.Web.Data;
using Guichet.Web.Platform;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Administration;

/// <summary>The administrator manages the agents of their own organisation only.</summary>
public sealed class AgentsModel(GuichetDb db, CurrentAgent current, TimeProvider clock, ILogger<AgentsModel> log) : PageModel
{
    [BindProperty] public string? DisplayName { get; set; }
    [BindProperty] public string? Email { get; set; }
    [BindProperty] public string? Role { get; set; }
    [BindProperty] public string? Password { get; set; }

    public string OrganisationName { get; private set; } = "";
    public IReadOnlyList<Agent> Agents { get; private set; } = [];
    public List<FieldError> Errors { get; } = [];
    public string? Message { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var admin = await current.GetAsync(ct);
        if (admin is null) return Challenge();
        await LoadAsync(admin, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var admin = await current.GetAsync(ct);
        if (admin is null) return Challenge();
        var email = Email?.Trim().ToLowerInvariant() ?? "";
        if (BookingRules.CheckName("displayName", DisplayName, "nom") is { } nameError) Errors.Add(nameError);
        if (email.Length == 0 || BookingRules.CheckEmail(email) is not null) Errors.Add(new("email", "Indiquez une adresse e-mail valide."));
        else if (await db.Agents.AnyAsync(a => a.Email == email, ct)) Errors.Add(new("email", "Un compte existe déjà avec cette adresse e-mail."));
        if (!Enum.TryParse<AgentRole>(Role, out var role) || !Enum.IsDefined(role)) Errors.Add(new("role", "Choisissez un rôle."));
        if (Passwords.CheckPolicy(Password, email) is { } weak) Errors.Add(new("password", weak));
        if (Errors.Count > 0)
        {
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            await LoadAsync(admin, ct);
            return Page();
        }
        var agent = new Agent
        {
            Id = Secrets.NewId(), OrganisationId = admin.OrganisationId, Email = email, DisplayName = DisplayName!.Trim(),
            PasswordHash = Passwords.Hash(Password!), Role = role, CreatedUtc = clock.GetUtcNow().UtcDateTime,
        };
        db.Agents.Add(agent);
        await db.SaveChangesAsync(ct);
        log.LogInformation("Agent {AgentId} created by {AdminId}", agent.Id, admin.Id);
        Message = $"Le compte de {agent.DisplayName} est créé. Transmettez-lui son mot de passe provisoire de vive voix.";
        DisplayName = Email = Role = null;
        await LoadAsync(admin, ct);
        return Page();
    }

    private async Task LoadAsync(Agent admin, CancellationToken ct)
    {
        OrganisationName = await db.Organisations.Where(o => o.Id == admin.OrganisationId).Select(o => o.Name).FirstAsync(ct);
        Agents = await db.Agents.AsNoTracking().Where(a => a.OrganisationId == admin.OrganisationId).OrderBy(a => a.DisplayName).ToListAsync(ct);
    }

    public static string RoleName(AgentRole role) => role switch
    {
        AgentRole.Agent => "Agent d'accueil",
        AgentRole.Supervisor => "Responsable",
        AgentRole.Administrator => "Administrateur",
        AgentRole.Partner => "Mairie associée",
        _ => role.ToString(),
    };
}

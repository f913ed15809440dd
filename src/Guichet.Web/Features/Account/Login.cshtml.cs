using System.Security.Claims;
using Guichet.Web.Data;
using Guichet.Web.Platform;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Account;

/// <remarks>Rate limits apply to Razor Pages per page, not per handler; the policy counts only POSTs.</remarks>
[EnableRateLimiting("sign-in")]
public sealed class LoginModel(GuichetDb db, TimeProvider clock, IWebHostEnvironment env, ILogger<LoginModel> log) : PageModel
{
    public const int MaxFailures = 5;
    public static readonly TimeSpan LockOut = TimeSpan.FromMinutes(15);
    // Hashing a dummy password for unknown e-mails keeps answers equally slow: timing tells nothing.
    private static readonly Lazy<string> DummyHash = new(() => Passwords.Hash(Guid.NewGuid().ToString()));

    [BindProperty] public string? Email { get; set; }
    [BindProperty] public string? Password { get; set; }
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }
    public string? Error { get; private set; }
    public bool ShowDemo => env.IsDevelopment();

    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        const string wrong = "Adresse e-mail ou mot de passe incorrect.";
        var email = Email?.Trim().ToLowerInvariant() ?? "";
        var agent = email.Length is > 0 and <= 254 ? await db.Agents.FirstOrDefaultAsync(a => a.Email == email, ct) : null;
        var now = clock.GetUtcNow().UtcDateTime;
        if (agent is null || !agent.Active)
        {
            Passwords.Verify(Password ?? "", DummyHash.Value);
            return Fail(wrong);
        }
        if (agent.LockedUntilUtc > now)
            return Fail($"Trop d'essais infructueux : ce compte est bloqué jusqu'à {FrenchDates.Time(FrenchDates.ToLocal(agent.LockedUntilUtc.Value, "Europe/Paris"))}. Réessayez plus tard ou demandez à un administrateur.");
        if (!Passwords.Verify(Password ?? "", agent.PasswordHash))
        {
            agent.FailedSignIns++;
            if (agent.FailedSignIns >= MaxFailures)
            {
                agent.LockedUntilUtc = now + LockOut;
                agent.FailedSignIns = 0;
                log.LogWarning("Agent {AgentId} locked out after {Failures} failed sign-ins", agent.Id, MaxFailures);
            }
            await db.SaveChangesAsync(ct);
            return Fail(wrong);
        }
        agent.FailedSignIns = 0;
        agent.LockedUntilUtc = null;
        await db.SaveChangesAsync(ct);

        var identity = new ClaimsIdentity(
        [
            new Claim(ClaimTypes.NameIdentifier, agent.Id),
            new Claim(ClaimTypes.Name, agent.DisplayName),
            new Claim(ClaimTypes.Role, agent.Role.ToString()),
            new Claim(Roles.OrganisationClaim, agent.OrganisationId),
        ], CookieAuthenticationDefaults.AuthenticationScheme);
        await HttpContext.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
        log.LogInformation("Agent {AgentId} signed in", agent.Id);
        var target = agent.Role == AgentRole.Partner ? "/agent/reserver" : "/agent";
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : target);
    }

    private PageResult Fail(string message)
    {
        Error = message;
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        return Page();
    }
}

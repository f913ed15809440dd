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
    public const int MaxFailures = SignInLocks.MaxFailures;
    public static readonly TimeSpan LockOut = SignInLocks.LockOut;
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
        var now = clock.GetUtcNow().UtcDateTime;
        // Every typed address is counted, with or without an account: the lock-out then says nothing about who exists.
        var key = SignInLocks.Key(email.Length <= 254 ? email : email[..254]);
        if (await SignInLocks.LockedUntilAsync(db, key, now, ct) is { } lockedUntil)
        {
            Passwords.Verify(Password ?? "", DummyHash.Value);
            return Fail(SignInLocks.LockedMessage(lockedUntil));
        }
        var agent = email.Length is > 0 and <= 254 ? await db.Agents.FirstOrDefaultAsync(a => a.Email == email, ct) : null;
        var known = agent is { Active: true };
        if (!Passwords.Verify(Password ?? "", known ? agent!.PasswordHash : DummyHash.Value) || !known)
        {
            var locked = await SignInLocks.RecordFailureAsync(db, key, now, ct);
            if (known)
            {
                // Mirrored on the account so administrators see it on the agent's row.
                agent!.FailedSignIns = locked is null ? agent.FailedSignIns + 1 : 0;
                if (locked is not null) agent.LockedUntilUtc = locked;
                await db.SaveChangesAsync(ct);
            }
            if (locked is not null)
            {
                if (known) log.LogWarning("Agent {AgentId} locked out after {Failures} failed sign-ins", agent!.Id, MaxFailures);
                else log.LogWarning("An address without an account locked out after {Failures} failed sign-ins", MaxFailures);
                return Fail(SignInLocks.LockedMessage(locked.Value));
            }
            return Fail(wrong);
        }
        agent!.FailedSignIns = 0;
        agent.LockedUntilUtc = null;
        await db.SaveChangesAsync(ct);
        await SignInLocks.ClearAsync(db, key, ct);

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

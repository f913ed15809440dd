using Guichet.Domain.Messaging;
using Guichet.Domain.Scheduling;
using Guichet.Web.Data;
using Guichet.Web.Features.IdentityDocuments;
using Guichet.Web.Platform;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Notifications;

/// <summary>
/// The editor of one message of the administrator's own organisation (never one named by the form): its text, a
/// preview on a sample appointment computed on the server, and for an SMS its encoding, segments and the characters
/// that cost them, before and after the GSM-safe rewrite. Saving applies to the messages written from then on.
/// </summary>
[Authorize(Policy = "administrator")]
public sealed class TemplateEditorModel(GuichetDb db, CurrentAgent current, AppOptions app, SmsMessages sms, TimeProvider clock, ILogger<TemplateEditorModel> log) : PageModel
{
    public const string SampleToken = "jeton-d-exemple-aussi-long-qu-un-vrai-jeton";

    [BindProperty(Name = "subject")] public string? Subject { get; set; }
    [BindProperty(Name = "body")] public string? Body { get; set; }
    [BindProperty(Name = "gsmSafe")] public bool GsmSafe { get; set; }
    [BindProperty(Name = "action")] public string? Action { get; set; }

    public TemplateSpec Spec { get; private set; } = null!;
    public string OrganisationName { get; private set; } = "";
    public bool IsCustom { get; private set; }
    public List<FieldError> Errors { get; } = [];
    public string? Message { get; private set; }
    public RenderedMessage? Preview { get; private set; }
    /// <summary>SMS: the text as it will be sent, and as typed when the rewrite changed it.</summary>
    public SmsAnalysis? Sent { get; private set; }
    public SmsAnalysis? Typed { get; private set; }
    public string? TypedText { get; private set; }

    public string? Invalid(string field) => Errors.Any(e => e.Field == field) ? "true" : null;

    public async Task<IActionResult> OnGetAsync(string slug, CancellationToken ct)
    {
        if (TemplateCatalog.Find(slug) is not { } spec) return NotFound();
        Spec = spec;
        var admin = await current.GetAsync(ct);
        if (admin is null) return Challenge();
        var stored = await StoredAsync(admin, ct);
        (Subject, Body, GsmSafe) = stored is null ? (spec.DefaultSubject, spec.DefaultBody, true) : (stored.Subject, stored.Body, stored.GsmSafe);
        await LoadAsync(admin, stored, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string slug, CancellationToken ct)
    {
        if (TemplateCatalog.Find(slug) is not { } spec) return NotFound();
        Spec = spec;
        var admin = await current.GetAsync(ct);
        if (admin is null) return Challenge();
        var stored = await StoredAsync(admin, ct);
        if (spec.IsSms) Subject = null;
        else GsmSafe = false;

        if (Action == "defaut")
        {
            if (stored is not null)
            {
                db.Remove(stored);
                await db.SaveChangesAsync(ct);
                log.LogInformation("Template {Slug} of organisation {OrganisationId} reset to the default by {AgentId}", slug, admin.OrganisationId, admin.Id);
            }
            (Subject, Body, GsmSafe, stored) = (spec.DefaultSubject, spec.DefaultBody, true, null);
            Message = "Le texte par défaut est rétabli : il sera utilisé pour les prochains messages.";
            await LoadAsync(admin, stored, ct);
            return Page();
        }

        Errors.AddRange(TemplateCatalog.Validate(spec, Subject, Body));
        if (Errors.Count > 0)
        {
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            await LoadAsync(admin, stored, ct);
            return Page();
        }
        if (Action == "enregistrer")
        {
            // The organisation is the administrator's, never a form field.
            if (stored is null)
            {
                stored = new OrganisationTemplate { OrganisationId = admin.OrganisationId, Kind = spec.Kind, Channel = spec.Channel, Body = "" };
                db.Add(stored);
            }
            stored.Subject = spec.IsSms ? null : Subject!.Trim();
            stored.Body = Body!.Replace("\r\n", "\n");
            stored.GsmSafe = spec.IsSms && GsmSafe;
            stored.UpdatedUtc = clock.GetUtcNow().UtcDateTime;
            stored.UpdatedByAgentId = admin.Id;
            await db.SaveChangesAsync(ct);
            log.LogInformation("Template {Slug} of organisation {OrganisationId} saved by {AgentId}", slug, admin.OrganisationId, admin.Id);
            Message = "Enregistré : ce texte sera utilisé pour les prochains messages.";
        }
        await LoadAsync(admin, stored, ct);
        return Page();
    }

    private Task<OrganisationTemplate?> StoredAsync(Agent admin, CancellationToken ct) =>
        db.Set<OrganisationTemplate>().FirstOrDefaultAsync(t => t.OrganisationId == admin.OrganisationId && t.Kind == Spec.Kind && t.Channel == Spec.Channel, ct);

    private async Task LoadAsync(Agent admin, OrganisationTemplate? stored, CancellationToken ct)
    {
        IsCustom = stored is not null;
        OrganisationName = await db.Organisations.Where(o => o.Id == admin.OrganisationId).Select(o => o.Name).FirstAsync(ct);
        if (Errors.Count > 0) return;
        var values = await SampleAsync(admin, ct);
        Preview = TemplateCatalog.Render(Spec, Subject, Body ?? "", GsmSafe, values);
        if (Preview is null || !Spec.IsSms) return;
        Sent = SmsEncoding.Analyze(Preview.Text);
        var typed = TemplateCatalog.Render(Spec, null, Body ?? "", gsmSafe: false, values)!.Text;
        if (typed != Preview.Text) (Typed, TypedText) = (SmsEncoding.Analyze(typed), typed);
    }

    /// <summary>
    /// A sample appointment at the organisation's first site, a week from today at 9:30, with links as long as real
    /// ones (the manage token has the length of a real one), so the SMS preview counts the segments it will cost.
    /// </summary>
    private async Task<Dictionary<string, string>> SampleAsync(Agent admin, CancellationToken ct)
    {
        var site = await db.Sites.AsNoTracking().Where(s => s.OrganisationId == admin.OrganisationId).OrderBy(s => s.Name).FirstOrDefaultAsync(ct)
            ?? new Site { Id = "exemple", OrganisationId = admin.OrganisationId, Name = "Hôtel de ville", Address = "1 place de la Mairie", PostalCode = "00000", City = "Ville", TimeZone = "Europe/Paris" };
        var reason = await db.Reasons.AsNoTracking().Where(r => r.OrganisationId == admin.OrganisationId).OrderBy(r => r.SortOrder).FirstOrDefaultAsync(ct);
        var zone = TimeZoneInfo.FindSystemTimeZoneById(site.TimeZone);
        var today = TimeZoneInfo.ConvertTime(clock.GetUtcNow(), zone).Date;
        var start = TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(today.AddDays(7).AddHours(9.5), DateTimeKind.Unspecified), zone);
        var sample = new Appointment
        {
            Id = "exemple", OrganisationId = admin.OrganisationId, SiteId = site.Id, StationId = "exemple", ReasonCode = reason?.Code ?? "CNI",
            Code = "12345678", ManageTokenHash = "", StartUtc = start, EndUtc = start.AddMinutes(20), Persons = 1,
            FirstName = "Camille", LastName = "Martin",
        };
        var baseUrl = app.PublicBaseUrl.TrimEnd('/');
        var values = TemplateCatalog.Values(sample, site, reason?.Name ?? "Carte nationale d'identité", Spec.Channel);
        values["mairie"] = OrganisationName;
        values["lien"] = Spec.Kind switch
        {
            MessageKind.Cancellation => baseUrl + "/",
            MessageKind.WaitlistOffer => $"{baseUrl}/liste-attente/offre/{Secrets.NewId()}?token={SampleToken}",
            MessageKind.WithdrawalReady => $"{baseUrl}/retrait/{Secrets.NewId()}?token={SampleToken}",
            _ => $"{baseUrl}/rendez-vous/{sample.Code}?token={SampleToken}",
        };
        values["expiration"] = Waitlist.WaitlistMessages.Until(start.AddHours(-36), site.TimeZone, Spec.Channel);
        values["convocation"] = $"{baseUrl}/rendez-vous/{sample.Code}/convocation.pdf?token={SampleToken}";
        values["pieces"] = LoadChecklist.TitleOfReason(sample.ReasonCode) is { } title
            ? $"{baseUrl}/pieces-a-fournir/{Uri.EscapeDataString(admin.OrganisationId)}?titre={title}" : "";
        values["annulation"] = TemplateCatalog.CancelledWhy(sample, Spec.Channel);
        values["reponse"] = sms.RepliesAccepted ? $" ou répondez ANNULER {sample.Code}" : "";
        return values;
    }

    public static string AlphabetName(SmsAlphabet alphabet) =>
        alphabet == SmsAlphabet.Gsm7 ? "GSM 03.38 (alphabet 7 bits)" : "UCS-2 (Unicode, 16 bits)";

    /// <summary>The characters that force UCS-2, then those that count two septets; "aucun" when the text is plain GSM.</summary>
    public static string Costly(SmsAnalysis a)
    {
        var parts = new List<string>();
        if (a.NotGsm.Count > 0) parts.Add("hors GSM : " + string.Join(" ", a.NotGsm.Select(Shown)));
        if (a.Extended.Count > 0) parts.Add("comptés double : " + string.Join(" ", a.Extended.Distinct().Select(c => Shown(c.ToString()))));
        return parts.Count == 0 ? "aucun" : string.Join(" ; ", parts);
    }

    public static string Shown(string c) => c switch { "\u00a0" => "espace insécable", "\f" => "saut de page", _ => c };
}

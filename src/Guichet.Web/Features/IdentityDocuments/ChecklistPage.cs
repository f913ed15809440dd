using Guichet.Domain.IdentityDocuments;
using Guichet.Domain.Scheduling;
using Guichet.Web.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Guichet.Web.Features.IdentityDocuments;

/// <summary>What the questionnaire form needs to draw itself: where it goes, what is ticked, what is wrong.</summary>
public sealed record ChecklistForm(string Action, IReadOnlyDictionary<string, string> Selected, IReadOnlyList<FieldError> Errors)
{
    public bool Invalid(Question question) => Errors.Any(e => e.Field == question.FirstInputId);
}

/// <summary>
/// The public checklist pages: national rules at /pieces-a-fournir, an organisation's at /pieces-a-fournir/{id}.
/// The organisation comes from the route, never from the answers.
/// </summary>
public abstract class ChecklistPage(LoadChecklist load) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? Organisation { get; set; }

    public Organisation? Owner { get; private set; }
    public RuleSet Rules { get; private set; } = NationalRules.Default;

    protected LoadChecklist Load => load;

    /// <summary>Loads the organisation of the route and its rules; false (the page answers 404) when it does not exist.</summary>
    protected async Task<bool> LoadRulesAsync(CancellationToken ct)
    {
        if (Organisation is not null)
        {
            Owner = Organisation.Length <= 64 ? await load.FindOrganisationAsync(Organisation, ct) : null;
            if (Owner is null) return false;
        }
        Rules = await load.RuleSetAsync(Owner?.Id, ct);
        return true;
    }

    public string Suffix => Owner is null ? "" : "/" + Uri.EscapeDataString(Owner.Id);
    public string QuestionnaireUrl => "/pieces-a-fournir" + Suffix;
    public string ResultUrl => "/pieces-a-fournir/liste" + Suffix;
    public string FaqUrl => "/pieces-a-fournir/faq" + Suffix;

    /// <summary>Each question's value from the query when it is one of its options, else its default.</summary>
    protected IReadOnlyDictionary<string, string> SelectedFromQuery()
    {
        var selected = new Dictionary<string, string>();
        foreach (var question in Questionnaire.Questions)
        {
            var raw = Request.Query[question.Key].ToString().Trim();
            var option = question.Options.FirstOrDefault(o => string.Equals(o.Value, raw, StringComparison.OrdinalIgnoreCase));
            if ((option?.Value ?? question.Default) is { } value) selected[question.Key] = value;
        }
        return selected;
    }

    protected IActionResult NotFoundPage()
    {
        Response.StatusCode = StatusCodes.Status404NotFound;
        return Page();
    }
}

using Guichet.Domain.IdentityDocuments;
using Microsoft.AspNetCore.Mvc;

namespace Guichet.Web.Features.IdentityDocuments;

/// <summary>
/// The answers, all in the query so the address can be shared or printed, turned into the list. Wrong or
/// missing answers give the questionnaire back with its errors (400).
/// </summary>
public sealed class ResultModel(LoadChecklist load) : ChecklistPage(load)
{
    public ChecklistForm Form { get; private set; } = null!;
    public ChecklistAnswers Answers { get; private set; } = null!;
    public Checklist? List { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!await LoadRulesAsync(ct)) return NotFoundPage();
        Answers = Questionnaire.Read(key => Request.Query[key].ToString());
        Form = new ChecklistForm(ResultUrl, SelectedFromQuery(), Answers.Errors);
        if (!Answers.IsValid)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        List = Rules.Evaluate(Answers);
        return Page();
    }

    /// <summary>The label of the chosen option of a question, to recall the answers above the list.</summary>
    public string Label(string key) =>
        Questionnaire.Questions.Single(q => q.Key == key).Options.Single(o => o.Value == Answers.Values[key]).Label;

    /// <summary>The same answers, for the "change my answers" link.</summary>
    public string AnswersQuery => string.Join('&', Answers.Values.Select(v => $"{v.Key}={Uri.EscapeDataString(v.Value)}"));
}

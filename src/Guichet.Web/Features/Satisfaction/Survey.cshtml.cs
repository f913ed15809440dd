using Guichet.Domain.Scheduling;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Guichet.Web.Features.Satisfaction;

/// <summary>The survey a citizen opens from the link of their message; no sign-in, the link's token is the key.</summary>
[EnableRateLimiting("manage")]
public sealed class SurveyModel(AnswerSurvey answers) : PageModel
{
    [FromRoute(Name = "token")] public string? Token { get; set; }
    [BindProperty(Name = "overall")] public string? Overall { get; set; }
    [BindProperty(Name = "delay")] public string? Delay { get; set; }
    [BindProperty(Name = "clarity")] public string? Clarity { get; set; }
    [BindProperty(Name = "comment")] public string? Comment { get; set; }

    public SurveyLink Link { get; private set; } = new SurveyLink.Unknown();
    public List<FieldError> Errors { get; } = [];
    public string? Invalid(string field) => Errors.Any(e => e.Field == field) ? "true" : null;
    public string? Value(string key) => key switch { "overall" => Overall?.Trim(), "delay" => Delay?.Trim(), "clarity" => Clarity?.Trim(), _ => null };

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Link = await answers.FindAsync(Token, ct);
        return Show();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        switch (await answers.RunAsync(Token, Overall, Delay, Clarity, Comment, ct))
        {
            case AnswerResult.Recorded:
                return Redirect("/avis/merci");
            case AnswerResult.Refused refused:
                Errors.AddRange(refused.Errors);
                Link = await answers.FindAsync(Token, ct);
                Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
                return Page();
            case AnswerResult.Closed closed:
                Link = closed.Link;
                return Show();
            default:
                throw new System.Diagnostics.UnreachableException();
        }
    }

    private PageResult Show()
    {
        Response.Headers.CacheControl = "no-store";
        Response.StatusCode = Link switch
        {
            SurveyLink.Unknown => StatusCodes.Status404NotFound,
            SurveyLink.Expired => StatusCodes.Status410Gone,
            SurveyLink.Answered => StatusCodes.Status409Conflict,
            _ => StatusCodes.Status200OK,
        };
        return Page();
    }
}

using Guichet.Domain.Requests;
using Guichet.Domain.Scheduling;
using Guichet.Web.Data;
using Guichet.Web.Platform;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Requests;

/// <summary>An agent files a request that came at the counter, by phone, by post or by fax, through the same ReceiveRequest.</summary>
[Authorize(Policy = "agenda")]
[RequestFormLimits(MultipartBodyLengthLimit = RequestsOptions.MaxFormBytes)]
[RequestSizeLimit(RequestsOptions.MaxFormBytes + 64 * 1024)]
public sealed class RegisterModel(GuichetDb db, CurrentAgent current, ReceiveRequest receive, RequestsOptions options) : PageModel
{
    public IReadOnlyList<Category> Categories { get; private set; } = [];
    public Category? Category { get; private set; }
    public RequestFormView View { get; private set; } = null!;
    public List<FieldError> Errors { get; } = [];
    public ReceiveResult.Received? Received { get; private set; }

    [BindProperty(SupportsGet = true)] public string? Categorie { get; set; }
    [BindProperty] public string? Channel { get; set; }
    [BindProperty] public string? Text { get; set; }
    [BindProperty] public string? LastName { get; set; }
    [BindProperty] public string? FirstName { get; set; }
    [BindProperty] public string? Email { get; set; }
    [BindProperty] public string? Phone { get; set; }
    [BindProperty] public string? PostalAddress { get; set; }

    public bool Invalid(string name) => Errors.Any(e => e.Field == name);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var agent = await current.GetAsync(ct);
        if (agent is null) return Challenge();
        await LoadAsync(agent, ct);
        View = Empty();
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var agent = await current.GetAsync(ct);
        if (agent is null) return Challenge();
        await LoadAsync(agent, ct);
        if (Category is null || Categorie != Category.Id) return NotFound();
        var form = await Request.ReadFormAsync(ct);
        var (answers, location, files, readErrors) = await RequestFormView.ReadAsync(form, Category.Fields, options, ct);
        View = new(Category.Fields, answers, Errors, location?.Address, form["latitude"], form["longitude"], options.MaxAttachments, options.MaxAttachmentBytes / (1024 * 1024));
        Errors.AddRange(readErrors);
        if (!Enum.TryParse<RequestChannel>(Channel, out var channel) || !RequestChannels.RegisteredByAgents.Contains(channel))
            Errors.Add(new("channel", "Choisissez par où la demande est arrivée."));
        if (Errors.Count == 0)
        {
            var incoming = new IncomingRequest(agent.OrganisationId, Category.Id, channel,
                new CitizenContact(FirstName, LastName, Email, Phone, PostalAddress), Text, answers, files, location, agent.Id);
            switch (await receive.RunAsync(incoming, ct))
            {
                case ReceiveResult.Received r:
                    Received = r;
                    return Page();
                case ReceiveResult.Refused refused:
                    Errors.AddRange(refused.Errors);
                    break;
            }
        }
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return Page();
    }

    private RequestFormView Empty() => new(Category?.Fields ?? [], new Dictionary<string, string?>(), Errors, null, null, null, options.MaxAttachments, options.MaxAttachmentBytes / (1024 * 1024));

    private async Task LoadAsync(Agent agent, CancellationToken ct)
    {
        Categories = await db.Set<Category>().AsNoTracking().Where(c => c.OrganisationId == agent.OrganisationId && c.Active)
            .OrderBy(c => c.SortOrder).ThenBy(c => c.Name).ToListAsync(ct);
        Category = Categories.FirstOrDefault(c => c.Id == Categorie) ?? (Categorie is null ? Categories.FirstOrDefault() : null);
    }
}

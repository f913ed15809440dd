using System.Globalization;
using Guichet.Domain.Requests;
using Guichet.Domain.Scheduling;
using Guichet.Web.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Requests;

/// <summary>
/// A category's web form: exactly its questions, a location, files, contact, consent and a honeypot. A success
/// answers the acknowledgement itself (not a redirect: the tracking code never goes into a URL).
/// </summary>
[EnableRateLimiting(RequestsFeature.IntakePolicy)]
[RequestFormLimits(MultipartBodyLengthLimit = RequestsOptions.MaxFormBytes)]
[RequestSizeLimit(RequestsOptions.MaxFormBytes + 64 * 1024)]
public sealed class RequestFormModel(GuichetDb db, ReceiveRequest receive, RequestsOptions options) : PageModel
{
    public Category Category { get; private set; } = null!;
    public string OrganisationName { get; private set; } = "";
    public string UnitName { get; private set; } = "";
    public RequestFormView View { get; private set; } = null!;
    public List<FieldError> Errors { get; } = [];
    public ReceiveResult.Received? Received { get; private set; }

    [BindProperty] public string? Text { get; set; }
    [BindProperty] public string? LastName { get; set; }
    [BindProperty] public string? FirstName { get; set; }
    [BindProperty] public string? Email { get; set; }
    [BindProperty] public string? Phone { get; set; }
    [BindProperty] public string? PostalAddress { get; set; }

    public bool Invalid(string name) => Errors.Any(e => e.Field == name);

    public async Task<IActionResult> OnGetAsync(string category, CancellationToken ct)
    {
        if (!await LoadAsync(category, ct)) return NotFound();
        View = new(Category.Fields, new Dictionary<string, string?>(), Errors, null, null, null, options.MaxAttachments, options.MaxAttachmentBytes / (1024 * 1024))
        {
            Picker = await PickerAsync(null, null, ct),
        };
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string category, CancellationToken ct)
    {
        if (!await LoadAsync(category, ct)) return NotFound();
        var form = await Request.ReadFormAsync(ct);
        var (answers, location, files, readErrors) = await RequestFormView.ReadAsync(form, Category.Fields, options, ct);
        View = new(Category.Fields, answers, Errors, location?.Address, form["latitude"], form["longitude"], options.MaxAttachments, options.MaxAttachmentBytes / (1024 * 1024))
        {
            Picker = await PickerAsync(location?.Latitude, location?.Longitude, ct),
        };
        if (PlacePicker.WasClicked(form) && View.Picker is not null)
        {
            // A click on the plan: the place is filled in and the form shown again, nothing is sent yet.
            var (map, _) = await PlacePicker.AreaAsync(db, Category.OrganisationId, ct);
            var note = "Ce point n'est pas sur le plan : cliquez à l'intérieur, ou écrivez l'adresse.";
            if (PlacePicker.Clicked(form, map) is { } place)
            {
                View = View with { Latitude = place.Latitude.ToString("0.######", CultureInfo.InvariantCulture), Longitude = place.Longitude.ToString("0.######", CultureInfo.InvariantCulture) };
                View = View with { Picker = await PickerAsync(place.Latitude, place.Longitude, ct) };
                note = "Le point est placé sur le plan (latitude et longitude remplies). Vérifiez-le, puis envoyez la demande."
                       + (files.Count > 0 ? " Les fichiers choisis doivent être joints à nouveau." : "");
            }
            View = View with { PickerNote = note };
            return Page();
        }
        Errors.AddRange(readErrors);
        // A robot fills every field it finds; a person never sees this one.
        if (!string.IsNullOrEmpty(form["website"])) Errors.Add(new("website", "Cette demande n'a pas pu être envoyée. Si vous êtes une personne, laissez vide le champ caché « Laissez ce champ vide »."));
        if (form["consent"] != "oui") Errors.Add(new("consent", "Cochez la case d'accord : sans elle, la mairie ne peut pas traiter votre demande."));
        if (Errors.Count == 0)
        {
            var incoming = new IncomingRequest(Category.OrganisationId, Category.Id, RequestChannel.Web,
                new CitizenContact(FirstName, LastName, Email, Phone, PostalAddress), Text, answers, files, location);
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

    /// <summary>The plan, for a category that asks where.</summary>
    private async Task<PlacePickerView?> PickerAsync(double? latitude, double? longitude, CancellationToken ct)
    {
        if (!Category.Fields.Any(f => f.Kind == FieldKind.Location)) return null;
        var (map, _) = await PlacePicker.AreaAsync(db, Category.OrganisationId, ct);
        return PlacePicker.View(Category.Id, map, latitude, longitude);
    }

    private async Task<bool> LoadAsync(string id, CancellationToken ct)
    {
        var category = await db.Set<Category>().AsNoTracking().FirstOrDefaultAsync(c => c.Id == id && c.Active, ct);
        if (category is null) return false;
        Category = category;
        OrganisationName = await db.Organisations.Where(o => o.Id == category.OrganisationId).Select(o => o.Name).FirstAsync(ct);
        UnitName = await db.Set<Unit>().Where(u => u.Id == category.UnitId).Select(u => u.Name).FirstAsync(ct);
        return true;
    }
}

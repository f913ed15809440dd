using System.Globalization;
using Guichet.Domain.Requests;
using Guichet.Domain.Scheduling;
using Microsoft.AspNetCore.Http;

namespace Guichet.Web.Features.Requests;

/// <summary>What the citizen's form and the agent's registration form share: the category's questions, the location and the files.</summary>
public sealed record RequestFormView(
    IReadOnlyList<FormField> Fields, IReadOnlyDictionary<string, string?> Answers, IReadOnlyList<FieldError> Errors,
    string? LocationAddress, string? Latitude, string? Longitude, int MaxAttachments, int MaxMegabytes)
{
    /// <summary>The plan to click on for the place (the citizen's form); null: typed only.</summary>
    public PlacePickerView? Picker { get; init; }
    /// <summary>What a click on the plan did, shown above the plan.</summary>
    public string? PickerNote { get; init; }

    public bool Invalid(string name) => Errors.Any(e => e.Field == name);
    public string? Answer(string name) => Answers.GetValueOrDefault(name);
    public FormField? Location => Fields.FirstOrDefault(f => f.Kind == FieldKind.Location);
    public FormField? Attachment => Fields.FirstOrDefault(f => f.Kind == FieldKind.Attachment);

    /// <summary>Reads the posted form: the answers by input name, the location and the files.</summary>
    public static async Task<(Dictionary<string, string?> Answers, RequestLocation? Location, List<IncomingAttachment> Files, List<FieldError> Errors)> ReadAsync(
        IFormCollection form, IReadOnlyList<FormField> fields, RequestsOptions options, CancellationToken ct)
    {
        var errors = new List<FieldError>();
        var answers = new Dictionary<string, string?>();
        for (var i = 0; i < fields.Count; i++) answers[FormField.InputName(i)] = form[FormField.InputName(i)].ToString();
        double? Number(string name)
        {
            var raw = form[name].ToString().Trim().Replace(',', '.');
            if (raw.Length == 0) return null;
            if (double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)) return v;
            errors.Add(new("latitude", "La latitude et la longitude s'écrivent en degrés décimaux, par exemple 48.3021 et -0.6174."));
            return null;
        }
        var lat = Number("latitude");
        var lon = Number("longitude");
        var address = form["locationAddress"].ToString();
        var location = lat is null && lon is null && string.IsNullOrWhiteSpace(address) ? null : new RequestLocation(lat, lon, address);
        var files = new List<IncomingAttachment>();
        foreach (var file in form.Files.Where(f => f.Name == "attachments" && f.Length > 0).Take(options.MaxAttachments + 1))
        {
            if (file.Length > options.MaxAttachmentBytes)
            {
                // Not read at all: the use case only needs to know it is too big.
                errors.Add(new("attachments", $"Le fichier « {Path.GetFileName(file.FileName)} » dépasse {options.MaxAttachmentBytes / (1024 * 1024)} Mo : réduisez-le ou envoyez-en une partie."));
                continue;
            }
            using var buffer = new MemoryStream((int)file.Length);
            await file.CopyToAsync(buffer, ct);
            files.Add(new IncomingAttachment(file.FileName, file.ContentType, buffer.ToArray()));
        }
        return (answers, location, files, errors);
    }
}

using System.Globalization;
using Guichet.Domain.Geography;
using Guichet.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Nearby;

public sealed class NearbyOptions
{
    /// <summary>
    /// A CSV file of communes loaded at start-up (added or updated, never deleted): one line per commune and postcode,
    /// <c>code_postal;nom;latitude;longitude</c> (decimal point, WGS 84), an optional header line, ';' or ',' as separator.
    /// </summary>
    public string? CommunesFile { get; set; }
}

/// <summary>Loads the communes an installation serves. The demo territory's come from <see cref="Demo"/>.</summary>
public sealed class CommuneImport(GuichetDb db, ILogger<CommuneImport> log)
{
    /// <summary>The Val de Lorne's fictional communes (postcodes of Mayenne, coordinates near the demo sites).</summary>
    public static readonly (string PostalCode, string Name, double Latitude, double Longitude)[] Demo =
    [
        ("53120", "Lorval", 48.3021, -0.6174),
        ("53120", "Vernay-le-Petit", 48.3290, -0.6650),
        ("53140", "Saint-Aubin-sur-Lorne", 48.4127, -0.3981),
        ("53140", "Bréhan-la-Forêt", 48.4500, -0.3300),
        ("53160", "Les Essarts-de-Lorne", 48.2600, -0.5200),
        ("53300", "Montclair-en-Bocage", 48.1863, -0.8215),
        ("53310", "Quincé", 48.1400, -0.9000),
    ];

    public sealed record Line(string PostalCode, string Name, double Latitude, double Longitude);

    /// <summary>Reads the CSV; a wrong line stops the import with its number, so an administrator can fix the file.</summary>
    public static IReadOnlyList<Line> Parse(TextReader reader)
    {
        var lines = new List<Line>();
        var number = 0;
        while (reader.ReadLine() is { } text)
        {
            number++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            var parts = text.Split(text.Contains(';') ? ';' : ',').Select(p => p.Trim().Trim('"')).ToArray();
            if (number == 1 && parts.Length > 0 && !PlaceNames.IsPostcode(parts[0])) continue;   // header
            if (parts.Length < 4
                || !PlaceNames.IsPostcode(parts[0])
                || parts[1].Length is 0 or > 100
                || !double.TryParse(parts[2], NumberStyles.Float, CultureInfo.InvariantCulture, out var lat)
                || !double.TryParse(parts[3], NumberStyles.Float, CultureInfo.InvariantCulture, out var lon)
                || !new GeoPoint(lat, lon).IsValid)
                throw new FormatException($"Ligne {number} du fichier des communes : attendu code_postal;nom;latitude;longitude (exemple : 53120;Lorval;48.3021;-0.6174).");
            lines.Add(new Line(parts[0], parts[1], lat, lon));
        }
        return lines;
    }

    /// <summary>Adds the communes not there yet and moves those whose coordinates changed. Idempotent.</summary>
    public async Task<int> UpsertAsync(IEnumerable<Line> lines, CancellationToken ct)
    {
        var existing = (await db.Set<Commune>().ToListAsync(ct)).ToDictionary(c => (c.PostalCode, c.NameKey));
        var changed = 0;
        foreach (var line in lines)
        {
            var key = PlaceNames.Key(line.Name);
            if (existing.TryGetValue((line.PostalCode, key), out var c))
            {
                if (c.Latitude == line.Latitude && c.Longitude == line.Longitude && c.Name == line.Name) continue;
                (c.Name, c.Latitude, c.Longitude) = (line.Name, line.Latitude, line.Longitude);
            }
            else
            {
                c = new Commune { PostalCode = line.PostalCode, Name = line.Name, NameKey = key, Latitude = line.Latitude, Longitude = line.Longitude };
                db.Add(c);
                existing[(c.PostalCode, key)] = c;
            }
            changed++;
        }
        await db.SaveChangesAsync(ct);
        return changed;
    }

    public Task<int> EnsureDemoAsync(CancellationToken ct) =>
        UpsertAsync(Demo.Select(d => new Line(d.PostalCode, d.Name, d.Latitude, d.Longitude)), ct);

    public async Task ImportFileAsync(string path, CancellationToken ct)
    {
        using var reader = new StreamReader(path);
        var lines = Parse(reader);
        var changed = await UpsertAsync(lines, ct);
        log.LogInformation("Communes file read: {Lines} lines, {Changed} added or updated", lines.Count, changed);
    }
}

/// <summary>Runs the configured import once the database is migrated (hosted services start after that).</summary>
internal sealed class CommuneFileLoader(IServiceScopeFactory scopes, NearbyOptions options) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(options.CommunesFile)) return;
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<CommuneImport>().ImportFileAsync(options.CommunesFile, ct);
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}

using Guichet.Domain.Geography;
using Guichet.Domain.Scheduling;
using Guichet.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Nearby;

/// <summary>Where the citizen is, from what they typed: a postcode or a commune's name.</summary>
public sealed record Place(string Label, GeoPoint Point);

public abstract record PlaceResult
{
    public sealed record Found(Place Place) : PlaceResult;
    public sealed record Refused(FieldError Error) : PlaceResult;
}

/// <summary>
/// Reads "votre commune ou code postal" against the communes table. A postcode shared by several communes stands
/// for their centre; a name found in several départements asks for the postcode.
/// </summary>
public sealed class FindPlace(GuichetDb db)
{
    public const int MaxLength = 100;
    public const string Field = "near";

    public async Task<PlaceResult> RunAsync(string? text, CancellationToken ct)
    {
        var typed = text?.Trim() ?? "";
        if (typed.Length == 0) return Refuse("Indiquez votre commune ou votre code postal.");
        if (typed.Length > MaxLength) return Refuse($"Le nom de la commune est trop long ({MaxLength} caractères au plus).");

        if (PlaceNames.IsPostcode(typed))
        {
            var communes = await db.Set<Commune>().AsNoTracking().Where(c => c.PostalCode == typed).OrderBy(c => c.Name).ToListAsync(ct);
            if (communes.Count == 0)
                return Refuse($"Le code postal {typed} n'est pas connu de ce service. Vérifiez-le, ou indiquez le nom de votre commune.");
            var centre = new GeoPoint(communes.Average(c => c.Latitude), communes.Average(c => c.Longitude));
            return new PlaceResult.Found(new Place(communes.Count == 1 ? $"{communes[0].Name} ({typed})" : typed, centre));
        }

        var key = PlaceNames.Key(typed);
        if (key.Length == 0) return Refuse("Indiquez votre commune ou votre code postal (exemple : Lorval ou 53120).");
        var named = await db.Set<Commune>().AsNoTracking().Where(c => c.NameKey == key).OrderBy(c => c.PostalCode).ToListAsync(ct);
        if (named.Count == 0)
            return Refuse("Cette commune n'est pas connue de ce service. Vérifiez l'orthographe, ou indiquez votre code postal.");
        // One commune may have several postcodes (large towns); communes far apart with one name are different places.
        var first = named[0];
        if (named.Any(c => c.Point.DistanceKm(first.Point) > 30))
            return Refuse($"Plusieurs communes s'appellent {first.Name} : indiquez plutôt votre code postal.");
        return new PlaceResult.Found(new Place($"{first.Name} ({first.PostalCode})",
            new GeoPoint(named.Average(c => c.Latitude), named.Average(c => c.Longitude))));
    }

    private static PlaceResult Refuse(string message) => new PlaceResult.Refused(new FieldError(Field, message));
}

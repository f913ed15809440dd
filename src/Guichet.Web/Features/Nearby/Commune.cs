using Guichet.Domain.Geography;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Nearby;

/// <summary>
/// A commune with its postcode and coordinates, to read a citizen's "commune ou code postal" as a point. Platform
/// reference data, not a tenant's: the demo seeds the Val de Lorne's fictional communes; an installation loads its
/// own list from a CSV file (<see cref="CommuneImport"/>, docs/operations.md). One row per (postcode, commune):
/// a postcode may cover several communes and a commune several postcodes.
/// </summary>
public sealed class Commune
{
    public required string PostalCode { get; set; }
    public required string Name { get; set; }
    /// <summary><see cref="PlaceNames.Key"/> of the name: what a typed name is compared with.</summary>
    public required string NameKey { get; set; }
    public double Latitude { get; set; }
    public double Longitude { get; set; }

    public GeoPoint Point => new(Latitude, Longitude);

    internal static void Map(ModelBuilder b) => b.Entity<Commune>(e =>
    {
        e.ToTable("communes");
        e.HasKey(x => new { x.PostalCode, x.NameKey });
        e.Property(x => x.PostalCode).HasMaxLength(5);
        e.Property(x => x.Name).HasMaxLength(100);
        e.Property(x => x.NameKey).HasMaxLength(100);
        e.HasIndex(x => x.NameKey);
        e.Ignore(x => x.Point);
    });
}

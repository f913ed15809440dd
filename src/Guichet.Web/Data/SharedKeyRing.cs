using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Guichet.Web.Data;

/// <summary>One key of ASP.NET Core data protection (agents' session cookies, anti-forgery tokens), as its XML.</summary>
public sealed class DataProtectionKey
{
    public required string Id { get; set; }
    public required string Xml { get; set; }
    public DateTime CreatedUtc { get; set; }

    internal static void Map(ModelBuilder b) => b.Entity<DataProtectionKey>(e =>
    {
        e.ToTable("data_protection_keys");
        e.Property(x => x.Id).HasMaxLength(64);
        e.Property(x => x.Xml).HasColumnType("text");
    });
}

/// <summary>
/// The data-protection key ring kept in the database rather than under $HOME of each server: behind a load balancer,
/// an agent signed in on one node stays signed in on the other, and a form served by one is accepted by the other,
/// with nothing shared but the database. The keys are as secret as the rest of the database (backed up with it).
/// </summary>
public sealed class DatabaseKeyRepository(IServiceScopeFactory scopes, TimeProvider clock) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<GuichetDb>();
        return db.Set<DataProtectionKey>().AsNoTracking().OrderBy(k => k.CreatedUtc).ThenBy(k => k.Id)
            .Select(k => k.Xml).ToList().Select(x => XElement.Parse(x)).ToList();
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<GuichetDb>();
        // The friendly name is "key-<guid>": unique per key, so two nodes creating keys at once both keep theirs.
        var id = string.IsNullOrEmpty(friendlyName) || friendlyName.Length > 64 ? Guid.NewGuid().ToString("N") : friendlyName;
        db.Set<DataProtectionKey>().Add(new DataProtectionKey { Id = id, Xml = element.ToString(SaveOptions.DisableFormatting), CreatedUtc = clock.GetUtcNow().UtcDateTime });
        db.SaveChanges();
    }
}

public static class SharedKeyRing
{
    public static WebApplicationBuilder AddSharedKeyRing(this WebApplicationBuilder builder)
    {
        // One application name whatever the content root, so every node reads the same protected payloads.
        builder.Services.AddDataProtection().SetApplicationName("Guichet");
        builder.Services.AddSingleton<DatabaseKeyRepository>();
        builder.Services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp =>
            new ConfigureOptions<KeyManagementOptions>(o => o.XmlRepository = sp.GetRequiredService<DatabaseKeyRepository>()));
        return builder;
    }

    /// <summary>
    /// After the migrations: makes the key ring now, so the first node to start writes the key the others then read
    /// (rather than each node making its own at its first sign-in).
    /// </summary>
    public static void EnsureKeyRing(this WebApplication app) =>
        app.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("Guichet.KeyRing").Protect([1]);
}

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Guichet.Web.Data;

public static class DatabaseStartup
{
    /// <summary>Migrates the database, then seeds the demo territory when asked, before the app serves requests.</summary>
    public static async Task InitialiseDatabaseAsync(this WebApplication app, CancellationToken ct = default)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GuichetDb>();
        var applied = await MigrationRunner.ApplyAsync(db, ct);
        var log = scope.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger("Guichet.Data");
        if (applied.Count > 0) log.LogInformation("Migrations applied: {Versions}", string.Join(", ", applied));
        if (scope.ServiceProvider.GetRequiredService<DatabaseOptions>().SeedDemo)
            await scope.ServiceProvider.GetRequiredService<Features.Administration.DemoTerritory>().EnsureAsync(ct);
    }
}

public sealed class DatabaseHealthCheck(GuichetDb db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            var provider = db.Database.IsNpgsql() ? "Postgres" : "Sqlite";
            var data = new Dictionary<string, object> { ["provider"] = provider };
            return await db.Database.CanConnectAsync(ct)
                ? HealthCheckResult.Healthy("Base de données joignable.", data)
                : HealthCheckResult.Unhealthy("Base de données injoignable.", data: data);
        }
        catch (Exception e)
        {
            return HealthCheckResult.Unhealthy("Base de données injoignable.", e);
        }
    }
}

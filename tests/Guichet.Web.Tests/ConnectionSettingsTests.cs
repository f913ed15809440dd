using Guichet.Web.Data;
using Guichet.Web.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Tests;

/// <summary>How the app opens its database connections, on the provider under test.</summary>
public sealed class ConnectionSettingsTests(GuichetApp app) : IClassFixture<GuichetApp>
{
    [Theory]
    [InlineData("Host=db;Database=guichet;Username=guichet", DataExtensions.PostgresAutoPrepare, DataExtensions.PostgresAutoPrepareMinUsages)]
    [InlineData("Host=db;Database=guichet;Username=guichet;Max Auto Prepare=0", 0, DataExtensions.PostgresAutoPrepareMinUsages)]
    [InlineData("Host=db;Database=guichet;Username=guichet;maxautoprepare=7;Auto Prepare Min Usages=9", 7, 9)]
    [InlineData("Host=db;Database=guichet;Username=guichet;MAX AUTO PREPARE = 3", 3, DataExtensions.PostgresAutoPrepareMinUsages)]
    public void Postgres_statements_are_prepared_unless_the_connection_string_decides(string configured, int maxPrepared, int minUsages)
    {
        var result = new Npgsql.NpgsqlConnectionStringBuilder(DataExtensions.PostgresConnectionString(configured));
        Assert.Equal(maxPrepared, result.MaxAutoPrepare);
        Assert.Equal(minUsages, result.AutoPrepareMinUsages);
        Assert.Equal("db", result.Host);
        Assert.Equal("guichet", result.Database);
    }

    /// <summary>
    /// On PostgreSQL a statement the app repeats on a connection becomes a server-side prepared statement; on SQLite
    /// every connection waits for the write lock inside SQLite (busy timeout) instead of failing or sleeping 150 ms.
    /// </summary>
    [Fact]
    public async Task The_apps_connections_carry_the_providers_settings()
    {
        await app.WithDbAsync(async db =>
        {
            await db.Database.OpenConnectionAsync();
            try
            {
                if (TestDatabase.OnPostgres)
                {
                    var before = await Scalar(db, "SELECT count(*) FROM pg_prepared_statements");
                    for (var i = 0; i < 2; i++) await db.Sites.AsNoTracking().Where(s => s.Active).CountAsync();
                    Assert.True(await Scalar(db, "SELECT count(*) FROM pg_prepared_statements") > before,
                        "a statement run six times on one connection (Npgsql prepares from the fifth) was not prepared on the server");
                }
                else Assert.Equal(10_000, await Scalar(db, "PRAGMA busy_timeout"));
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }
            return 0;
        });
    }

    private static async Task<long> Scalar(GuichetDb db, string sql)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}

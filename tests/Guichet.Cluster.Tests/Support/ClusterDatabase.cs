using Guichet.Web.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Guichet.Cluster.Tests.Support;

/// <summary>
/// A throwaway database the nodes share: a fresh database on the PostgreSQL server named by GUICHET_TEST_PG
/// (test.sh starts one), or a SQLite file. The tests read it directly afterwards, with the app's own EF model.
/// </summary>
public sealed class ClusterDatabase : IAsyncDisposable
{
    private readonly string? file;
    private readonly string? pgName;

    private ClusterDatabase(string provider, string connectionString, string? file, string? pgName)
    {
        Provider = provider; ConnectionString = connectionString; this.file = file; this.pgName = pgName;
    }

    public string Provider { get; }
    public string ConnectionString { get; }
    public bool IsPostgres => pgName is not null;
    public string? File => file;
    public string? PostgresName => pgName;

    public static string AdminConnectionString() =>
        Environment.GetEnvironmentVariable("GUICHET_TEST_PG") is { Length: > 0 } pg
            ? pg
            : throw new InvalidOperationException("The cluster tests need a PostgreSQL server: set GUICHET_TEST_PG (./test.sh, or eval \"$(scripts/pg-test.sh start)\").");

    public static async Task<ClusterDatabase> PostgresAsync(string? name = null)
    {
        var admin = AdminConnectionString();
        name ??= $"guichet_c_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await cmd.ExecuteNonQueryAsync();
        }
        return Existing(name);
    }

    /// <summary>A database created by someone else (a restore), dropped at the end like the others.</summary>
    public static Task<ClusterDatabase> PostgresExistingAsync(string name) => Task.FromResult(Existing(name));

    private static ClusterDatabase Existing(string name)
    {
        var admin = AdminConnectionString();
        // Each node has its own pool of this size; the server allows 300 (scripts/pg-test.sh).
        var csb = new NpgsqlConnectionStringBuilder(admin) { Database = name, MaxPoolSize = 60 };
        return new ClusterDatabase("Postgres", csb.ConnectionString, null, name);
    }

    public static ClusterDatabase Sqlite(string? path = null)
    {
        path ??= Path.Combine(Path.GetTempPath(), $"guichet-cluster-{Guid.NewGuid():N}.db");
        return new ClusterDatabase("Sqlite", new SqliteConnectionStringBuilder { DataSource = path }.ToString(), path, null);
    }

    public GuichetDb NewContext()
    {
        var builder = new DbContextOptionsBuilder<GuichetDb>();
        if (IsPostgres) builder.UseNpgsql(ConnectionString);
        else builder.UseSqlite(ConnectionString);
        return new GuichetDb(builder.Options);
    }

    public async ValueTask DisposeAsync()
    {
        if (file is not null)
        {
            SqliteConnection.ClearAllPools();
            foreach (var f in new[] { file, file + "-wal", file + "-shm", file + "-journal" })
                try { System.IO.File.Delete(f); } catch (IOException) { }
        }
        if (pgName is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(AdminConnectionString());
            await connection.OpenAsync();
            await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS {pgName} WITH (FORCE)", connection);
            await cmd.ExecuteNonQueryAsync();
        }
    }
}

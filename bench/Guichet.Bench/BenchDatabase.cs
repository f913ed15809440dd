using System.Data.Common;
using System.Globalization;
using Guichet.Web.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Guichet.Bench;

/// <summary>
/// A database of its own for one scenario: a temporary SQLite file, or a throwaway database created on the
/// PostgreSQL server named by --postgres. The app and the bench use the same connection string.
/// </summary>
public sealed class BenchDatabase : IAsyncDisposable
{
    private readonly string? sqliteFile;
    private readonly string? adminConnectionString;
    private readonly string? postgresDatabase;
    private readonly bool keep;

    private BenchDatabase(DatabaseProvider provider, string connectionString, string? sqliteFile,
        string? adminConnectionString, string? postgresDatabase, bool keep)
    {
        Provider = provider;
        ConnectionString = connectionString;
        this.sqliteFile = sqliteFile;
        this.adminConnectionString = adminConnectionString;
        this.postgresDatabase = postgresDatabase;
        this.keep = keep;
    }

    public DatabaseProvider Provider { get; }
    public string ConnectionString { get; }
    public bool IsPostgres => Provider == DatabaseProvider.Postgres;

    public string Description => IsPostgres ? $"PostgreSQL database {postgresDatabase}" : $"SQLite file {sqliteFile}";

    public static async Task<BenchDatabase> CreateAsync(BenchOptions options, string scenario, CancellationToken ct)
    {
        var stamp = DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + "_" + Random.Shared.Next(1000, 9999);
        if (options.Postgres is null)
        {
            var file = Path.Combine(Path.GetTempPath(), $"guichet-bench-{scenario}-{stamp}.db");
            // What the app itself does to a configured SQLite connection string (DataExtensions): writers wait 30 s.
            var csb = new SqliteConnectionStringBuilder { DataSource = file, DefaultTimeout = 30, Pooling = true };
            return new BenchDatabase(DatabaseProvider.Sqlite, csb.ToString(), file, null, null, options.Keep);
        }

        var admin = new NpgsqlConnectionStringBuilder(options.Postgres);
        var name = $"guichet_bench_{scenario}_{stamp}";
        await using (var connection = new NpgsqlConnection(admin.ToString()))
        {
            await connection.OpenAsync(ct);
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync(ct);
        }
        var bench = new NpgsqlConnectionStringBuilder(options.Postgres) { Database = name };
        if (bench.MaxPoolSize < options.Clients + 10) bench.MaxPoolSize = options.Clients + 10;
        return new BenchDatabase(DatabaseProvider.Postgres, bench.ToString(), null, admin.ToString(), name, options.Keep);
    }

    /// <summary>Environment the app is started with so that it uses this database.</summary>
    public IReadOnlyDictionary<string, string> AppEnvironment() => new Dictionary<string, string>
    {
        ["Database__Provider"] = Provider.ToString(),
        ["ConnectionStrings__Guichet"] = ConnectionString,
    };

    public GuichetDb NewContext()
    {
        var builder = new DbContextOptionsBuilder<GuichetDb>();
        if (IsPostgres) builder.UseNpgsql(ConnectionString);
        else builder.UseSqlite(ConnectionString);
        return new GuichetDb(builder.Options);
    }

    /// <summary>A plain ADO.NET connection (closed) on the same database, for the raw-insert baseline.</summary>
    public DbConnection NewConnection() => IsPostgres ? new NpgsqlConnection(ConnectionString) : new SqliteConnection(ConnectionString);

    public async Task<string> ServerVersionAsync(CancellationToken ct)
    {
        await using var connection = NewConnection();
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = IsPostgres ? "SHOW server_version" : "SELECT sqlite_version()";
        var version = (string?)await command.ExecuteScalarAsync(ct);
        if (IsPostgres) return $"PostgreSQL {version}";
        command.CommandText = "PRAGMA journal_mode";
        var journal = (string?)await command.ExecuteScalarAsync(ct);
        command.CommandText = "PRAGMA synchronous";
        var synchronous = Convert.ToInt64(await command.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture) switch
        {
            0 => "off", 1 => "normal", 2 => "full", 3 => "extra", var n => n.ToString(CultureInfo.InvariantCulture),
        };
        return $"SQLite {version} (journal_mode={journal}, synchronous={synchronous}, file in {Path.GetDirectoryName(sqliteFile)})";
    }

    public async Task ExecuteAsync(string sql, CancellationToken ct)
    {
        await using var connection = NewConnection();
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.CommandTimeout = 300;
        await command.ExecuteNonQueryAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (keep)
        {
            Console.WriteLine($"Kept: {Description} (connection string: {ConnectionString})");
            return;
        }
        try
        {
            if (sqliteFile is not null)
            {
                SqliteConnection.ClearAllPools();
                foreach (var suffix in new[] { "", "-wal", "-shm", "-journal" })
                    if (File.Exists(sqliteFile + suffix)) File.Delete(sqliteFile + suffix);
            }
            else if (adminConnectionString is not null)
            {
                NpgsqlConnection.ClearAllPools();
                await using var connection = new NpgsqlConnection(adminConnectionString);
                await connection.OpenAsync();
                await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{postgresDatabase}\" WITH (FORCE)", connection);
                await drop.ExecuteNonQueryAsync();
            }
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"Could not remove {Description}: {e.Message}");
        }
    }
}

using System.Diagnostics;
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

    /// <summary>
    /// The baseline of a write scenario: <paramref name="workers"/> concurrent single-row inserts for <paramref name="duration"/>,
    /// each on a pooled connection in its own transaction, as a request in the app does; after 50 not counted.
    /// </summary>
    public async Task<(Latencies Latencies, double Seconds)> RawInsertsAsync(int workers, TimeSpan duration, int payloadChars, CancellationToken ct)
    {
        await CreateInsertTableAsync(ct);
        var payload = new string('x', payloadChars);

        async Task<Latencies> WorkerAsync(Func<bool> goOn)
        {
            var latencies = new Latencies();
            while (goOn())
            {
                ct.ThrowIfCancellationRequested();
                var watch = Stopwatch.StartNew();
                // Like a request in the app: a pooled connection, one transaction, one row.
                await using (DbConnection connection = NewConnection())
                {
                    await connection.OpenAsync(ct);
                    await using var tx = await connection.BeginTransactionAsync(ct);
                    await using var command = InsertCommand(connection, tx, payload);
                    await command.ExecuteNonQueryAsync(ct);
                    await tx.CommitAsync(ct);
                }
                latencies.Add(watch.Elapsed.TotalMilliseconds);
            }
            return latencies;
        }

        // A short warm-up of the driver and the pool, not counted.
        var n = 0;
        await WorkerAsync(() => n++ < 50);
        await ExecuteAsync("DELETE FROM bench_inserts", ct);

        var run = Stopwatch.StartNew();
        var results = await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(() => WorkerAsync(() => run.Elapsed < duration), ct)));
        var seconds = run.Elapsed.TotalSeconds;
        var all = new Latencies();
        foreach (var r in results) all.AddRange(r);
        return (all, seconds);
    }

    /// <summary>The baselines' table: one text column, rows of a chosen size.</summary>
    public Task CreateInsertTableAsync(CancellationToken ct) => ExecuteAsync(IsPostgres
        ? "CREATE TABLE IF NOT EXISTS bench_inserts (id bigserial PRIMARY KEY, payload text NOT NULL)"
        : "CREATE TABLE IF NOT EXISTS bench_inserts (id INTEGER PRIMARY KEY AUTOINCREMENT, payload TEXT NOT NULL)", ct);

    /// <summary>One row into the baselines' table, in <paramref name="tx"/>.</summary>
    public static DbCommand InsertCommand(DbConnection connection, DbTransaction tx, string payload)
    {
        var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = "INSERT INTO bench_inserts (payload) VALUES (@payload)";
        var p = command.CreateParameter();
        p.ParameterName = "@payload";
        p.Value = payload;
        command.Parameters.Add(p);
        return command;
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

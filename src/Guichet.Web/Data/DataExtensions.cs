using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Guichet.Web.Data;

public enum DatabaseProvider { Sqlite, Postgres }

public sealed class DatabaseOptions
{
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;
    /// <summary>Seeds the demo territory at start-up (on by default in Development).</summary>
    public bool SeedDemo { get; set; }
}

public static class DataExtensions
{
    /// <summary>Pool threads ready at once on SQLite (see AddDatabase).</summary>
    private const int SqliteMinThreads = 12;
    public static WebApplicationBuilder AddData(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection("Database");
        var options = new DatabaseOptions { SeedDemo = builder.Environment.IsDevelopment() };
        section.Bind(options);
        builder.Services.AddSingleton(options);

        var connectionString = builder.Configuration.GetConnectionString("Guichet");
        switch (options.Provider)
        {
            case DatabaseProvider.Sqlite:
                connectionString = SqliteConnectionString(connectionString, builder.Environment.ContentRootPath);
                builder.Services.AddDbContext<GuichetDb>(o => o.UseSqlite(connectionString).AddInterceptors(SqliteBusyTimeout.Instance));
                // Microsoft.Data.Sqlite has no real asynchronous I/O: every "async" query holds a pool thread while it
                // reads or waits for the write lock. With the pool's default of one thread per core, 100 phone calls or
                // booking clients queue behind two threads and the pool adds more only every half second or so (turns
                // of 200 ms). Let it start with enough threads for such bursts.
                ThreadPool.GetMinThreads(out var workers, out var io);
                ThreadPool.SetMinThreads(Math.Max(workers, SqliteMinThreads), io);
                break;
            case DatabaseProvider.Postgres:
                if (string.IsNullOrWhiteSpace(connectionString))
                    throw new InvalidOperationException("Database:Provider=Postgres demande ConnectionStrings:Guichet (Host=…;Database=…;Username=…;Password=…).");
                connectionString = PostgresConnectionString(connectionString);
                builder.Services.AddDbContext<GuichetDb>(o => o.UseNpgsql(connectionString));
                break;
        }
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");
        return builder;
    }

    /// <summary>Default file data/guichet.db under the content root; WAL so readers never wait for the writer.</summary>
    private static string SqliteConnectionString(string? configured, string contentRoot)
    {
        var csb = new SqliteConnectionStringBuilder(string.IsNullOrWhiteSpace(configured) ? "Data Source=data/guichet.db" : configured);
        if (csb.DataSource != ":memory:" && !Path.IsPathRooted(csb.DataSource))
            csb.DataSource = Path.Combine(contentRoot, csb.DataSource);
        var directory = Path.GetDirectoryName(csb.DataSource);
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
        // Writers queue on the database lock instead of failing at once.
        if (csb.DefaultTimeout < 30) csb.DefaultTimeout = 30;
        csb.Pooling = true;
        return csb.ToString();
    }

    /// <summary>Statements prepared on the server, at most this many per connection…</summary>
    public const int PostgresAutoPrepare = 100;
    /// <summary>…once one has run this many times on it (Npgsql's default is 5: with a hundred pooled connections
    /// sharing the work, most statements would never reach it).</summary>
    public const int PostgresAutoPrepareMinUsages = 2;

    /// <summary>
    /// The app runs the same few hundred statements all day: Npgsql's automatic preparation lets PostgreSQL parse and
    /// plan each once per connection (the voice turn's p99 on two cores went from about 19 ms to 16). What the
    /// connection string sets is kept: behind a PgBouncer in transaction mode, <c>Max Auto Prepare=0</c>.
    /// </summary>
    internal static string PostgresConnectionString(string configured)
    {
        var given = new DbConnectionStringBuilder { ConnectionString = configured }.Keys.Cast<string>()
            .Select(k => k.Replace(" ", "", StringComparison.Ordinal)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var csb = new Npgsql.NpgsqlConnectionStringBuilder(configured);
        if (!given.Contains("MaxAutoPrepare")) csb.MaxAutoPrepare = PostgresAutoPrepare;
        if (!given.Contains("AutoPrepareMinUsages")) csb.AutoPrepareMinUsages = PostgresAutoPrepareMinUsages;
        return csb.ConnectionString;
    }

    public static bool IsUniqueViolation(this DbUpdateException e) => e.InnerException switch
    {
        SqliteException s => s.SqliteErrorCode == 19 && s.SqliteExtendedErrorCode is 2067 or 1555,
        Npgsql.PostgresException p => p.SqlState is "23505" or "23P01",
        _ => false,
    };
}

/// <summary>
/// Lets SQLite itself wait for the write lock. Microsoft.Data.Sqlite sets no busy timeout: a writer that finds the
/// lock taken sleeps 150 ms (blocking its thread) before it tries again, so two bookings a few milliseconds apart
/// cost the second one 150 ms or more. SQLite's own handler retries after 1, 2, 5, 10… ms (up to 100 ms a try).
/// </summary>
internal sealed class SqliteBusyTimeout : DbConnectionInterceptor
{
    public static readonly SqliteBusyTimeout Instance = new();
    private const string Pragma = "PRAGMA busy_timeout = 10000;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Pragma;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Pragma;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

using System.Data.Common;
using System.Reflection;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Data;

/// <summary>
/// Applies the versioned SQL scripts of the provider in order and records each in schema_migrations.
/// Safe with several nodes starting at once: PostgreSQL takes an advisory lock, SQLite an immediate
/// write transaction.
/// </summary>
public static class MigrationRunner
{
    public sealed record Script(string Version, string Sql);

    public static IReadOnlyList<Script> ScriptsFor(DatabaseProvider provider)
    {
        var assembly = typeof(MigrationRunner).Assembly;
        var prefix = $"{typeof(MigrationRunner).Namespace}.Migrations.{provider}.";
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n => new Script(n[prefix.Length..^4], Read(assembly, n)))
            .OrderBy(s => s.Version, StringComparer.Ordinal)
            .ToList();
    }

    public static async Task<IReadOnlyList<string>> ApplyAsync(GuichetDb db, CancellationToken ct)
    {
        var provider = db.Database.IsNpgsql() ? DatabaseProvider.Postgres : DatabaseProvider.Sqlite;
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            if (provider == DatabaseProvider.Sqlite)
                await ExecuteAsync(connection, null, "PRAGMA journal_mode=WAL;", ct);
            else
                await ExecuteAsync(connection, null, "SELECT pg_advisory_lock(727274);", ct);

            await using var tx = provider == DatabaseProvider.Sqlite
                ? await BeginImmediateAsync(connection, ct)
                : await connection.BeginTransactionAsync(ct);
            await ExecuteAsync(connection, tx,
                "CREATE TABLE IF NOT EXISTS schema_migrations (version VARCHAR(200) NOT NULL PRIMARY KEY, applied_utc VARCHAR(40) NOT NULL);", ct);
            var applied = new HashSet<string>();
            await using (var cmd = connection.CreateCommand())
            {
                cmd.Transaction = tx;
                cmd.CommandText = "SELECT version FROM schema_migrations";
                await using var reader = await cmd.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct)) applied.Add(reader.GetString(0));
            }
            var done = new List<string>();
            foreach (var script in ScriptsFor(provider).Where(s => !applied.Contains(s.Version)))
            {
                await ExecuteAsync(connection, tx, script.Sql, ct);
                await using var record = connection.CreateCommand();
                record.Transaction = tx;
                record.CommandText = "INSERT INTO schema_migrations (version, applied_utc) VALUES (@v, @t)";
                AddParameter(record, "@v", script.Version);
                AddParameter(record, "@t", DateTime.UtcNow.ToString("O"));
                await record.ExecuteNonQueryAsync(ct);
                done.Add(script.Version);
            }
            await tx.CommitAsync(ct);
            return done;
        }
        finally
        {
            if (provider == DatabaseProvider.Postgres)
                await ExecuteAsync(connection, null, "SELECT pg_advisory_unlock(727274);", CancellationToken.None);
            await db.Database.CloseConnectionAsync();
        }
    }

    private static Task<DbTransaction> BeginImmediateAsync(DbConnection connection, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        // Microsoft.Data.Sqlite starts BEGIN IMMEDIATE when deferred is false: the write lock is taken up front.
        return Task.FromResult<DbTransaction>(((Microsoft.Data.Sqlite.SqliteConnection)connection).BeginTransaction(deferred: false));
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction? tx, string sql, CancellationToken ct)
    {
        await using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        cmd.CommandTimeout = 300;
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static void AddParameter(DbCommand cmd, string name, object value)
    {
        var p = cmd.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        cmd.Parameters.Add(p);
    }

    private static string Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

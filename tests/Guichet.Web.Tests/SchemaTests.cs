using System.Data.Common;
using System.Net;
using System.Text.Json;
using Guichet.Web.Data;
using Guichet.Web.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Tests;

/// <summary>
/// The SQL migrations and the EF model describe the same database, on the provider under test: the app's
/// database (built by the migrations at start-up) is compared with one EF builds from the model.
/// </summary>
public sealed class SchemaTests(GuichetApp app) : IClassFixture<GuichetApp>
{
    [Fact]
    public async Task The_migrated_database_has_exactly_the_schema_of_the_ef_model()
    {
        var migrated = await app.WithDbAsync(DescribeAsync);

        await using var empty = await TestDatabase.CreateAsync();
        var options = new DbContextOptionsBuilder<GuichetDb>();
        if (TestDatabase.OnPostgres) options.UseNpgsql(empty.ConnectionString);
        else options.UseSqlite(empty.ConnectionString);
        List<string> model;
        await using (var db = new GuichetDb(options.Options))
        {
            Assert.True(await db.Database.EnsureCreatedAsync());
            model = await DescribeAsync(db);
        }

        // The comparison means something only if it saw the whole schema.
        Assert.Contains(model, l => l.StartsWith("table appointments", StringComparison.Ordinal));
        Assert.Contains(model, l => l.StartsWith("column appointments.manage_token_hash ", StringComparison.Ordinal));
        Assert.Contains(model, l => l.StartsWith("index slot_claims ", StringComparison.Ordinal) || l.StartsWith("key slot_claims ", StringComparison.Ordinal));
        Assert.Contains(model, l => l.StartsWith("foreign key appointments ", StringComparison.Ordinal) || l.Contains("FOREIGN KEY", StringComparison.Ordinal));
        var missing = model.Except(migrated).ToList();
        var extra = migrated.Except(model).ToList();
        Assert.True(missing.Count == 0 && extra.Count == 0,
            $"The migrations ({(TestDatabase.OnPostgres ? "Postgres" : "Sqlite")}) and the EF model differ.\n"
            + $"In the model, not in the migrated database:\n  {string.Join("\n  ", missing)}\n"
            + $"In the migrated database, not in the model:\n  {string.Join("\n  ", extra)}");
    }

    [Fact]
    public async Task Running_the_migrations_again_applies_nothing()
    {
        var again = await app.WithDbAsync(db => MigrationRunner.ApplyAsync(db, CancellationToken.None));
        Assert.Empty(again);

        var provider = TestDatabase.OnPostgres ? DatabaseProvider.Postgres : DatabaseProvider.Sqlite;
        var scripts = MigrationRunner.ScriptsFor(provider).Select(s => s.Version).ToList();
        Assert.NotEmpty(scripts);
        var recorded = await app.WithDbAsync(db => db.Database.SqlQueryRaw<string>("SELECT version AS \"Value\" FROM schema_migrations").ToListAsync());
        Assert.Equal(scripts, recorded.Order(StringComparer.Ordinal).ToList());
        // The demo data seeded at start-up survived the second run.
        Assert.Equal(3, await app.WithDbAsync(db => db.Sites.CountAsync()));
    }

    [Fact]
    public async Task Health_answers_200_with_the_database_provider()
    {
        var answer = await app.Client.GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("application/json", answer.Content.Headers.ContentType?.MediaType);
        var health = JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("Healthy", health.GetProperty("status").GetString());
        var database = health.GetProperty("database");
        Assert.Equal("Healthy", database.GetProperty("status").GetString());
        Assert.Equal(TestDatabase.OnPostgres ? "Postgres" : "Sqlite", database.GetProperty("provider").GetString());
    }

    /// <summary>One line per table, column, key, index and foreign key, sorted; the migration bookkeeping table left out.</summary>
    private static async Task<List<string>> DescribeAsync(GuichetDb db)
    {
        await db.Database.OpenConnectionAsync();
        try
        {
            var connection = db.Database.GetDbConnection();
            var lines = db.Database.IsNpgsql() ? await DescribePostgresAsync(connection) : await DescribeSqliteAsync(connection);
            return lines.Where(l => !l.Contains("schema_migrations", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static async Task<List<string>> DescribeSqliteAsync(DbConnection connection)
    {
        var lines = new List<string>();
        var tables = (await QueryAsync(connection, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"))
            .Select(r => (string)r[0]!).ToList();
        foreach (var table in tables)
        {
            lines.Add($"table {table}");
            var columns = await QueryAsync(connection, "SELECT name, type, \"notnull\", pk, dflt_value FROM pragma_table_info(@p)", table);
            foreach (var c in columns)
                lines.Add($"column {table}.{c[0]} {c[1]} {((long)c[2]! == 1 ? "NOT NULL" : "NULL")} default={c[4] ?? "none"}");
            var key = columns.Where(c => (long)c[3]! > 0).OrderBy(c => (long)c[3]!).Select(c => (string)c[0]!);
            lines.Add($"key {table} ({string.Join(", ", key)})");
            foreach (var index in await QueryAsync(connection, "SELECT name, \"unique\", origin, partial FROM pragma_index_list(@p)", table))
            {
                var name = (string)index[0]!;
                var indexColumns = (await QueryAsync(connection, "SELECT name FROM pragma_index_info(@p) ORDER BY seqno", name)).Select(r => r[0]);
                lines.Add($"index {table} {name} {((long)index[1]! == 1 ? "UNIQUE" : "")} origin={index[2]} partial={index[3]} ({string.Join(", ", indexColumns)})");
            }
            foreach (var fk in await QueryAsync(connection, "SELECT id, seq, \"table\", \"from\", \"to\", on_update, on_delete FROM pragma_foreign_key_list(@p) ORDER BY id, seq", table))
                lines.Add($"foreign key {table} ({fk[3]}) -> {fk[2]} ({fk[4]}) ON UPDATE {fk[5]} ON DELETE {fk[6]}");
        }
        return lines;
    }

    private static async Task<List<string>> DescribePostgresAsync(DbConnection connection)
    {
        var lines = new List<string>();
        foreach (var t in await QueryAsync(connection, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"))
            lines.Add($"table {t[0]}");
        foreach (var c in await QueryAsync(connection, """
            SELECT table_name, column_name, data_type, is_nullable, character_maximum_length, numeric_precision, datetime_precision, column_default
            FROM information_schema.columns WHERE table_schema = 'public'
            """))
            lines.Add($"column {c[0]}.{c[1]} {c[2]} {(c[3] as string == "NO" ? "NOT NULL" : "NULL")} length={c[4] ?? "-"} precision={c[5] ?? c[6] ?? "-"} default={c[7] ?? "none"}");
        // Every constraint (primary keys, foreign keys with their actions, unique, check, exclusion) by its own definition.
        foreach (var k in await QueryAsync(connection, """
            SELECT c.conrelid::regclass::text, c.conname, c.contype::text, pg_get_constraintdef(c.oid)
            FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
            WHERE n.nspname = 'public' AND c.contype <> 'n'
            """))
            lines.Add($"{(k[2] as string == "p" ? "key" : k[2] as string == "f" ? "foreign key" : "constraint")} {k[0]} {k[1]} {k[3]}");
        foreach (var i in await QueryAsync(connection, "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'"))
            lines.Add($"index {i[0]} {i[1]} {i[2]}");
        return lines;
    }

    private static async Task<List<object?[]>> QueryAsync(DbConnection connection, string sql, string? parameter = null)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        if (parameter is not null)
        {
            var p = command.CreateParameter();
            p.ParameterName = "@p";
            p.Value = parameter;
            command.Parameters.Add(p);
        }
        var rows = new List<object?[]>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++) row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            rows.Add(row);
        }
        return rows;
    }
}

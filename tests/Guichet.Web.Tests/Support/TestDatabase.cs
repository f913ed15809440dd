using Npgsql;

namespace Guichet.Web.Tests.Support;

/// <summary>
/// A throwaway database on the provider chosen by GUICHET_TEST_DB (Sqlite by default, or Postgres with
/// GUICHET_TEST_PG pointing at a server where the user may create databases).
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public string Provider { get; }
    public string ConnectionString { get; }
    private readonly string? file;
    private readonly string? pgName;

    public static bool OnPostgres => string.Equals(Environment.GetEnvironmentVariable("GUICHET_TEST_DB"), "Postgres", StringComparison.OrdinalIgnoreCase);

    private TestDatabase(string provider, string connectionString, string? file, string? pgName)
    {
        Provider = provider; ConnectionString = connectionString; this.file = file; this.pgName = pgName;
    }

    public static async Task<TestDatabase> CreateAsync()
    {
        if (!OnPostgres)
        {
            var path = Path.Combine(Path.GetTempPath(), $"guichet-test-{Guid.NewGuid():N}.db");
            return new TestDatabase("Sqlite", $"Data Source={path}", path, null);
        }
        var admin = AdminConnectionString();
        var name = $"guichet_t_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await cmd.ExecuteNonQueryAsync();
        }
        var csb = new NpgsqlConnectionStringBuilder(admin) { Database = name, MaxPoolSize = 200 };
        return new TestDatabase("Postgres", csb.ConnectionString, null, name);
    }

    private static string AdminConnectionString() =>
        Environment.GetEnvironmentVariable("GUICHET_TEST_PG")
        ?? throw new InvalidOperationException("GUICHET_TEST_DB=Postgres demande GUICHET_TEST_PG (chaîne de connexion d'un serveur de test).");

    public async ValueTask DisposeAsync()
    {
        if (file is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var f in new[] { file, file + "-wal", file + "-shm" })
                try { File.Delete(f); } catch (IOException) { }
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

using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Guichet.Cluster.Tests.Support;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Guichet.Cluster.Tests;

/// <summary>
/// docs/backup.md, done: a live node's database is backed up the documented way, restored into a new database, and a
/// node started on the copy (no demo seed) reads back the appointments and the requests made before the backup.
/// </summary>
public sealed class BackupRestoreTests
{
    private const string Open311Key = "noeuds-sauvegarde-0123456789abcdef";

    private static Dictionary<string, string> Settings(ClusterDatabase database, bool seed)
    {
        var s = Node.BaseSettings(database);
        s["Database__SeedDemo"] = seed ? "true" : "false";
        s["Open311__ApiKeys__0__Key"] = Open311Key;
        s["Open311__ApiKeys__0__Organisation"] = "mairie-lorval";
        s["Open311__ApiKeys__0__Client"] = "Sauvegarde";
        return s;
    }

    private sealed record Made(List<Created> Appointments, List<(string Id, string Description)> Requests);

    /// <summary>Three appointments and two Open311 requests, through the front door.</summary>
    private static async Task<Made> MakeDataAsync(HttpClient http)
    {
        var slots = await BookingLoad.DistinctSlotsAsync(http, 3);
        var appointments = new List<Created>();
        foreach (var (slot, i) in slots.Select((s, i) => (s, i)))
        {
            using var answer = await http.PostAsJsonAsync("/api/v1/appointments", BookingLoad.Body(slot, $"sauvegarde-{i}@exemple.fr"));
            Assert.Equal(HttpStatusCode.Created, answer.StatusCode);
            appointments.Add((await answer.Content.ReadFromJsonAsync<Created>(BookingLoad.Json))!);
        }
        var requests = new List<(string, string)>();
        foreach (var description in new[] { "Lampadaire éteint rue des Lilas.", "Nid-de-poule devant l'école." })
        {
            using var answer = await http.PostAsync("/open311/v2/requests.json", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["api_key"] = Open311Key, ["jurisdiction_id"] = "mairie-lorval", ["service_code"] = "lorval-voirie",
                ["lat"] = "48.0699", ["long"] = "-0.7728", ["address_string"] = "12 rue de la Gare, Lorval",
                ["description"] = description, ["first_name"] = "Camille", ["last_name"] = "Martin",
                ["email"] = "signal@exemple.fr", ["attribute[champ1]"] = "1",
            }));
            var body = await answer.Content.ReadAsStringAsync();
            Assert.True(answer.StatusCode == HttpStatusCode.Created, body);
            requests.Add((JsonDocument.Parse(body).RootElement[0].GetProperty("service_request_id").GetString()!, description));
        }
        return new Made(appointments, requests);
    }

    private static async Task ReadBackAsync(HttpClient http, Made made)
    {
        foreach (var a in made.Appointments)
        {
            using var answer = await http.GetAsync($"/api/v1/appointments/{a.Code}?token={Uri.EscapeDataString(a.Token)}");
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            Assert.Contains(a.Code, await answer.Content.ReadAsStringAsync());
        }
        foreach (var (id, description) in made.Requests)
        {
            using var answer = await http.GetAsync($"/open311/v2/requests/{id}.json?jurisdiction_id=mairie-lorval");
            var body = await answer.Content.ReadAsStringAsync();
            Assert.True(answer.StatusCode == HttpStatusCode.OK, body);
            Assert.Equal(description, JsonDocument.Parse(body).RootElement[0].GetProperty("description").GetString());
        }
    }

    [Fact]
    public async Task A_postgresql_database_dumped_with_pg_dump_while_a_node_runs_restores_into_a_new_database_that_a_node_reads_back()
    {
        await using var source = await ClusterDatabase.PostgresAsync();
        await using var node = await Node.StartAsync("source", Settings(source, seed: true));
        using var http = node.NewClient();
        var made = await MakeDataAsync(http);

        var dump = Path.Combine(Path.GetTempPath(), $"guichet-{Guid.NewGuid():N}.dump");
        try
        {
            var admin = new NpgsqlConnectionStringBuilder(ClusterDatabase.AdminConnectionString());
            string[] server = ["-h", admin.Host!, "-p", admin.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", admin.Username!];
            // docs/backup.md: pg_dump --format=custom, while the app serves.
            await RunAsync(PgTool("pg_dump"), [.. server, "--format=custom", "--no-owner", "--file", dump, source.PostgresName!]);
            // docs/backup.md: a new, empty database from template0, then pg_restore into it.
            var name = $"guichet_r_{Guid.NewGuid():N}";
            await using (var connection = new NpgsqlConnection(admin.ConnectionString))
            {
                await connection.OpenAsync();
                await using var create = new NpgsqlCommand($"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8'", connection);
                await create.ExecuteNonQueryAsync();
            }
            await using var restored = await ClusterDatabase.PostgresExistingAsync(name);
            await RunAsync(PgTool("pg_restore"), [.. server, "--no-owner", "--exit-on-error", "--dbname", name, dump]);

            // The data made after the backup is not in the copy; what was made before is.
            await using var copy = await Node.StartAsync("restored", Settings(restored, seed: false));
            using var http2 = copy.NewClient();
            await ReadBackAsync(http2, made);
        }
        finally
        {
            File.Delete(dump);
        }
    }

    [Fact]
    public async Task A_sqlite_file_copied_with_vacuum_into_while_the_node_runs_opens_and_a_node_reads_it_back()
    {
        await using var source = ClusterDatabase.Sqlite();
        await using var node = await Node.StartAsync("source", Settings(source, seed: true));
        using var http = node.NewClient();
        var made = await MakeDataAsync(http);

        // docs/backup.md: VACUUM INTO from a second connection while the app runs: a consistent copy, WAL included.
        await using var copyDb = ClusterDatabase.Sqlite();
        await using (var connection = new SqliteConnection(source.ConnectionString))
        {
            await connection.OpenAsync();
            await using var vacuum = connection.CreateCommand();
            vacuum.CommandText = "VACUUM INTO $file";
            vacuum.Parameters.AddWithValue("$file", copyDb.File!);
            await vacuum.ExecuteNonQueryAsync();
        }
        await using (var connection = new SqliteConnection(copyDb.ConnectionString))
        {
            await connection.OpenAsync();
            await using var check = connection.CreateCommand();
            check.CommandText = "PRAGMA integrity_check";
            Assert.Equal("ok", (string?)await check.ExecuteScalarAsync());
        }
        SqliteConnection.ClearAllPools();

        await using var copy = await Node.StartAsync("restored", Settings(copyDb, seed: false));
        using var http2 = copy.NewClient();
        await ReadBackAsync(http2, made);
    }

    /// <summary>The PostgreSQL client tools of the server's version (scripts/pg-test.sh takes the highest under /usr/lib/postgresql).</summary>
    private static string PgTool(string name)
    {
        var found = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin", name)).Where(File.Exists)
                .OrderBy(p => int.TryParse(Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(p))), out var v) ? v : 0).LastOrDefault()
            : null;
        return found ?? name;
    }

    private static async Task RunAsync(string tool, string[] args)
    {
        var info = new ProcessStartInfo(tool, args) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{Path.GetFileName(tool)} exited {process.ExitCode}: {await stderr}{await stdout}");
    }
}

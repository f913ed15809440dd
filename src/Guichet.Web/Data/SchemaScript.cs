using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Data;

/// <summary>
/// `dotnet run --no-launch-profile --project src/Guichet.Web -- schema-script Sqlite|Postgres` prints the schema EF expects.
/// The EF design-time tools are not available here, so a new migration is written by hand from the
/// difference between this and the previous scripts; the schema test then proves they agree.
/// </summary>
public static class SchemaScript
{
    public static bool TryRun(string[] args)
    {
        if (args is not ["schema-script", var name]) return false;
        var provider = Enum.Parse<DatabaseProvider>(name, ignoreCase: true);
        Console.WriteLine(Generate(provider));
        return true;
    }

    public static string Generate(DatabaseProvider provider)
    {
        var options = new DbContextOptionsBuilder<GuichetDb>();
        if (provider == DatabaseProvider.Sqlite) options.UseSqlite("Data Source=:memory:");
        else options.UseNpgsql("Host=localhost");
        using var db = new GuichetDb(options.Options);
        return db.Database.GenerateCreateScript();
    }
}

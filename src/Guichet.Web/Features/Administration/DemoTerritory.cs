using Guichet.Domain.Calendar;
using Guichet.Web.Data;
using Guichet.Web.Platform;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Administration;

/// <summary>
/// A fictional but believable territory, the Val de Lorne: three town halls with fingerprint stations
/// (Lorval has two), four partner communes without one, and the prefecture. Seeded idempotently: rows
/// already there are left as they are.
/// </summary>
public sealed class DemoTerritory(GuichetDb db, TimeProvider clock, Nearby.CommuneImport communes)
{
    /// <summary>Shown on the sign-in page in Development only.</summary>
    public const string Password = "Demo-Guichet-2026";

    public static readonly (string Email, string Name, string Organisation, AgentRole Role)[] Agents =
    [
        ("accueil@lorval.demo", "Camille Morvan (accueil)", "mairie-lorval", AgentRole.Agent),
        ("admin@lorval.demo", "Yannick Le Bihan (administrateur)", "mairie-lorval", AgentRole.Administrator),
        ("superviseur@lorval.demo", "Nadia Benali (responsable)", "mairie-lorval", AgentRole.Supervisor),
        ("accueil@saint-aubin.demo", "Lucas Perrin (accueil)", "mairie-saint-aubin", AgentRole.Agent),
        ("admin@saint-aubin.demo", "Maëlle Guérin (administratrice)", "mairie-saint-aubin", AgentRole.Administrator),
        ("accueil@montclair.demo", "Inès Garnier (accueil)", "mairie-montclair", AgentRole.Agent),
        ("mairie@vernay.demo", "Hélène Roussel (mairie associée)", "mairie-vernay", AgentRole.Partner),
        ("prefecture@lorne.demo", "Marc Tessier (préfecture)", "prefecture-lorne", AgentRole.Supervisor),
    ];

    private static readonly string AllReasons = "CNI PASSPORT CNI-PASSPORT WITHDRAWAL";
    private static readonly string Deposits = "CNI PASSPORT CNI-PASSPORT";

    public async Task EnsureAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        Organisation Org(string id, string name, OrganisationKind kind, string phone) =>
            new() { Id = id, Name = name, Kind = kind, DepartmentCode = "53", Phone = phone, Email = $"contact@{id}.demo", CreatedUtc = now };

        await AddMissingAsync(db.Organisations, o => o.Id, ct,
            Org("mairie-lorval", "Mairie de Lorval", OrganisationKind.Commune, "02 43 98 12 00"),
            Org("mairie-saint-aubin", "Mairie de Saint-Aubin-sur-Lorne", OrganisationKind.Commune, "02 43 98 40 10"),
            Org("mairie-montclair", "Mairie de Montclair-en-Bocage", OrganisationKind.Commune, "02 43 98 71 30"),
            Org("mairie-vernay", "Mairie de Vernay-le-Petit", OrganisationKind.Commune, "02 43 98 22 45"),
            Org("mairie-essarts", "Mairie des Essarts-de-Lorne", OrganisationKind.Commune, "02 43 98 55 02"),
            Org("mairie-brehan", "Mairie de Bréhan-la-Forêt", OrganisationKind.Commune, "02 43 98 63 17"),
            Org("mairie-quince", "Mairie de Quincé", OrganisationKind.Commune, "02 43 98 80 91"),
            Org("prefecture-lorne", "Préfecture du Val de Lorne", OrganisationKind.Prefecture, "02 43 98 00 00"));

        Partnership Partner(string host, string partner) =>
            new() { Id = $"{partner}--{host}", OrganisationId = host, PartnerOrganisationId = partner, CreatedUtc = now };
        await AddMissingAsync(db.Partnerships, p => p.Id, ct,
            Partner("mairie-lorval", "mairie-vernay"), Partner("mairie-lorval", "mairie-essarts"),
            Partner("mairie-saint-aubin", "mairie-brehan"), Partner("mairie-montclair", "mairie-quince"));

        await AddMissingAsync(db.Sites, s => s.Id, ct,
            new Site { Id = "lorval-hotel-de-ville", OrganisationId = "mairie-lorval", Name = "Hôtel de ville de Lorval",
                Address = "2 place de la République", PostalCode = "53120", City = "Lorval", Latitude = 48.3021, Longitude = -0.6174,
                TimeZone = "Europe/Paris", Territory = Territory.Metropolitan, Phone = "02 43 98 12 00" },
            new Site { Id = "saint-aubin-mairie", OrganisationId = "mairie-saint-aubin", Name = "Mairie de Saint-Aubin-sur-Lorne",
                Address = "14 rue du Général-de-Gaulle", PostalCode = "53140", City = "Saint-Aubin-sur-Lorne", Latitude = 48.4127, Longitude = -0.3981,
                TimeZone = "Europe/Paris", Territory = Territory.Metropolitan, Phone = "02 43 98 40 10" },
            new Site { Id = "montclair-mairie", OrganisationId = "mairie-montclair", Name = "Mairie de Montclair-en-Bocage",
                Address = "1 rue de l'Église", PostalCode = "53300", City = "Montclair-en-Bocage", Latitude = 48.1863, Longitude = -0.8215,
                TimeZone = "Europe/Paris", Territory = Territory.Metropolitan, Phone = "02 43 98 71 30" });

        await AddMissingAsync(db.Stations, s => s.Id, ct,
            new Station { Id = "lorval-dr1", OrganisationId = "mairie-lorval", SiteId = "lorval-hotel-de-ville", Name = "Poste 1 (rez-de-chaussée)" },
            new Station { Id = "lorval-dr2", OrganisationId = "mairie-lorval", SiteId = "lorval-hotel-de-ville", Name = "Poste 2 (bureau de l'état civil)" },
            new Station { Id = "saint-aubin-dr1", OrganisationId = "mairie-saint-aubin", SiteId = "saint-aubin-mairie", Name = "Poste unique" },
            new Station { Id = "montclair-dr1", OrganisationId = "mairie-montclair", SiteId = "montclair-mairie", Name = "Poste unique" });

        foreach (var org in new[] { "mairie-lorval", "mairie-saint-aubin", "mairie-montclair" })
            await AddMissingAsync(db.Reasons, r => r.Id, ct,
                new Reason { Id = $"{org}-cni", OrganisationId = org, Code = "CNI", Name = "Carte nationale d'identité", MinutesPerPerson = 15, MinutesWithPreRequest = 10, MaxPersons = 6, SortOrder = 1 },
                new Reason { Id = $"{org}-passport", OrganisationId = org, Code = "PASSPORT", Name = "Passeport", MinutesPerPerson = 15, MinutesWithPreRequest = 10, MaxPersons = 6, SortOrder = 2 },
                new Reason { Id = $"{org}-cni-passport", OrganisationId = org, Code = "CNI-PASSPORT", Name = "Carte d'identité et passeport", MinutesPerPerson = 20, MinutesWithPreRequest = 15, MaxPersons = 6, SortOrder = 3 },
                new Reason { Id = $"{org}-withdrawal", OrganisationId = org, Code = "WITHDRAWAL", Name = "Retrait d'un titre", MinutesPerPerson = 10, MinutesWithPreRequest = 10, MaxPersons = 6, SortOrder = 4 });

        var rules = new List<OpeningRule>();
        void Rule(string station, DayOfWeek day, string from, string to, string reasons) => rules.Add(new OpeningRule
        {
            Id = $"{station}-{(int)day}-{from.Replace(":", "")}",
            OrganisationId = station.StartsWith("lorval") ? "mairie-lorval" : station.StartsWith("saint-aubin") ? "mairie-saint-aubin" : "mairie-montclair",
            StationId = station, DayOfWeek = day, StartTime = TimeOnly.Parse(from), EndTime = TimeOnly.Parse(to),
            ValidFrom = new DateOnly(2024, 1, 1), ValidUntil = null, ReasonCodes = reasons,
        });
        DayOfWeek[] weekdays = [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday];
        foreach (var d in weekdays) Rule("lorval-dr1", d, "08:30", "12:00", AllReasons);
        Rule("lorval-dr1", DayOfWeek.Tuesday, "13:30", "17:00", Deposits);
        Rule("lorval-dr1", DayOfWeek.Thursday, "13:30", "17:00", Deposits);
        Rule("lorval-dr1", DayOfWeek.Saturday, "09:00", "12:00", Deposits);
        foreach (var d in weekdays) Rule("lorval-dr2", d, "09:00", "12:00", Deposits);
        foreach (var d in new[] { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Thursday, DayOfWeek.Friday }) Rule("lorval-dr2", d, "14:00", "17:30", Deposits);
        Rule("lorval-dr2", DayOfWeek.Wednesday, "14:00", "17:30", "WITHDRAWAL");
        foreach (var d in new[] { DayOfWeek.Monday, DayOfWeek.Wednesday, DayOfWeek.Friday })
        {
            Rule("saint-aubin-dr1", d, "09:00", "12:00", AllReasons);
            Rule("saint-aubin-dr1", d, "14:00", "17:00", Deposits);
        }
        foreach (var d in new[] { DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday, DayOfWeek.Saturday })
            Rule("montclair-dr1", d, "09:00", "12:00", AllReasons);
        Rule("montclair-dr1", DayOfWeek.Thursday, "14:00", "18:30", Deposits);
        await AddMissingAsync(db.OpeningRules, r => r.Id, ct, rules.ToArray());

        await communes.EnsureDemoAsync(ct);
        await Requests.RequestsDemo.EnsureAsync(db, ct);   // services and request categories
        await Requests.InboundDemo.EnsureAsync(db, ct);    // e-mail, SMS and voice doors into requests
        await Requests.WorkflowDemo.EnsureAsync(db, ct);   // canned answers for the requests
        await Satisfaction.SatisfactionDemo.EnsureAsync(db, clock, ct);   // surveys switched on at Lorval, a few answers

        var existing = await db.Agents.Select(a => a.Email).ToListAsync(ct);
        var missing = Agents.Where(a => !existing.Contains(a.Email)).ToList();
        if (missing.Count > 0)
        {
            // One hash for all demo agents: they share the demo password, and hashing is deliberately slow.
            var hash = Passwords.Hash(Password);
            db.Agents.AddRange(missing.Select(a => new Agent
            {
                Id = "agent-" + a.Email.Replace('@', '-').Replace('.', '-'), OrganisationId = a.Organisation, Email = a.Email,
                DisplayName = a.Name, PasswordHash = hash, Role = a.Role, CreatedUtc = now,
            }));
            await db.SaveChangesAsync(ct);
        }
    }

    private async Task AddMissingAsync<T>(DbSet<T> set, Func<T, string> key, CancellationToken ct, params T[] rows) where T : class
    {
        var ids = rows.Select(key).ToList();
        var present = (await set.AsNoTracking().ToListAsync(ct)).Select(key).Where(ids.Contains).ToHashSet();
        var toAdd = rows.Where(r => !present.Contains(key(r))).ToList();
        if (toAdd.Count == 0) return;
        set.AddRange(toAdd);
        await db.SaveChangesAsync(ct);
    }
}

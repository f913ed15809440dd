using System.Globalization;
using System.Text;
using Guichet.Domain.Satisfaction;
using Guichet.Domain.Scheduling;
using Guichet.Web.Data;
using Guichet.Web.Platform;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Satisfaction;

/// <summary>
/// Supervisors and administrators read their own organisation's survey results over a period, per site, with the
/// free comments (agents only), and export both tables as CSV. The organisation is the agent's, never a parameter.
/// </summary>
[Authorize(Roles = $"{Roles.Supervisor},{Roles.Administrator}")]
public sealed class ResultsModel(GuichetDb db, CurrentAgent current, SatisfactionOptions options, TimeProvider clock) : PageModel
{
    private const int MaxDays = 366;
    public const int MaxComments = 200;

    [BindProperty(SupportsGet = true, Name = "from")] public string? FromText { get; set; }
    [BindProperty(SupportsGet = true, Name = "to")] public string? ToText { get; set; }
    [BindProperty(SupportsGet = true, Name = "site")] public string? SiteText { get; set; }

    public string OrganisationName { get; private set; } = "";
    public DateOnly From { get; private set; }
    public DateOnly To { get; private set; }
    public string? SiteId { get; private set; }
    public IReadOnlyList<(string Id, string Name)> Sites { get; private set; } = [];
    public IReadOnlyList<SurveyQuestionResult> Questions { get; private set; } = [];
    public IReadOnlyList<SurveyComment> Comments { get; private set; } = [];
    public bool Enabled { get; private set; }
    public TimeZoneInfo Zone { get; private set; } = TimeZoneInfo.Utc;
    public int RetentionMonths => options.CommentRetentionMonths;
    public List<FieldError> Errors { get; } = [];
    public string? Invalid(string field) => Errors.Any(e => e.Field == field) ? "true" : null;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (await LoadAsync(ct) is { } challenge) return challenge;
        Response.Headers.CacheControl = "no-store";
        return Page();
    }

    /// <summary>?handler=csv&amp;table=questions|comments, same filters: semicolons and a BOM, as a French spreadsheet opens it.</summary>
    public async Task<IActionResult> OnGetCsvAsync(string? table, CancellationToken ct)
    {
        if (await LoadAsync(ct) is { } challenge) return challenge;
        if (Errors.Count > 0) return BadRequest();
        var csv = new StringBuilder();
        string name;
        if (table == "comments")
        {
            csv.Append("date;sujet;lieu_ou_service;note_generale;commentaire\r\n");
            foreach (var c in Comments)
                csv.Append(Csv(c.AnsweredUtc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture))).Append(';')
                    .Append(c.Subject == SurveySubject.Appointment ? "rendez-vous" : "demande").Append(';')
                    .Append(Csv(c.Where)).Append(';').Append(c.Overall.ToString(CultureInfo.InvariantCulture)).Append(';')
                    .Append(Csv(c.Text)).Append("\r\n");
            name = $"satisfaction-commentaires-{From:yyyy-MM-dd}-{To:yyyy-MM-dd}.csv";
        }
        else
        {
            csv.Append("question;libelle;reponses;enquetes_envoyees;taux_de_reponse_pct;moyenne;note_1;note_2;note_3;note_4;note_5\r\n");
            foreach (var q in Questions)
            {
                csv.Append(q.Question).Append(';').Append(Csv(q.Label)).Append(';').Append(q.Answers.ToString(CultureInfo.InvariantCulture)).Append(';')
                    .Append(q.SurveysSent.ToString(CultureInfo.InvariantCulture)).Append(';').Append(Number(q.ResponseRate)).Append(';').Append(Number(q.Mean));
                for (var v = SurveyQuestions.MinScore; v <= SurveyQuestions.MaxScore; v++)
                    csv.Append(';').Append(q.Distribution.TryGetValue(v, out var n) ? n.ToString(CultureInfo.InvariantCulture) : "");
                csv.Append("\r\n");
            }
            name = $"satisfaction-{From:yyyy-MM-dd}-{To:yyyy-MM-dd}.csv";
        }
        Response.Headers.CacheControl = "no-store";
        return File(Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(csv.ToString())).ToArray(), "text/csv; charset=utf-8", name);
    }

    public string CsvUrl(string table) =>
        $"/agent/qualite/satisfaction?handler=csv&table={table}&from={From:yyyy-MM-dd}&to={To:yyyy-MM-dd}" + (SiteId is null ? "" : $"&site={Uri.EscapeDataString(SiteId)}");

    /// <summary>French decimals (comma), as the page and a French spreadsheet read them.</summary>
    public static string Number(double? value) => value?.ToString("0.##", FrenchDates.Culture) ?? "";

    private async Task<IActionResult?> LoadAsync(CancellationToken ct)
    {
        var agent = await current.GetAsync(ct);
        if (agent is null) return Challenge();
        var org = agent.OrganisationId;
        OrganisationName = await db.Organisations.Where(o => o.Id == org).Select(o => o.Name).FirstAsync(ct);
        Enabled = await db.Set<SatisfactionSettings>().AnyAsync(s => s.OrganisationId == org && s.Enabled, ct);
        Sites = (await db.Sites.AsNoTracking().Where(s => s.OrganisationId == org).OrderBy(s => s.Name).Select(s => new { s.Id, s.Name }).ToListAsync(ct))
            .Select(s => (s.Id, s.Name)).ToList();
        var zone = Zone = await SatisfactionResults.ZoneAsync(db, org, ct);
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(clock.GetUtcNow().UtcDateTime, zone));
        From = Parse(FromText, "from", today.AddDays(-90));
        To = Parse(ToText, "to", today);
        if (Errors.Count == 0 && To < From) Errors.Add(new("to", "La date de fin doit suivre la date de début."));
        if (Errors.Count == 0 && To.DayNumber - From.DayNumber > MaxDays) Errors.Add(new("to", "Choisissez une période d'un an au plus."));
        var site = SiteText?.Trim();
        if (!string.IsNullOrEmpty(site))
        {
            // Another organisation's site is refused like an unknown one: its existence is not confirmed.
            if (Sites.Any(s => s.Id == site)) SiteId = site;
            else Errors.Add(new("site", "Choisissez un lieu de la liste."));
        }
        if (Errors.Count > 0)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            (From, To, SiteId) = (today.AddDays(-90), today, null);
        }
        Questions = await SatisfactionResults.ComputeAsync(db, org, From, To, SiteId, ct);
        Comments = await SatisfactionResults.CommentsAsync(db, org, From, To, SiteId, MaxComments, ct);
        return null;
    }

    private DateOnly Parse(string? text, string field, DateOnly fallback)
    {
        if (string.IsNullOrWhiteSpace(text)) return fallback;
        if (DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            && d.Year is >= 2000 and <= 2100) return d;
        Errors.Add(new(field, field == "from" ? "La date de début n'est pas valide (AAAA-MM-JJ)." : "La date de fin n'est pas valide (AAAA-MM-JJ)."));
        return fallback;
    }

    /// <summary>Quoted when needed; a leading = + - @ is neutralised so a spreadsheet never runs a comment as a formula.</summary>
    private static string Csv(string value)
    {
        var v = value.Replace("\r\n", "\n");
        if (v.Length > 0 && v[0] is '=' or '+' or '-' or '@' or '\t') v = "'" + v;
        return v.IndexOfAny([';', '"', '\n', '\r']) >= 0 ? "\"" + v.Replace("\"", "\"\"") + "\"" : v;
    }
}

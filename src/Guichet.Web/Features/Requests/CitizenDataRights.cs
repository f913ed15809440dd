using System.Globalization;
using System.Text;
using System.Text.Json;
using Guichet.Domain.Requests;
using Guichet.Domain.Scheduling;
using Guichet.Web.Data;
using Guichet.Web.Platform;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Requests;

/// <summary>
/// Removes a request's personal data and keeps the request (category, unit, channel, dates, statuses) so it still
/// counts: names, e-mail, phone, postal address, the text, the answers to the form, the place, every text of its
/// history, the attachments and the copies of the messages sent about it. Idempotent: an anonymised request is left
/// alone. The caller's transaction holds it all; once it is committed, the caller calls <see cref="DeleteRecordings"/>
/// to remove the voice messages' sound files this node can reach.
/// </summary>
public sealed class AnonymiseRequest(GuichetDb db, Microsoft.Extensions.Options.IOptions<Voice.VoiceOptions> voice, ILogger<AnonymiseRequest> log)
{
    private readonly List<string> recordings = [];

    public const string AnonymousName = "Anonyme";
    public const string RemovedText = "[contenu supprimé]";
    public const string BlankRecipient = "anonymise";

    /// <returns>false when the request was already anonymised.</returns>
    public async Task<bool> RunAsync(CitizenRequest request, DateTime nowUtc, string eventText, string? agentId, CancellationToken ct)
    {
        if (request.AnonymisedUtc is not null) return false;
        (request.FirstName, request.LastName, request.NameKey) = (null, AnonymousName, "");
        (request.Email, request.EmailKey, request.Phone, request.PostalAddress) = (null, null, null, null);
        (request.Text, request.FieldValuesJson) = (RemovedText, "[]");
        (request.Latitude, request.Longitude, request.LocationAddress) = (null, null, null);
        (request.AnonymisedUtc, request.UpdatedUtc) = (nowUtc, nowUtc);
        var id = request.Id;
        await db.Set<RequestAttachment>().Where(a => a.RequestId == id).ExecuteDeleteAsync(ct);
        // The history keeps what happened and when; only its free texts (notes, replies, comments) go.
        await db.Set<RequestEvent>().Where(e => e.RequestId == id && e.Text != null).ExecuteUpdateAsync(s => s.SetProperty(e => e.Text, (string?)null), ct);
        // Reply drafts of the approval circuit and a voice message's number and recording are the citizen's too.
        await db.Set<ReplyDraft>().Where(d => d.RequestId == id).ExecuteUpdateAsync(s => s
            .SetProperty(d => d.Text, "")
            .SetProperty(d => d.RejectionComment, (string?)null), ct);
        recordings.AddRange(await db.Set<Voice.VoiceMessage>().Where(m => m.CitizenRequestId == id && m.RecordingPath != "")
            .Select(m => m.RecordingPath).ToListAsync(ct));
        await db.Set<Voice.VoiceMessage>().Where(m => m.CitizenRequestId == id).ExecuteUpdateAsync(s => s
            .SetProperty(m => m.CallbackNumber, (string?)null)
            .SetProperty(m => m.RecordingPath, ""), ct);
        // The satisfaction survey's comment is the citizen's words too; its scores stay, for the results.
        await db.Set<Satisfaction.SatisfactionSurvey>().Where(s => s.RequestId == id && s.Comment != null).ExecuteUpdateAsync(s => s
            .SetProperty(x => x.Comment, (string?)null)
            .SetProperty(x => x.CommentRemovedUtc, nowUtc), ct);
        var prefix = $"request:{id}:";
        await db.OutboxMessages.Where(m => m.IdempotencyKey.StartsWith(prefix)).ExecuteUpdateAsync(s => s
            .SetProperty(m => m.Recipient, BlankRecipient)
            .SetProperty(m => m.Subject, (string?)null)
            .SetProperty(m => m.Body, "")
            .SetProperty(m => m.HtmlBody, (string?)null), ct);
        RequestHistory.Add(db, request, RequestEventKind.Anonymised, agentId, nowUtc, eventText, isPublic: false);
        return true;
    }

    /// <summary>
    /// After the commit: deletes the sound files of the messages anonymised, when they are files under
    /// <c>Voice:RecordingsPath</c> that this node sees (a directory shared with the PBX). A provider's recording (a
    /// TwiML URL) or a file on a PBX this node cannot reach stays where it is; the database no longer points to it.
    /// </summary>
    /// <returns>How many files were deleted.</returns>
    public int DeleteRecordings()
    {
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(voice.Value.RecordingsPath)) + Path.DirectorySeparatorChar;
        var deleted = 0;
        foreach (var path in recordings)
        {
            if (!Path.IsPathFullyQualified(path)) continue;
            var full = Path.GetFullPath(path);
            if (!full.StartsWith(root, StringComparison.Ordinal)) continue;
            try
            {
                if (!File.Exists(full)) continue;
                File.Delete(full);
                deleted++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                log.LogWarning("A voice message's recording was not deleted: {Error}", e.GetType().Name);
            }
        }
        recordings.Clear();
        return deleted;
    }
}

public sealed record CitizenExport(string FileName, string ContentType, byte[] Content, int Count);

public abstract record EraseResult
{
    public sealed record Erased(int Count) : EraseResult;
    public sealed record Refused(IReadOnlyList<FieldError> Errors) : EraseResult;
}

/// <summary>
/// A citizen's rights over their data (RGPD art. 15, 17, 20), exercised by an administrator of the organisation for
/// the requests sent with one e-mail address: export them (JSON or CSV), or erase them (anonymise, with the reason).
/// Both are recorded (request_data_actions and an event on each request).
/// </summary>
public sealed class CitizenDataRights(GuichetDb db, AnonymiseRequest anonymise, TimeProvider clock, ILogger<CitizenDataRights> log)
{
    public static string? NormaliseEmail(string? email)
    {
        var e = email?.Trim().ToLowerInvariant();
        return string.IsNullOrEmpty(e) || e.Length > 254 || e.IndexOf('@') <= 0 || e.Any(char.IsWhiteSpace) ? null : e;
    }

    /// <summary>The organisation's not-yet-anonymised requests sent with that address (compared without case).</summary>
    public Task<List<CitizenRequest>> FindAsync(string organisationId, string email, CancellationToken ct) =>
        db.CitizenRequests.Where(r => r.OrganisationId == organisationId && r.EmailKey == email && r.AnonymisedUtc == null)
            .OrderBy(r => r.ReceivedUtc).ToListAsync(ct);

    public async Task<CitizenExport> ExportAsync(Agent admin, string email, string format, CancellationToken ct)
    {
        var requests = await FindAsync(admin.OrganisationId, email, ct);
        var ids = requests.Select(r => r.Id).ToList();
        var categories = await db.Set<Category>().AsNoTracking().Where(c => c.OrganisationId == admin.OrganisationId).ToDictionaryAsync(c => c.Id, c => c.Name, ct);
        var events = (await db.Set<RequestEvent>().AsNoTracking().Where(e => ids.Contains(e.RequestId) && e.Public).ToListAsync(ct))
            .OrderBy(e => e.AtUtc).ToLookup(e => e.RequestId);
        var attachments = (await db.Set<RequestAttachment>().AsNoTracking().Where(a => ids.Contains(a.RequestId))
            .Select(a => new { a.RequestId, a.FileName, a.ContentType, a.Size }).ToListAsync(ct)).ToLookup(a => a.RequestId);
        var now = clock.GetUtcNow().UtcDateTime;
        byte[] content;
        string type, name;
        if (format == "csv")
        {
            var b = new StringBuilder("code;categorie;canal;etat;recue_le_utc;echeance;prenom;nom;courriel;telephone;adresse_postale;lieu;latitude;longitude;texte;reponses;pieces_jointes\r\n");
            foreach (var r in requests)
                b.AppendJoin(';', new[]
                {
                    r.TrackingCode, categories.GetValueOrDefault(r.CategoryId, r.CategoryId), r.Channel.ToString(), RequestLifecycle.Label(r.Status),
                    r.ReceivedUtc.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture), r.DueDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    r.FirstName, r.LastName, r.Email, r.Phone, r.PostalAddress, r.LocationAddress,
                    r.Latitude?.ToString(CultureInfo.InvariantCulture), r.Longitude?.ToString(CultureInfo.InvariantCulture), r.Text,
                    string.Join(" | ", events[r.Id].Where(e => e.Kind == RequestEventKind.Reply).Select(e => e.Text)),
                    string.Join(" | ", attachments[r.Id].Select(a => a.FileName)),
                }.Select(Csv)).Append("\r\n");
            // A BOM so that a spreadsheet opens the accents right.
            content = [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(b.ToString())];
            (type, name) = ("text/csv; charset=utf-8", "donnees-usager.csv");
        }
        else
        {
            var doc = new
            {
                exportedUtc = now,
                organisationId = admin.OrganisationId,
                email,
                requests = requests.Select(r => new
                {
                    trackingCode = r.TrackingCode,
                    category = categories.GetValueOrDefault(r.CategoryId, r.CategoryId),
                    channel = r.Channel.ToString(),
                    status = RequestLifecycle.Label(r.Status),
                    receivedUtc = r.ReceivedUtc,
                    dueDate = r.DueDate,
                    implicitDecisionOn = r.ImplicitDecisionOn,
                    firstName = r.FirstName, lastName = r.LastName, email = r.Email, phone = r.Phone, postalAddress = r.PostalAddress,
                    location = new { address = r.LocationAddress, latitude = r.Latitude, longitude = r.Longitude },
                    text = r.Text,
                    answers = r.FieldValues,
                    history = events[r.Id].Select(e => new { atUtc = e.AtUtc, kind = e.Kind.ToString(), status = e.ToStatus?.ToString(), text = e.Text }),
                    attachments = attachments[r.Id].Select(a => new { fileName = a.FileName, contentType = a.ContentType, size = a.Size }),
                }),
            };
            content = JsonSerializer.SerializeToUtf8Bytes(doc, new JsonSerializerOptions(RequestJson.Options)
            {
                WriteIndented = true,
                // A file for the citizen to read: accents as they are (the file is not embedded in HTML).
                Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Create(System.Text.Unicode.UnicodeRanges.All),
            });
            (type, name) = ("application/json; charset=utf-8", "donnees-usager.json");
        }
        foreach (var r in requests)
            RequestHistory.Add(db, r, RequestEventKind.Exported, admin.Id, now, $"Données de l'usager exportées ({format.ToUpperInvariant()}).", isPublic: false);
        db.Add(new RequestDataAction
        {
            Id = Secrets.NewId(), OrganisationId = admin.OrganisationId, AgentId = admin.Id, Kind = DataActionKind.Export,
            RequestCount = requests.Count, Format = format, AtUtc = now,
        });
        await db.SaveChangesAsync(ct);
        log.LogInformation("Agent {AgentId} exported the data of {Count} requests ({Format})", admin.Id, requests.Count, format);
        return new CitizenExport(name, type, content, requests.Count);
    }

    public async Task<EraseResult> EraseAsync(Agent admin, string email, string? reason, CancellationToken ct)
    {
        var why = reason?.Trim() ?? "";
        if (why.Length == 0) return new EraseResult.Refused([new("reason", "Indiquez pourquoi les données sont effacées (par exemple : demande de l'usager reçue le …).")]);
        if (why.Length > RequestDataAction.MaxReasonLength) return new EraseResult.Refused([new("reason", $"Le motif dépasse {RequestDataAction.MaxReasonLength} caractères.")]);
        var now = clock.GetUtcNow().UtcDateTime;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var requests = await FindAsync(admin.OrganisationId, email, ct);
        var count = 0;
        foreach (var r in requests)
            if (await anonymise.RunAsync(r, now, "Données personnelles effacées à la demande de l'usager.", admin.Id, ct)) count++;
        // The address also sits in personal-space links and their messages: gone with it.
        await db.Set<CitizenSpaceLink>().Where(l => l.Email == email).ExecuteDeleteAsync(ct);
        await CitizenSpace.BlankLinkMessagesAsync(db, m => m.Recipient == email, ct);
        db.Add(new RequestDataAction
        {
            Id = Secrets.NewId(), OrganisationId = admin.OrganisationId, AgentId = admin.Id, Kind = DataActionKind.Erase,
            RequestCount = count, Reason = why, AtUtc = now,
        });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        anonymise.DeleteRecordings();
        log.LogInformation("Agent {AgentId} erased the data of {Count} requests", admin.Id, count);
        return new EraseResult.Erased(count);
    }

    private static string Csv(string? value)
    {
        var v = value ?? "";
        // A cell starting with = + - @ would be a formula in a spreadsheet: quoted and prefixed.
        if (v.Length > 0 && v[0] is '=' or '+' or '-' or '@') v = "'" + v;
        return v.IndexOfAny([';', '"', '\n', '\r']) >= 0 ? "\"" + v.Replace("\"", "\"\"") + "\"" : v;
    }
}

/// <summary>Section "Retention": the background pass that anonymises closed requests past their category's retention.</summary>
public sealed class RetentionOptions
{
    public bool Enabled { get; set; } = true;
    public int PollMinutes { get; set; } = 60;
    public int BatchSize { get; set; } = 200;

    public IEnumerable<string> Problems()
    {
        if (PollMinutes is < 1 or > 1440) yield return "Retention:PollMinutes doit être compris entre 1 et 1440.";
        if (BatchSize is < 1 or > 10_000) yield return "Retention:BatchSize doit être compris entre 1 et 10000.";
    }
}

/// <summary>
/// One retention pass: closed requests whose category's retention has run out since their closure (the last move to
/// « Close » in their history) are anonymised, a batch at a time; expired personal-space links are deleted.
/// Safe to run on several nodes at once: anonymising twice changes nothing.
/// </summary>
public sealed class RetentionJob(GuichetDb db, AnonymiseRequest anonymise, RetentionOptions options, TimeProvider clock, ILogger<RetentionJob> log)
{
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await db.Set<CitizenSpaceLink>().Where(l => l.ExpiresUtc < now).ExecuteDeleteAsync(ct);
        // A space link's message outlives the link only as a trace that something was sent, without address or link.
        var expired = now - CitizenSpace.LinkLifetime;
        await CitizenSpace.BlankLinkMessagesAsync(db, m => m.CreatedUtc < expired, ct);
        // One query per retention value in use, so the bound is exact in SQL and a batch never fills with requests
        // that are not due yet.
        var due = new List<string>();
        foreach (var months in await db.Set<Category>().Select(c => c.RetentionMonths).Distinct().ToListAsync(ct))
        {
            if (due.Count >= options.BatchSize) break;
            if (months is < Retention.MinMonths or > Retention.MaxMonths) continue;
            var bound = Retention.ClosedBefore(months, now);
            due.AddRange(await (
                from r in db.CitizenRequests
                where r.Status == RequestStatus.Closed && r.AnonymisedUtc == null
                join c in db.Set<Category>() on r.CategoryId equals c.Id
                where c.RetentionMonths == months
                let closed = db.Set<RequestEvent>().Where(e => e.RequestId == r.Id && e.ToStatus == RequestStatus.Closed).Max(e => (DateTime?)e.AtUtc)
                where (closed ?? r.UpdatedUtc) <= bound
                orderby r.Id
                select r.Id).Take(options.BatchSize - due.Count).ToListAsync(ct));
        }
        if (due.Count == 0) return 0;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var done = new List<CitizenRequest>();
        foreach (var request in await db.CitizenRequests.Where(r => due.Contains(r.Id)).ToListAsync(ct))
            if (await anonymise.RunAsync(request, now, "Données personnelles effacées : durée de conservation échue.", null, ct)) done.Add(request);
        foreach (var organisation in done.GroupBy(r => r.OrganisationId))
            db.Add(new RequestDataAction { Id = Secrets.NewId(), OrganisationId = organisation.Key, Kind = DataActionKind.Anonymise, AtUtc = now, RequestCount = organisation.Count() });
        var count = done.Count;
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        anonymise.DeleteRecordings();
        log.LogInformation("Retention pass anonymised {Count} requests", count);
        return count;
    }
}

public sealed class RetentionWorker(IServiceScopeFactory scopes, RetentionOptions options, TimeProvider clock, ILogger<RetentionWorker> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(options.PollMinutes), clock);
        while (await timer.WaitForNextTickAsync(stop))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<RetentionJob>().RunOnceAsync(stop);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogError(e, "Retention pass failed; the next pass tries again");
            }
        }
    }
}

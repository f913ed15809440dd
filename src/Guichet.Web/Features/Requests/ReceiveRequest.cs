using System.Security.Cryptography;
using Guichet.Domain.Calendar;
using Guichet.Domain.Contacts;
using Guichet.Domain.Requests;
using Guichet.Domain.Scheduling;
using Guichet.Web.Data;
using Guichet.Web.Features.Notifications;
using Guichet.Web.Platform;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Requests;

public sealed record CitizenContact(string? FirstName, string? LastName, string? Email, string? Phone, string? PostalAddress = null);

/// <summary>Where the request is about: coordinates, an address typed by the citizen, or both.</summary>
public sealed record RequestLocation(double? Latitude, double? Longitude, string? Address);

public sealed record IncomingAttachment(string FileName, string ContentType, byte[] Content);

/// <summary>
/// A request as any channel hands it over: the web form, an agent at the counter, and later the e-mail parser, the
/// voice server and Open311. <paramref name="Fields"/> are the answers to the category's own questions, keyed by
/// <see cref="FormField.InputName"/>. <paramref name="PrivateNote"/> is what the channel tells the agents about how it
/// came (e.g. which Open311 application sent it), written to the history in the same transaction, never shown to the citizen.
/// </summary>
public sealed record IncomingRequest(
    string OrganisationId, string CategoryId, RequestChannel Channel, CitizenContact Contact, string? Text,
    IReadOnlyDictionary<string, string?> Fields, IReadOnlyList<IncomingAttachment> Attachments, RequestLocation? Location,
    string? RegisteredByAgentId = null, InboundSource? Source = null, string? PrivateNote = null, string? SplitFromRequestId = null,
    DateTime? ReceivedUtc = null);

public abstract record ReceiveResult
{
    /// <param name="AcknowledgedBy">the channel of the acknowledgement in the outbox; null when none could be sent (post: print it).</param>
    public sealed record Received(CitizenRequest Request, Unit Unit, Acknowledgement Acknowledgement, MessageChannel? AcknowledgedBy) : ReceiveResult;
    public sealed record Refused(IReadOnlyList<FieldError> Errors) : ReceiveResult;
}

/// <summary>
/// The one door every channel uses to file a request: checks it, routes it to its category's unit, computes the
/// deadline in working days of the organisation's calendar, draws the tracking code, and saves in one transaction the
/// request, its attachments, its first events and the acknowledgement in the outbox.
/// </summary>
public sealed class ReceiveRequest(GuichetDb db, RequestMessages messages, RequestsOptions options, TimeProvider clock, ILogger<ReceiveRequest> log)
{
    private const int CodeAttempts = 5;

    public async Task<ReceiveResult> RunAsync(IncomingRequest incoming, CancellationToken ct)
    {
        var errors = new List<FieldError>();
        var category = await db.Set<Category>().AsNoTracking()
            .FirstOrDefaultAsync(c => c.Id == incoming.CategoryId && c.OrganisationId == incoming.OrganisationId && c.Active, ct);
        if (category is null) return Refuse("category", "Cette catégorie de demande n'existe pas ou n'est plus proposée.");
        // A category routed by sector goes to the unit of the place it is about, else of the citizen's address.
        var routedTo = SectorRouting.UnitFor(category.SectorRoutes, incoming.Location?.Address, incoming.Contact.PostalAddress);
        var unit = (routedTo is null ? null : await db.Set<Unit>().AsNoTracking().FirstOrDefaultAsync(u => u.Id == routedTo && u.OrganisationId == incoming.OrganisationId && u.Active, ct))
                   ?? await db.Set<Unit>().AsNoTracking().FirstAsync(u => u.Id == category.UnitId, ct);
        var organisation = await db.Organisations.AsNoTracking().FirstAsync(o => o.Id == incoming.OrganisationId, ct);

        // Only the web form shows the category's questions; other channels file what they were given.
        // A request split out of another by an agent keeps the channel but not the web form's questions.
        var strict = incoming.Channel == RequestChannel.Web && incoming.SplitFromRequestId is null;
        var fields = category.Fields;
        var (values, fieldErrors) = RequestForm.Check(strict ? fields : fields.Select(f => f with { Required = false }).ToList(), incoming.Fields);
        errors.AddRange(fieldErrors);

        var c = incoming.Contact;
        var lastName = Clean(c.LastName, 100);
        var firstName = Clean(c.FirstName, 100);
        var email = Clean(c.Email, 254);
        var phone = Clean(c.Phone, 30);
        var postal = Clean(c.PostalAddress, 300);
        if (lastName is null) errors.Add(new("lastName", "Indiquez votre nom de famille : il sert, avec le code, à suivre la demande."));
        if (email is not null && !LooksLikeEmail(email)) errors.Add(new("email", "Cette adresse électronique n'est pas valide (exemple : prenom.nom@exemple.fr)."));
        FrenchPhone? parsedPhone = null;
        if (phone is not null && (parsedPhone = FrenchPhone.Parse(phone)) is null) errors.Add(new("phone", "Ce numéro de téléphone n'est pas valide (exemple : 06 12 34 56 78)."));
        if (email is null && phone is null && postal is null)
            errors.Add(new("email", "Indiquez au moins un moyen de vous répondre : une adresse électronique, un téléphone ou une adresse postale."));

        var text = incoming.Text?.Trim() ?? "";
        if (text.Length == 0) errors.Add(new("text", "Décrivez votre demande."));
        else if (text.Length > CitizenRequest.MaxTextLength) errors.Add(new("text", $"La description dépasse {CitizenRequest.MaxTextLength} caractères : raccourcissez-la ou joignez un document."));
        if (text.Contains('\0')) errors.Add(new("text", "La description contient un caractère non autorisé."));

        var location = CheckLocation(incoming.Location, strict && fields.Any(f => f.Kind == FieldKind.Location && f.Required), errors);
        var files = CheckAttachments(incoming.Attachments, strict && fields.Any(f => f.Kind == FieldKind.Attachment && f.Required), errors);
        if (errors.Count > 0) return new ReceiveResult.Refused(errors);

        var now = clock.GetUtcNow().UtcDateTime;
        var (zone, calendar) = await OrganisationCalendar.ForAsync(db, organisation, ct);
        // When the organisation received it: now, except for the part split off a request, which keeps the original's day and deadline.
        var received = incoming.ReceivedUtc is { } r && r <= now ? r : now;
        var due = Deadline.Due(received, zone, category.DaysFor(incoming.Channel), calendar);
        var request = new CitizenRequest
        {
            Id = Secrets.NewId(),
            OrganisationId = organisation.Id,
            TrackingCode = NewCode(),
            CategoryId = category.Id,
            UnitId = unit.Id,
            Channel = incoming.Channel,
            Status = RequestStatus.Received,
            Priority = category.Priority,
            ReceivedUtc = received,
            DueDate = due,
            FirstName = firstName,
            LastName = lastName!,
            NameKey = NameKey(lastName),
            Email = email,
            EmailKey = CitizenDataRights.NormaliseEmail(email),
            Phone = parsedPhone?.E164 ?? phone,
            PostalAddress = postal,
            Text = text,
            FieldValues = values,
            Latitude = location?.Latitude,
            Longitude = location?.Longitude,
            LocationAddress = location?.Address,
            RegisteredByAgentId = incoming.RegisteredByAgentId,
            UpdatedUtc = now,
        };
        // R112-5: the acknowledgement announces when silence becomes a decision; the request keeps that date.
        if (ImplicitDecision.For(category.SilenceRule, category.SilenceMonths, Deadline.ReceivedOn(received, zone)) is { } decision)
            (request.SilenceRule, request.ImplicitDecisionOn) = (decision.Rule, decision.DecisionOn);
        var ack = messages.Acknowledgement(request, Deadline.ReceivedOn(received, zone), organisation, category, unit);
        if (ack.Missing() is { Count: > 0 } missing)
        {
            // L112-6: an incomplete acknowledgement makes appeal delays unenforceable. Better to refuse and say why.
            log.LogWarning("Category {CategoryId}: acknowledgement incomplete ({Missing}), request refused", category.Id, string.Join(", ", missing));
            return Refuse("category", $"Cette demande ne peut pas être enregistrée en ligne pour l'instant : il manque {string.Join(", ", missing)}. Contactez la mairie au {organisation.Phone}.");
        }

        db.Add(request);
        // E-mail, SMS, voice: the message's retry key and thread are saved with the request (RequestMailThreads).
        if (incoming.Source is { } source) RequestMailThreads.Attach(db, request, source, now);
        foreach (var f in files)
            db.Add(new RequestAttachment
            {
                Id = Secrets.NewId(), OrganisationId = request.OrganisationId, RequestId = request.Id, FileName = f.FileName,
                ContentType = f.ContentType, Size = f.Content.Length, Content = f.Content, CreatedUtc = now,
            });
        RequestHistory.Add(db, request, RequestEventKind.Created, incoming.RegisteredByAgentId, now,
            $"Demande reçue ({RequestChannels.Label(request.Channel)}).", isPublic: true, to: RequestStatus.Received);
        if (incoming.PrivateNote is { Length: > 0 } note)
            RequestHistory.Add(db, request, RequestEventKind.Note, incoming.RegisteredByAgentId, now, note, isPublic: false);
        var sentBy = await messages.AddAcknowledgementAsync(request, ack, ct);
        RequestHistory.Add(db, request, RequestEventKind.Acknowledged, null, now, sentBy switch
        {
            MessageChannel.Email => "Accusé de réception envoyé par courriel.",
            MessageChannel.Sms => "Accusé de réception envoyé par SMS.",
            _ => "Accusé de réception à remettre ou à envoyer par courrier.",
        }, isPublic: true);

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await db.SaveChangesAsync(ct);
                break;
            }
            catch (DbUpdateException e) when (e.IsUniqueViolation() && attempt < CodeAttempts)
            {
                // Another request drew the same code in the meantime: draw again, the rest of the transaction is unchanged.
                request.TrackingCode = NewCode();
                messages.Retarget(request, ack = ack with { TrackingCode = request.TrackingCode });
            }
        }
        log.LogInformation("Request {RequestId} received by {Channel} for category {CategoryId}, due {Due}", request.Id, request.Channel, category.Id, due);
        return new ReceiveResult.Received(request, unit, ack, sentBy);
    }

    private static ReceiveResult Refuse(string field, string message) => new ReceiveResult.Refused([new FieldError(field, message)]);

    public static string NewCode() => TrackingCode.Generate(RandomNumberGenerator.GetInt32);

    /// <summary>The surname as compared by the tracking page: case, accents, spaces and hyphens ignored.</summary>
    public static string NameKey(string? lastName) => PersonIdentity.NameKey(null, lastName).TrimEnd('|');

    private static string? Clean(string? value, int max)
    {
        var v = value?.Trim();
        if (string.IsNullOrEmpty(v)) return null;
        v = new string(v.Where(ch => !char.IsControl(ch)).ToArray());
        return v.Length > max ? v[..max] : v;
    }

    private static bool LooksLikeEmail(string email)
    {
        var at = email.IndexOf('@');
        return at > 0 && at == email.LastIndexOf('@') && email.IndexOf('.', at) > at + 1 && !email.EndsWith('.') && !email.Any(char.IsWhiteSpace);
    }

    private static RequestLocation? CheckLocation(RequestLocation? location, bool required, List<FieldError> errors)
    {
        var address = Clean(location?.Address, 300);
        var (lat, lon) = (location?.Latitude, location?.Longitude);
        if (lat.HasValue != lon.HasValue) { errors.Add(new("latitude", "Donnez la latitude et la longitude ensemble, ou seulement une adresse.")); return null; }
        if (lat is { } la && (double.IsNaN(la) || la is < -90 or > 90 || lon is not { } lo || double.IsNaN(lo) || lo is < -180 or > 180))
        { errors.Add(new("latitude", "Ces coordonnées ne désignent aucun lieu : la latitude va de -90 à 90, la longitude de -180 à 180.")); return null; }
        if (address is null && lat is null)
        {
            if (required) errors.Add(new("locationAddress", "Indiquez le lieu concerné : une adresse, ou une latitude et une longitude."));
            return null;
        }
        return new(lat, lon, address);
    }

    private List<IncomingAttachment> CheckAttachments(IReadOnlyList<IncomingAttachment> attachments, bool required, List<FieldError> errors)
    {
        var kept = new List<IncomingAttachment>();
        var files = attachments.Where(a => a.Content.Length > 0).ToList();
        if (files.Count == 0 && required) errors.Add(new("attachments", "Joignez le document demandé (PDF, JPEG ou PNG)."));
        if (files.Count > options.MaxAttachments)
        {
            errors.Add(new("attachments", $"Joignez au plus {options.MaxAttachments} fichiers."));
            return kept;
        }
        foreach (var f in files)
        {
            var name = SafeName(f.FileName);
            if (f.Content.Length > options.MaxAttachmentBytes)
                errors.Add(new("attachments", $"Le fichier « {name} » dépasse {options.MaxAttachmentBytes / (1024 * 1024)} Mo : réduisez-le ou envoyez-en une partie."));
            else if (Sniff(f.Content) is not { } type)
                errors.Add(new("attachments", $"Le fichier « {name} » n'est ni un PDF, ni une image JPEG ou PNG : ces trois formats seuls sont acceptés."));
            else kept.Add(f with { FileName = name, ContentType = type });
        }
        return kept;
    }

    /// <summary>The type from the file's first bytes, never from what the sender claims.</summary>
    public static string? Sniff(ReadOnlySpan<byte> content) =>
        content.StartsWith("%PDF-"u8) ? "application/pdf"
        : content.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) ? "image/png"
        : content.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]) ? "image/jpeg"
        : null;

    private static string SafeName(string? name)
    {
        var n = Path.GetFileName((name ?? "").Replace('\\', '/'));
        n = new string(n.Where(ch => !char.IsControl(ch) && ch is not ('"' or '/' or '\\')).ToArray()).Trim();
        if (n.Length == 0) n = "piece-jointe";
        return n.Length > 150 ? n[^150..] : n;
    }
}

/// <summary>The time zone and holidays a request's deadline is counted in: the organisation's territory and its first site's zone.</summary>
public static class OrganisationCalendar
{
    public static async Task<(TimeZoneInfo Zone, HolidayCalendar Calendar)> ForAsync(GuichetDb db, Organisation organisation, CancellationToken ct)
    {
        var site = await db.Sites.AsNoTracking().Where(s => s.OrganisationId == organisation.Id).OrderBy(s => s.Id).FirstOrDefaultAsync(ct);
        var zone = TimeZoneInfo.FindSystemTimeZoneById(site?.TimeZone ?? "Europe/Paris");
        var territory = site?.Territory ?? (organisation.DepartmentCode is { } d ? Territories.FromDepartment(d) : Territory.Metropolitan);
        return (zone, HolidayCalendar.For(territory));
    }

    public static async Task<DateOnly> TodayAsync(GuichetDb db, Organisation organisation, TimeProvider clock, CancellationToken ct)
    {
        var (zone, _) = await ForAsync(db, organisation, ct);
        return Deadline.ReceivedOn(clock.GetUtcNow().UtcDateTime, zone);
    }
}

/// <summary>Appends to a request's history. Events are never updated nor deleted.</summary>
public static class RequestHistory
{
    public static RequestEvent Add(GuichetDb db, CitizenRequest request, RequestEventKind kind, string? agentId, DateTime nowUtc,
        string? text, bool isPublic, RequestStatus? from = null, RequestStatus? to = null)
    {
        var e = new RequestEvent
        {
            Id = Secrets.NewId(), OrganisationId = request.OrganisationId, RequestId = request.Id, AtUtc = nowUtc, Kind = kind,
            AgentId = agentId, FromStatus = from, ToStatus = to, Text = text, Public = isPublic,
        };
        db.Add(e);
        Quality.RequestStamps.OnEvent(db, request, kind, isPublic, to, nowUtc);
        return e;
    }
}

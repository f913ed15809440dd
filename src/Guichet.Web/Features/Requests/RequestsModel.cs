using System.Text.Json;
using Guichet.Domain.Requests;
using Guichet.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Requests;

/// <summary>A municipal service (service municipal) that handles requests: the acknowledgement names it with its contacts.</summary>
public sealed class Unit
{
    public required string Id { get; set; }
    public required string OrganisationId { get; set; }
    public required string Name { get; set; }
    public required string Address { get; set; }
    public required string PostalCode { get; set; }
    public required string City { get; set; }
    public required string Phone { get; set; }
    public required string Email { get; set; }
    public bool Active { get; set; } = true;

    public HandlingUnit ToDomain() => new(Name, Address, PostalCode, City, Phone, Email);
}

public enum RequestPriority { Low, Normal, High, Urgent }

/// <summary>A kind of request (Open311: service): the unit it goes to, its delays per channel and its own form.</summary>
public sealed class Category
{
    public const int MaxDescriptionLength = 1000;

    public required string Id { get; set; }
    public required string OrganisationId { get; set; }
    public required string Name { get; set; }
    public string? Description { get; set; }
    public required string UnitId { get; set; }
    public RequestPriority Priority { get; set; } = RequestPriority.Normal;
    /// <summary>Working days to answer, per channel: web forms and Open311, e-mail, post and fax, the others (counter, phone, voice, SMS).</summary>
    public int WebDays { get; set; } = Deadline.DefaultDays;
    public int EmailDays { get; set; } = Deadline.DefaultDays;
    public int PostDays { get; set; } = Deadline.DefaultPostDays;
    public int OtherDays { get; set; } = Deadline.DefaultDays;
    /// <summary>The form's fields as JSON (Domain RequestForm): read whole with the category, never queried inside.</summary>
    public string FieldsJson { get; set; } = "[]";
    /// <summary>Routing by sector (see <see cref="SectorRouting"/>): where none matches, <see cref="UnitId"/>.</summary>
    public string SectorRoutesJson { get; set; } = "[]";
    public bool Active { get; set; } = true;
    public int SortOrder { get; set; }
    /// <summary>Whether silence becomes a decision (CRPA L231-1), and after how many months: printed on the acknowledgement.</summary>
    public SilenceRule SilenceRule { get; set; } = SilenceRule.None;
    public int SilenceMonths { get; set; } = ImplicitDecision.DefaultMonths;
    /// <summary>Months a closed request keeps its personal data before it is anonymised (RetentionJob).</summary>
    public int RetentionMonths { get; set; } = Retention.DefaultMonths;

    public int DaysFor(RequestChannel channel) => channel switch
    {
        RequestChannel.Web or RequestChannel.Open311 => WebDays,
        RequestChannel.Email => EmailDays,
        RequestChannel.Post or RequestChannel.Fax => PostDays,
        _ => OtherDays,
    };

    public IReadOnlyList<FormField> Fields
    {
        get => JsonSerializer.Deserialize<List<FormField>>(FieldsJson, RequestJson.Options) ?? [];
        set => FieldsJson = JsonSerializer.Serialize(value, RequestJson.Options);
    }

    public IReadOnlyList<SectorRoute> SectorRoutes
    {
        get => JsonSerializer.Deserialize<List<SectorRoute>>(SectorRoutesJson, RequestJson.Options) ?? [];
        set => SectorRoutesJson = JsonSerializer.Serialize(value, RequestJson.Options);
    }

    public static string PriorityLabel(RequestPriority p) => p switch
    {
        RequestPriority.Low => "Basse",
        RequestPriority.Normal => "Normale",
        RequestPriority.High => "Haute",
        RequestPriority.Urgent => "Urgente",
        _ => p.ToString(),
    };
}

/// <summary>A citizen's request (sollicitation), whatever channel it came by.</summary>
public sealed class CitizenRequest
{
    public const int MaxTextLength = 4000;

    public required string Id { get; set; }
    public required string OrganisationId { get; set; }
    public required string TrackingCode { get; set; }
    public required string CategoryId { get; set; }
    public required string UnitId { get; set; }
    public RequestChannel Channel { get; set; }
    public RequestStatus Status { get; set; }
    public RequestPriority Priority { get; set; }
    public DateTime ReceivedUtc { get; set; }
    public DateOnly DueDate { get; set; }
    public string? FirstName { get; set; }
    public required string LastName { get; set; }
    /// <summary>The surname folded (case, accents, spaces): the tracking page's second proof is compared on it.</summary>
    public required string NameKey { get; set; }
    public string? Email { get; set; }
    public string? Phone { get; set; }
    /// <summary>The citizen's postal address, for an answer by post.</summary>
    public string? PostalAddress { get; set; }
    public required string Text { get; set; }
    public string FieldValuesJson { get; set; } = "[]";
    public double? Latitude { get; set; }
    public double? Longitude { get; set; }
    public string? LocationAddress { get; set; }
    public string? AssigneeAgentId { get; set; }
    public string? RegisteredByAgentId { get; set; }
    public DateTime UpdatedUtc { get; set; }
    /// <summary>The category's silence rule when the request came in, and the day silence becomes a decision: the acknowledgement said so, later settings do not change it.</summary>
    public SilenceRule SilenceRule { get; set; } = SilenceRule.None;
    public DateOnly? ImplicitDecisionOn { get; set; }
    /// <summary>While the request is incomplete (CRPA L114-5): the documents asked for, one per line, and the day to supply them by.</summary>
    public string? MissingDocuments { get; set; }
    public DateOnly? MissingDocumentsBy { get; set; }
    /// <summary>The day the delays run from when it is not the day of receipt: the supply-by day while documents are awaited,
    /// then the day they came. Null: from receipt.</summary>
    public DateOnly? DelaysFrom { get; set; }
    /// <summary>When its personal data was removed (retention or erasure); the request itself stays, for the counts.</summary>
    public DateTime? AnonymisedUtc { get; set; }
    /// <summary>The e-mail lower-cased, indexed: the personal space and the data-rights page find a citizen's requests by it.</summary>
    public string? EmailKey { get; set; }
    /// <summary>Quality stamps (Features/Quality/RequestStamps), set once by the history: the first answer (answered, rejected
    /// or closed) and the first message to the citizen, with their local dates and working days since receipt.</summary>
    public DateTime? AnsweredUtc { get; set; }
    public DateOnly? AnsweredOn { get; set; }
    public int? AnswerWorkingDays { get; set; }
    public DateTime? FirstResponseUtc { get; set; }
    public DateOnly? FirstResponseOn { get; set; }
    public int? FirstResponseWorkingDays { get; set; }

    public IReadOnlyList<FieldValue> FieldValues
    {
        get => JsonSerializer.Deserialize<List<FieldValue>>(FieldValuesJson, RequestJson.Options) ?? [];
        set => FieldValuesJson = JsonSerializer.Serialize(value, RequestJson.Options);
    }

    public string DisplayName => string.IsNullOrWhiteSpace(FirstName) ? LastName : $"{FirstName} {LastName}";

    /// <summary>The documents still awaited, or null when the request is complete (or no longer open: closed, merged…).</summary>
    public Domain.Requests.MissingDocuments? Awaited => MissingDocumentsBy is { } by && Domain.Requests.RequestLifecycle.IsOpen(Status)
        ? new Domain.Requests.MissingDocuments(Domain.Requests.MissingDocuments.Lines(MissingDocuments), by)
        : null;
}

public enum RequestEventKind { Created, Acknowledged, StatusChanged, Assigned, Note, Reply, Transferred, Viewed, CitizenMessage, Printed, Exported, Anonymised, DraftSubmitted, DraftVisaed, DraftSigned, DraftRejected, Merged, Split, DocumentsRequested, DocumentsReceived }

/// <summary>One fact of a request's history. Rows are only ever added: the history is the audit trail.</summary>
public sealed class RequestEvent
{
    public const int MaxTextLength = 4000;

    public required string Id { get; set; }
    public required string OrganisationId { get; set; }
    public required string RequestId { get; set; }
    public DateTime AtUtc { get; set; }
    public RequestEventKind Kind { get; set; }
    /// <summary>The agent who acted; null for the citizen or the platform.</summary>
    public string? AgentId { get; set; }
    public RequestStatus? FromStatus { get; set; }
    public RequestStatus? ToStatus { get; set; }
    public string? Text { get; set; }
    /// <summary>Shown to the citizen on the tracking page (status changes, replies); notes and views never are.</summary>
    public bool Public { get; set; }
}

/// <summary>A file sent with a request, kept in the database with it (a few megabytes at most).</summary>
public sealed class RequestAttachment
{
    public required string Id { get; set; }
    public required string OrganisationId { get; set; }
    public required string RequestId { get; set; }
    public required string FileName { get; set; }
    public required string ContentType { get; set; }
    public long Size { get; set; }
    public required byte[] Content { get; set; }
    public DateTime CreatedUtc { get; set; }
}

public static class RequestJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };
}

public static class RequestsMapping
{
    internal static void Map(ModelBuilder b)
    {
        b.Entity<Unit>(e =>
        {
            e.ToTable("request_units");
            e.Property(x => x.PostalCode).HasMaxLength(10);
            e.Property(x => x.Phone).HasMaxLength(30);
            e.Property(x => x.Email).HasMaxLength(254);
            e.HasIndex(x => x.OrganisationId);
            e.HasOne<Organisation>().WithMany().HasForeignKey(x => x.OrganisationId).OnDelete(DeleteBehavior.Restrict);
        });
        b.Entity<Category>(e =>
        {
            e.ToTable("request_categories");
            e.Property(x => x.Description).HasMaxLength(Category.MaxDescriptionLength);
            e.Property(x => x.Priority).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.FieldsJson).HasColumnType("text");
            e.Ignore(x => x.Fields);
            e.Ignore(x => x.SectorRoutes);
            e.Property(x => x.SectorRoutesJson).HasColumnType("text").HasDefaultValue("[]").HasSentinel("[]");
            e.Property(x => x.SilenceRule).HasConversion<string>().HasMaxLength(16).HasDefaultValue(SilenceRule.None);
            e.Property(x => x.SilenceMonths).HasDefaultValue(ImplicitDecision.DefaultMonths).HasSentinel(ImplicitDecision.DefaultMonths);
            e.Property(x => x.RetentionMonths).HasDefaultValue(Retention.DefaultMonths).HasSentinel(Retention.DefaultMonths);
            e.HasIndex(x => x.OrganisationId);
            e.HasIndex(x => x.UnitId);
            e.HasOne<Organisation>().WithMany().HasForeignKey(x => x.OrganisationId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Unit>().WithMany().HasForeignKey(x => x.UnitId).OnDelete(DeleteBehavior.Restrict);
        });
        b.Entity<CitizenRequest>(e =>
        {
            e.ToTable("citizen_requests");
            e.Property(x => x.TrackingCode).HasMaxLength(8);
            e.Property(x => x.Channel).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.Status).HasConversion<string>().HasMaxLength(32);
            e.Property(x => x.Priority).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.Email).HasMaxLength(254);
            e.Property(x => x.Phone).HasMaxLength(30);
            e.Property(x => x.PostalAddress).HasMaxLength(300);
            e.Property(x => x.LocationAddress).HasMaxLength(300);
            e.Property(x => x.Text).HasColumnType("text");
            e.Property(x => x.FieldValuesJson).HasColumnType("text");
            e.Ignore(x => x.FieldValues);
            e.Property(x => x.SilenceRule).HasConversion<string>().HasMaxLength(16).HasDefaultValue(SilenceRule.None);
            e.Property(x => x.EmailKey).HasMaxLength(254);
            e.Property(x => x.MissingDocuments).HasColumnType("text");
            e.HasIndex(x => x.EmailKey);
            // The code is the citizen's handle: unique across the platform, so a collision is redrawn, never shared.
            e.HasIndex(x => x.TrackingCode).IsUnique();
            // The inbox: an organisation's requests by status and due date.
            e.HasIndex(x => new { x.OrganisationId, x.Status, x.DueDate });
            e.HasIndex(x => new { x.OrganisationId, x.ReceivedUtc });
            e.HasOne<Organisation>().WithMany().HasForeignKey(x => x.OrganisationId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Category>().WithMany().HasForeignKey(x => x.CategoryId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Unit>().WithMany().HasForeignKey(x => x.UnitId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Agent>().WithMany().HasForeignKey(x => x.AssigneeAgentId).OnDelete(DeleteBehavior.SetNull);
        });
        b.Entity<RequestEvent>(e =>
        {
            e.ToTable("request_events");
            e.Property(x => x.Kind).HasConversion<string>().HasMaxLength(32);
            e.Property(x => x.FromStatus).HasConversion<string>().HasMaxLength(32);
            e.Property(x => x.ToStatus).HasConversion<string>().HasMaxLength(32);
            e.Property(x => x.Text).HasColumnType("text");
            e.HasIndex(x => new { x.RequestId, x.AtUtc });
            e.HasOne<CitizenRequest>().WithMany().HasForeignKey(x => x.RequestId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<RequestAttachment>(e =>
        {
            e.ToTable("request_attachments");
            e.Property(x => x.FileName).HasMaxLength(200);
            e.Property(x => x.ContentType).HasMaxLength(100);
            e.HasIndex(x => x.RequestId);
            e.HasOne<CitizenRequest>().WithMany().HasForeignKey(x => x.RequestId).OnDelete(DeleteBehavior.Cascade);
        });
    }
}

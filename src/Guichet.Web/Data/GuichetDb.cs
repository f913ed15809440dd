using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Guichet.Web.Data;

public sealed class GuichetDb(DbContextOptions<GuichetDb> options) : DbContext(options)
{
    public DbSet<Organisation> Organisations => Set<Organisation>();
    public DbSet<Partnership> Partnerships => Set<Partnership>();
    public DbSet<Site> Sites => Set<Site>();
    public DbSet<Station> Stations => Set<Station>();
    public DbSet<Reason> Reasons => Set<Reason>();
    public DbSet<OpeningRule> OpeningRules => Set<OpeningRule>();
    public DbSet<Agent> Agents => Set<Agent>();
    public DbSet<Appointment> Appointments => Set<Appointment>();
    public DbSet<SlotClaim> SlotClaims => Set<SlotClaim>();
    public DbSet<Features.IdentityDocuments.ChecklistOverride> ChecklistOverrides => Set<Features.IdentityDocuments.ChecklistOverride>();
    public DbSet<Features.Notifications.OutboxMessage> OutboxMessages => Set<Features.Notifications.OutboxMessage>();
    public DbSet<Features.Requests.CitizenRequest> CitizenRequests => Set<Features.Requests.CitizenRequest>();

    protected override void ConfigureConventions(ModelConfigurationBuilder builder)
    {
        // Instants are stored in UTC and read back as UTC on both providers.
        builder.Properties<DateTime>().HaveConversion<UtcConverter>();
        builder.Properties<DateTime?>().HaveConversion<UtcConverter>();
        builder.Properties<string>().HaveMaxLength(200);
    }

    protected override void OnModelCreating(ModelBuilder b)
    {
        b.Entity<Organisation>(e =>
        {
            e.ToTable("organisations");
            e.Property(x => x.Id).HasMaxLength(64);
            e.Property(x => x.Kind).HasConversion<string>().HasMaxLength(32);
            e.Property(x => x.DepartmentCode).HasMaxLength(3);
        });
        b.Entity<Partnership>(e =>
        {
            e.ToTable("partnerships");
            e.Property(x => x.Id).HasMaxLength(64);
            e.HasIndex(x => new { x.OrganisationId, x.PartnerOrganisationId }).IsUnique();
            e.HasOne<Organisation>().WithMany().HasForeignKey(x => x.OrganisationId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Organisation>().WithMany().HasForeignKey(x => x.PartnerOrganisationId).OnDelete(DeleteBehavior.Restrict);
        });
        b.Entity<Site>(e =>
        {
            e.ToTable("sites");
            e.Property(x => x.Id).HasMaxLength(64);
            e.Property(x => x.TimeZone).HasMaxLength(64);
            e.Property(x => x.PostalCode).HasMaxLength(5);
            e.Property(x => x.Territory).HasConversion<string>().HasMaxLength(32);
            // Added by migration 0004 to a table that already has rows, so the column needs a database default;
            // the sentinel true makes EF send an explicit false instead of leaving it to that default.
            e.Property(x => x.AntsConnected).HasDefaultValue(true).HasSentinel(true);
            e.HasOne<Organisation>().WithMany().HasForeignKey(x => x.OrganisationId).OnDelete(DeleteBehavior.Restrict);
            e.HasIndex(x => x.OrganisationId);
        });
        b.Entity<Station>(e =>
        {
            e.ToTable("stations");
            e.Property(x => x.Id).HasMaxLength(64);
            e.HasOne<Site>().WithMany().HasForeignKey(x => x.SiteId).OnDelete(DeleteBehavior.Restrict);
            e.HasIndex(x => x.SiteId);
            e.HasIndex(x => x.OrganisationId);
        });
        b.Entity<Reason>(e =>
        {
            e.ToTable("reasons");
            e.Property(x => x.Id).HasMaxLength(64);
            e.Property(x => x.Code).HasMaxLength(32);
            e.HasIndex(x => new { x.OrganisationId, x.Code }).IsUnique();
            e.HasOne<Organisation>().WithMany().HasForeignKey(x => x.OrganisationId).OnDelete(DeleteBehavior.Restrict);
            Features.Reasons.ReasonSettings.MapReason(e);
        });
        b.Entity<OpeningRule>(e =>
        {
            e.ToTable("opening_rules");
            e.Property(x => x.Id).HasMaxLength(64);
            e.Property(x => x.DayOfWeek).HasConversion<int>();
            // Added by migration 0009 to a table that has rows: every existing rule is weekly.
            e.Property(x => x.Recurrence).HasConversion<string>().HasMaxLength(16).HasDefaultValue(Domain.Scheduling.RuleRecurrence.Weekly);
            e.Property(x => x.WeekOfMonth).HasDefaultValue(0);
            e.Ignore(x => x.Reasons);
            e.HasOne<Station>().WithMany().HasForeignKey(x => x.StationId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(x => x.StationId);
        });
        b.Entity<Agent>(e =>
        {
            e.ToTable("agents");
            e.Property(x => x.Id).HasMaxLength(64);
            e.Property(x => x.Role).HasConversion<string>().HasMaxLength(32);
            e.Property(x => x.PasswordHash).HasMaxLength(300);
            e.Property(x => x.Email).HasMaxLength(254);
            e.HasIndex(x => x.Email).IsUnique();
            e.HasOne<Organisation>().WithMany().HasForeignKey(x => x.OrganisationId).OnDelete(DeleteBehavior.Restrict);
        });
        b.Entity<Appointment>(e =>
        {
            e.ToTable("appointments");
            e.Property(x => x.Id).HasMaxLength(64);
            e.Property(x => x.Code).HasMaxLength(16);
            e.Property(x => x.ReasonCode).HasMaxLength(32);
            e.Property(x => x.ManageTokenHash).HasMaxLength(64);
            e.Property(x => x.Status).HasConversion<string>().HasMaxLength(32);
            e.Property(x => x.Channel).HasConversion<string>().HasMaxLength(32);
            e.Property(x => x.Email).HasMaxLength(254);
            e.Property(x => x.Phone).HasMaxLength(20);
            e.Property(x => x.PreRequestNumbers).HasMaxLength(120);
            e.Property(x => x.OutcomeBy).HasMaxLength(64);
            e.Property(x => x.UrgentJustification).HasMaxLength(Features.Reasons.ReasonSettings.MaxJustificationLength);
            e.HasIndex(x => x.Code).IsUnique();
            e.HasIndex(x => new { x.SiteId, x.StartUtc });
            e.HasIndex(x => new { x.OrganisationId, x.StartUtc });
            e.HasOne<Site>().WithMany().HasForeignKey(x => x.SiteId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Station>().WithMany().HasForeignKey(x => x.StationId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Organisation>().WithMany().HasForeignKey(x => x.OrganisationId).OnDelete(DeleteBehavior.Restrict);
        });
        b.Entity<SlotClaim>(e =>
        {
            e.ToTable("slot_claims");
            e.HasKey(x => new { x.StationId, x.Unit });
            e.Property(x => x.StationId).HasMaxLength(64);
            e.Property(x => x.AppointmentId).HasMaxLength(64);
            e.HasIndex(x => x.AppointmentId);
            e.HasOne<Station>().WithMany().HasForeignKey(x => x.StationId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Appointment>().WithMany().HasForeignKey(x => x.AppointmentId).OnDelete(DeleteBehavior.Cascade);
        });

        Features.Notifications.OutboxMessage.Map(b);
        Features.Appointments.AppointmentMove.Map(b);
        Features.Notifications.SmsData.Map(b);
        Features.Notifications.NotificationSettings.Map(b);
        Features.Notifications.OrganisationTemplate.Map(b);

        Features.IdentityDocuments.ChecklistOverride.Map(b);

        Features.Closures.Closure.Map(b);
        Features.Ants.AntsModel.Map(b);
        Features.Appointments.Duplicates.FindDuplicate.Map(b);
        Features.Agenda.CalendarFeed.Map(b);
        Features.Nearby.Commune.Map(b);
        Features.Requests.RequestsMapping.Map(b);
        Features.Requests.InboundMapping.Map(b);
        Features.Open311.Open311MediaFetch.Map(b);
        Features.Requests.InboxIndexes.Map(b);
        Features.Requests.CitizenDataMapping.Map(b);
        Features.Requests.WorkflowMapping.Map(b);
        Features.Waitlist.WaitlistJob.Map(b);
        Features.Withdrawals.ApplicationDeposit.Map(b);
        Features.Voice.VoiceData.Map(b);
        Features.Satisfaction.SatisfactionSurvey.Map(b);
        Platform.SignInLock.Map(b);
        DataProtectionKey.Map(b);
        Features.Quality.QualityIndexes.Map(b);

        // snake_case columns: plain SQL in migrations and psql stays readable without quotes.
        foreach (var entity in b.Model.GetEntityTypes())
            foreach (var property in entity.GetProperties())
            {
                property.SetColumnName(SnakeCase(property.Name));
                if (property.ClrType == typeof(string) && property.Name.EndsWith("Id", StringComparison.Ordinal)) property.SetMaxLength(64);
            }
    }

    internal static string SnakeCase(string name) =>
        string.Concat(name.Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    private sealed class UtcConverter() : ValueConverter<DateTime, DateTime>(
        v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
}

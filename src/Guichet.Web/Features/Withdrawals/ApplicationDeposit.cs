using Guichet.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Withdrawals;

/// <summary>
/// "Dépôt enregistré": the application handed in at an honoured appointment, the earliest date the title can be
/// collected (deposit + instruction + manufacturing delays of the reason, in working days), then "titre disponible"
/// and the withdrawal appointment booked for it.
/// </summary>
public sealed class ApplicationDeposit
{
    public required string Id { get; set; }
    public required string OrganisationId { get; set; }
    /// <summary>The deposit appointment; one deposit per appointment.</summary>
    public required string AppointmentId { get; set; }
    public required string SiteId { get; set; }
    public required string ReasonCode { get; set; }
    /// <summary>Local date of the deposit at the site.</summary>
    public DateOnly DepositedOn { get; set; }
    public DateTime DepositedUtc { get; set; }
    public required string DepositedBy { get; set; }
    public DateOnly EarliestWithdrawal { get; set; }
    public DateTime? ReadyUtc { get; set; }
    public string? ReadyBy { get; set; }
    /// <summary>Hash of the secret of the citizen's "choose your withdrawal slot" link, set when the title is ready.</summary>
    public string? ReadyTokenHash { get; set; }
    public string? WithdrawalAppointmentId { get; set; }

    internal static void Map(ModelBuilder b) => b.Entity<ApplicationDeposit>(e =>
    {
        e.ToTable("application_deposits");
        e.Property(x => x.Id).HasMaxLength(64);
        e.Property(x => x.ReasonCode).HasMaxLength(32);
        e.Property(x => x.DepositedBy).HasMaxLength(64);
        e.Property(x => x.ReadyBy).HasMaxLength(64);
        e.Property(x => x.ReadyTokenHash).HasMaxLength(64);
        // Two agents recording the same deposit at once: the second one is refused by the database.
        e.HasIndex(x => x.AppointmentId).IsUnique();
        e.HasIndex(x => new { x.OrganisationId, x.DepositedUtc });
        e.HasOne<Appointment>().WithMany().HasForeignKey(x => x.AppointmentId).OnDelete(DeleteBehavior.Cascade);
        e.HasOne<Appointment>().WithMany().HasForeignKey(x => x.WithdrawalAppointmentId).OnDelete(DeleteBehavior.SetNull);
        e.HasOne<Site>().WithMany().HasForeignKey(x => x.SiteId).OnDelete(DeleteBehavior.Restrict);
        e.HasOne<Organisation>().WithMany().HasForeignKey(x => x.OrganisationId).OnDelete(DeleteBehavior.Restrict);
    });
}

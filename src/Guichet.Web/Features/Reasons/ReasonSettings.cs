using Guichet.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Guichet.Web.Features.Reasons;

/// <summary>The booking rules an administrator sets per reason, stored on the reason itself.</summary>
public static class ReasonSettings
{
    public const int MaxJustificationLength = 300;

    internal static void MapReason(EntityTypeBuilder<Reason> e)
    {
        // Added by migration 0013 to a table that has rows. A sentinel equal to the default makes EF send any other
        // value, 0 included (0 hours: the reserve is released only at the start).
        e.Property(x => x.EarliestWorkingDays).HasDefaultValue(0);
        e.Property(x => x.LatestDays).HasDefaultValue(Domain.Scheduling.BookingDelays.MaxLatestDays).HasSentinel(Domain.Scheduling.BookingDelays.MaxLatestDays);
        e.Property(x => x.UrgentPercent).HasDefaultValue(0);
        e.Property(x => x.UrgentReleaseHours).HasDefaultValue(24).HasSentinel(24);
        e.Ignore(x => x.Delays);
        e.Ignore(x => x.Reserve);
    }
}

using Guichet.Domain.Calendar;
using Guichet.Domain.Scheduling;
using Guichet.Web.Data;
using Guichet.Web.Platform;
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
        e.Property(x => x.LatestDays).HasDefaultValue(BookingDelays.MaxLatestDays).HasSentinel(BookingDelays.MaxLatestDays);
        e.Property(x => x.UrgentPercent).HasDefaultValue(0);
        e.Property(x => x.UrgentReleaseHours).HasDefaultValue(24).HasSentinel(24);
        e.Property(x => x.InstructionWorkingDays).HasDefaultValue(0);
        e.Property(x => x.ManufacturingWorkingDays).HasDefaultValue(0);
        e.Ignore(x => x.Delays);
        e.Ignore(x => x.Reserve);
    }

    public static FieldError? CheckJustification(string? text)
    {
        var v = text?.Trim() ?? "";
        if (v.Length == 0) return new("urgentJustification", "Indiquez la justification de l'urgence (examen, voyage pour raison de santé ou professionnelle…).");
        if (v.Length > MaxJustificationLength) return new("urgentJustification", $"La justification est trop longue ({MaxJustificationLength} caractères au plus).");
        if (v.Any(c => char.IsControl(c) && c is not '\r' and not '\n'))
            return new("urgentJustification", "La justification contient des caractères non autorisés.");
        return null;
    }

    /// <summary>A booked day must fall inside the reason's delays; an urgency lifts the earliest one.</summary>
    public static FieldError? CheckDelays(Reason reason, DateOnly day, DateOnly localToday, HolidayCalendar holidays, bool urgent)
    {
        var (first, last) = reason.Delays.Window(localToday, holidays);
        if (!urgent && day < first)
            return new("start", $"Ce motif se réserve au moins {reason.EarliestWorkingDays} jour{(reason.EarliestWorkingDays > 1 ? "s" : "")} ouvré{(reason.EarliestWorkingDays > 1 ? "s" : "")} à l'avance : "
                + $"choisissez un créneau à partir du {FrenchDates.Day(first.ToDateTime(TimeOnly.MinValue))}.");
        if (day > last)
            return new("start", $"Ce motif se réserve au plus {reason.LatestDays} jours à l'avance : choisissez un créneau jusqu'au {FrenchDates.Day(last.ToDateTime(TimeOnly.MinValue))}.");
        return null;
    }
}

namespace Guichet.Domain.Scheduling;

/// <summary>What a citizen on the waiting list accepts: local dates, and earlier than the appointment they hold, if any.</summary>
public sealed record WaitlistWish(DateOnly? NotBefore, DateOnly NotAfter, DateTime? HeldStartUtc = null);

/// <summary>Who is offered a freed slot, and until when.</summary>
public static class WaitlistRules
{
    /// <summary>The slot's local day fits the wish's dates, and the slot is earlier than the appointment held.</summary>
    public static bool Accepts(WaitlistWish wish, DateOnly day, DateTime slotStartUtc) =>
        (wish.NotBefore is null || wish.NotBefore <= day) && wish.NotAfter >= day
        && (wish.HeldStartUtc is null || slotStartUtc < wish.HeldStartUtc);

    /// <summary>The first <paramref name="count"/> wishes, in request order, that accept the slot.</summary>
    public static IReadOnlyList<T> FirstOffered<T>(IEnumerable<T> inRequestOrder, Func<T, WaitlistWish> wish, DateOnly day, DateTime slotStartUtc, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        return inRequestOrder.Where(x => Accepts(wish(x), day, slotStartUtc)).Take(count).ToList();
    }

    /// <summary>An offer runs for its hours, never past the slot itself.</summary>
    public static DateTime OfferExpiry(DateTime nowUtc, int hours, DateTime slotStartUtc)
    {
        var end = nowUtc.AddHours(hours);
        return end < slotStartUtc ? end : slotStartUtc;
    }
}

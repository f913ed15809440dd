using Guichet.Domain.Scheduling;

namespace Guichet.Domain.Tests.Scheduling;

public sealed class WaitlistRulesTests
{
    private static readonly DateTime Slot = new(2026, 12, 9, 8, 0, 0, DateTimeKind.Utc);   // Wednesday 9 December, 9:00 in Paris

    [Theory]
    [InlineData(null, "2026-12-09", null, true)]                    // the last day itself
    [InlineData(null, "2026-12-08", null, false)]                   // too late for them
    [InlineData("2026-12-09", "2026-12-31", null, true)]            // the first day itself
    [InlineData("2026-12-10", "2026-12-31", null, false)]           // not before the 10th
    [InlineData(null, "2026-12-31", "2026-12-09T08:30:00Z", true)]  // half an hour earlier than the appointment held
    [InlineData(null, "2026-12-31", "2026-12-09T08:00:00Z", false)] // the same time is no improvement
    [InlineData(null, "2026-12-31", "2026-12-08T08:00:00Z", false)] // later than the appointment held
    public void A_wish_accepts_a_slot_inside_its_dates_and_earlier_than_the_appointment_held(string? notBefore, string notAfter, string? held, bool accepts) =>
        Assert.Equal(accepts, WaitlistRules.Accepts(
            new WaitlistWish(notBefore is null ? null : DateOnly.Parse(notBefore), DateOnly.Parse(notAfter),
                held is null ? null : DateTime.Parse(held, null, System.Globalization.DateTimeStyles.AdjustToUniversal)),
            new DateOnly(2026, 12, 9), Slot));

    [Theory]
    [InlineData(3, "a b d")]     // c's dates do not fit: the next one, d, is offered instead
    [InlineData(1, "a")]
    [InlineData(10, "a b d e")]
    public void The_first_matching_wishes_in_request_order_are_offered(int count, string expected)
    {
        var fits = new WaitlistWish(null, new DateOnly(2026, 12, 31));
        var late = new WaitlistWish(new DateOnly(2026, 12, 20), new DateOnly(2026, 12, 31));
        (string Name, WaitlistWish Wish)[] list = [("a", fits), ("b", fits), ("c", late), ("d", fits), ("e", fits)];
        Assert.Equal(expected, string.Join(' ', WaitlistRules.FirstOffered(list, x => x.Wish, new DateOnly(2026, 12, 9), Slot, count).Select(x => x.Name)));
    }

    [Theory]
    [InlineData("2026-11-30T06:00:00Z", 12, "2026-11-30T18:00:00Z")]   // its hours
    [InlineData("2026-12-09T02:00:00Z", 12, "2026-12-09T08:00:00Z")]   // never past the slot's start
    public void An_offer_runs_for_its_hours_but_never_past_the_slot(string now, int hours, string expected) =>
        Assert.Equal(DateTime.Parse(expected, null, System.Globalization.DateTimeStyles.AdjustToUniversal),
            WaitlistRules.OfferExpiry(DateTime.Parse(now, null, System.Globalization.DateTimeStyles.AdjustToUniversal), hours, Slot));
}

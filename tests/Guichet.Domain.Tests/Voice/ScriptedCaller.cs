using System.Text.Json;
using Guichet.Domain.Voice;

namespace Guichet.Domain.Tests.Voice;

/// <summary>
/// A caller pressing keys through the engine, and a small planning answering its service requests. Every turn's
/// state goes through JSON, as it does between two nodes.
/// </summary>
public sealed class ScriptedCaller
{
    public static readonly DateOnly Today = new(2026, 11, 30);

    public CallState State { get; private set; } = new();
    public VoiceSetting Setting { get; set; } = new("la mairie de Lorval", OpenNow: true,
        "du lundi au vendredi, de huit heures trente à douze heures", "1 place de la Mairie, Lorval", "PJSIP/accueil", Today);

    public List<OfferedSlot> Free { get; } =
    [
        new("s1", new DateTime(2026, 12, 1, 9, 30, 0), "Mairie de Lorval"),
        new("s2", new DateTime(2026, 12, 1, 10, 0, 0), "Mairie de Lorval"),
        new("s3", new DateTime(2026, 12, 3, 14, 0, 0), "Mairie de Lorval"),
        new("s4", new DateTime(2026, 12, 4, 8, 30, 0), "Mairie de Lorval"),
    ];
    public HashSet<string> TakenByOthers { get; } = [];
    public string? Held { get; private set; }
    public List<VoiceAction.Book> Bookings { get; } = [];
    public List<VoiceAction.Cancel> Cancellations { get; } = [];
    public List<VoiceAction.StoreMessage> Messages { get; } = [];
    public bool BookingRefused { get; set; }
    /// <summary>code → (phone, start)</summary>
    public Dictionary<string, (string Phone, DateTime Start, bool TooLate)> Appointments { get; } = [];
    public List<VoiceAction> All { get; } = [];
    public List<VoiceAction> Last { get; private set; } = [];

    public ScriptedCaller Call(string? caller = "0612345678") => Send(new VoiceEvent.CallStarted(caller, "0123456789"));
    public ScriptedCaller Press(string keys) => Send(new VoiceEvent.Digits(keys));
    public ScriptedCaller Say(string text, double confidence = 0.9) => Send(new VoiceEvent.Speech(text, confidence));
    public ScriptedCaller Silence() => Send(new VoiceEvent.NoInput());
    public ScriptedCaller HangUp() => Send(new VoiceEvent.HangUp());
    public ScriptedCaller Transfer(bool answered) => Send(new VoiceEvent.TransferResult(answered));
    public ScriptedCaller Recorded(string? path, int seconds) => Send(new VoiceEvent.RecordingDone(path, seconds));

    public string Heard => string.Join(" ", Last.Select(a => a switch
    {
        VoiceAction.Say s => s.Text,
        VoiceAction.Play p => p.Text,
        _ => "",
    }).Where(t => t.Length > 0));

    public VoiceAction Waiting => Last.Last(a => !a.IsCommand);

    public ScriptedCaller Send(VoiceEvent e)
    {
        Last = [];
        while (true)
        {
            var turn = VoiceEngine.Next(State, e, Setting);
            State = JsonSerializer.Deserialize<CallState>(JsonSerializer.Serialize(turn.State))!;
            Assert.Equal(turn.State.Node, State.Node);
            var query = turn.Actions.LastOrDefault(a => a.IsQuery);
            Assert.All(turn.Actions.Where(a => a.IsQuery), a => Assert.Same(turn.Actions[^1], a));   // a query ends the list
            foreach (var a in turn.Actions.Where(a => a.IsCommand)) Run(a);
            Last.AddRange(turn.Actions);
            All.AddRange(turn.Actions);
            if (query is null) return this;
            e = Answer(query);
        }
    }

    private void Run(VoiceAction command)
    {
        switch (command)
        {
            case VoiceAction.ReleaseHold: Held = null; break;
            case VoiceAction.StoreMessage m: Messages.Add(m); break;
        }
    }

    private VoiceEvent Answer(VoiceAction query) => query switch
    {
        VoiceAction.FindSlots f => new VoiceEvent.SlotsFound(Free
            .Where(s => !TakenByOthers.Contains(s.Ref) && (f.AfterLocal is null || s.LocalStart > f.AfterLocal)).Take(3).ToList()),
        VoiceAction.HoldSlot h => Hold(h.Slot),
        VoiceAction.Book b => BookIt(b),
        VoiceAction.FindAppointment f => Appointments.TryGetValue(f.Code, out var a) && a.Phone == f.Phone
            ? new VoiceEvent.AppointmentFound(a.Start, "Mairie de Lorval") : new VoiceEvent.AppointmentFound(null, null),
        VoiceAction.Cancel c => CancelIt(c),
        _ => throw new InvalidOperationException(),
    };

    private VoiceEvent Hold(OfferedSlot slot)
    {
        if (TakenByOthers.Contains(slot.Ref)) return new VoiceEvent.SlotHeld(false);
        Held = slot.Ref;
        return new VoiceEvent.SlotHeld(true);
    }

    private VoiceEvent BookIt(VoiceAction.Book b)
    {
        if (BookingRefused) { Held = null; return new VoiceEvent.BookingFailed(SlotTaken: false); }
        if (TakenByOthers.Contains(b.Slot.Ref)) { Held = null; return new VoiceEvent.BookingFailed(SlotTaken: true); }
        Bookings.Add(b);
        Held = null;
        return new VoiceEvent.Booked("04827193", SmsSent: b.Phone.StartsWith("06") || b.Phone.StartsWith("07"));
    }

    private VoiceEvent CancelIt(VoiceAction.Cancel c)
    {
        if (!Appointments.TryGetValue(c.Code, out var a) || a.Phone != c.Phone) return new VoiceEvent.CancelDone(false, false);
        if (a.TooLate) return new VoiceEvent.CancelDone(false, true);
        Cancellations.Add(c);
        return new VoiceEvent.CancelDone(true, false);
    }
}

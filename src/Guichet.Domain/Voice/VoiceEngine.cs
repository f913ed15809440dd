using Guichet.Domain.Contacts;

namespace Guichet.Domain.Voice;

/// <summary>
/// The voice server's dialogue: a pure state machine. Give it the call's state, what just happened and what it
/// needs to know about the organisation; it answers the new state and what the door must do. No I/O, no clock:
/// the planning is reached through service requests (<see cref="VoiceAction.IsQuery"/>) that the caller of the
/// engine runs and answers with an event in the same turn.
/// </summary>
public static class VoiceEngine
{
    public const int MaxFailures = 3;
    private const int KeyTimeout = 6;
    private const int NumberTimeout = 10;

    private static readonly string[] Reasons = ["CNI", "PASSPORT", "CNI-PASSPORT"];

    public static VoiceTurn Next(CallState state, VoiceEvent e, VoiceSetting setting)
    {
        if (e is VoiceEvent.HangUp) return HangUp(state);
        if (state.Node == VoiceNode.Ended) return new(state, [new VoiceAction.Hangup()]);
        return e switch
        {
            VoiceEvent.CallStarted started when state.Node == VoiceNode.Start => Welcome(state with { Caller = started.Caller, Called = started.Called }, setting),
            VoiceEvent.Digits d when IsGathering(state.Node) => Keys(state, d.Keys, setting),
            VoiceEvent.Speech s when IsGathering(state.Node) => Keys(state, s.Confidence < 0.5 ? "" : FrenchIntent.ToKeys(s.Text, MaxDigits(state.Node)), setting),
            VoiceEvent.NoInput when IsGathering(state.Node) => NoInput(state, setting),
            VoiceEvent.TransferResult t when state.Node == VoiceNode.Transferring => Transferred(state, t.Answered, setting),
            VoiceEvent.RecordingDone r when state.Node == VoiceNode.Recording => Recorded(state, r),
            VoiceEvent.SlotsFound f when state.Node == VoiceNode.BookSlots => OfferSlots(state, f.Slots, setting),
            VoiceEvent.SlotHeld h when state.Node == VoiceNode.BookSlots && state.Chosen is not null => Held(state, h.Held, setting),
            VoiceEvent.Booked b when state.Node == VoiceNode.BookConfirmPhone => Booked(state, b, setting),
            VoiceEvent.BookingFailed f when state.Node == VoiceNode.BookConfirmPhone => BookingFailed(state, f.SlotTaken, setting),
            VoiceEvent.AppointmentFound a when state.Node is VoiceNode.CancelCode or VoiceNode.CancelPhone => Found(state, a, setting),
            VoiceEvent.CancelDone c when state.Node == VoiceNode.CancelConfirm => CancelDone(state, c, setting),
            // A door replaying an old webhook, a key pressed during a transfer: the step is asked again.
            _ when IsGathering(state.Node) => Repeat(state),
            _ => throw new InvalidOperationException($"Event {e.GetType().Name} is not expected at step {state.Node}."),
        };
    }

    private static bool IsGathering(VoiceNode node) => node is VoiceNode.Menu or VoiceNode.BookReason or VoiceNode.BookPersons
        or VoiceNode.BookSlots or VoiceNode.BookConfirmSlot or VoiceNode.BookConfirmPhone or VoiceNode.BookTypePhone
        or VoiceNode.CancelCode or VoiceNode.CancelPhone or VoiceNode.CancelConfirm or VoiceNode.Documents or VoiceNode.AfterInformation;

    private static int MaxDigits(VoiceNode node) => node switch
    {
        VoiceNode.BookTypePhone or VoiceNode.CancelPhone => 10,
        VoiceNode.CancelCode => 8,
        _ => 1,
    };

    private static int Timeout(VoiceNode node) => MaxDigits(node) > 1 ? NumberTimeout : KeyTimeout;

    // ---- prompts -------------------------------------------------------------------------------------------

    private static VoicePrompt P(string id) => new(id, VoicePromptCatalog.Get(id).Text);
    private static VoicePrompt S(string text) => new(null, text);

    private static VoiceAction ToAction(VoicePrompt p) =>
        p.PromptId is null ? new VoiceAction.Say(p.Text) : new VoiceAction.Play(p.PromptId, p.Text);

    private static readonly VoicePrompt NotUnderstood = P("not-understood");
    private static readonly VoicePrompt Goodbye = P("goodbye");
    private static readonly VoicePrompt SlotGone = P("slot-gone");

    private static VoicePrompt MenuPrompt(VoiceSetting setting) => setting.OpenNow && setting.TransferTarget is not null
        ? P("menu")
        : P("menu-message");

    /// <summary>Enters a step that waits for keys: its prompts (kept for the star key), then the gathering.</summary>
    private static VoiceTurn Ask(CallState state, VoiceNode node, IEnumerable<VoiceAction> before, params VoicePrompt[] prompts)
    {
        var next = state with { Node = node, Failures = node == state.Node ? state.Failures : 0, LastPrompts = prompts, Path = Step(state, node) };
        return new(next, [.. before, .. prompts.Select(ToAction), new VoiceAction.Gather(MaxDigits(node), Timeout(node))]);
    }

    private static IReadOnlyList<string> Step(CallState state, VoiceNode node) =>
        state.Path.Count > 0 && state.Path[^1] == node.ToString() ? state.Path : [.. state.Path, node.ToString()];

    private static VoiceTurn Repeat(CallState state, params VoicePrompt[] first) =>
        new(state, [.. first.Select(ToAction), .. state.LastPrompts.Select(ToAction), new VoiceAction.Gather(MaxDigits(state.Node), Timeout(state.Node))]);

    private static VoiceTurn Fail(CallState state, VoiceSetting setting, VoicePrompt? why = null)
    {
        var failed = state with { Failures = state.Failures + 1 };
        if (failed.Failures >= MaxFailures) return LeaveMessage(failed, setting, P("too-many-failures"));
        return Repeat(failed, why ?? NotUnderstood);
    }

    private static VoiceTurn End(CallState state, VoiceOutcome outcome, params VoiceAction[] actions) =>
        new(state with { Node = VoiceNode.Ended, Outcome = outcome, Holding = false, Path = Step(state, VoiceNode.Ended) }, [.. actions, new VoiceAction.Hangup()]);

    private static VoiceOutcome Informed(CallState state) => state.Outcome == VoiceOutcome.None ? VoiceOutcome.Information : state.Outcome;

    // ---- steps ---------------------------------------------------------------------------------------------

    private static VoiceTurn Welcome(CallState state, VoiceSetting setting)
    {
        var welcome = new List<VoiceAction> { new VoiceAction.Say($"Bonjour, vous êtes bien à : {setting.OrganisationName}.") };
        if (!setting.OpenNow) welcome.Add(new VoiceAction.Say($"Nous sommes actuellement fermés. Nos horaires : {setting.HoursText}."));
        return Ask(state, VoiceNode.Menu, welcome, MenuPrompt(setting));
    }

    private static VoiceTurn Menu(CallState state, VoiceSetting setting, params VoiceAction[] before) =>
        Ask(state, VoiceNode.Menu, before, MenuPrompt(setting));

    private static VoiceTurn NoInput(CallState state, VoiceSetting setting) =>
        // After information, silence is the caller being done.
        state.Node == VoiceNode.AfterInformation ? End(state, Informed(state), ToAction(Goodbye)) : Fail(state, setting);

    private static VoiceTurn Keys(CallState state, string keys, VoiceSetting setting)
    {
        keys = keys.Trim().TrimEnd('#');
        if (keys.Length == 0) return NoInput(state, setting);
        if (keys == "*") return Repeat(state);
        if (keys == "0") return ReachPerson(state, setting);
        var key = keys.Length == 1 ? keys[0] : '\0';
        switch (state.Node)
        {
            case VoiceNode.Menu:
                return key switch
                {
                    '1' => Ask(state, VoiceNode.BookReason, [], P("book-reason")),
                    '2' => Ask(state, VoiceNode.CancelCode, [], P("cancel-code")),
                    '3' => Ask(state, VoiceNode.Documents, [], P("documents-reason")),
                    '4' => AfterInformation(state with { Outcome = Informed(state) },
                        new VoiceAction.Say($"Nos horaires : {setting.HoursText}. Notre adresse : {setting.AddressText}.")),
                    _ => Fail(state, setting),
                };
            case VoiceNode.BookReason:
                if (key is >= '1' and <= '3')
                    return Ask(state with { ReasonCode = Reasons[key - '1'] }, VoiceNode.BookPersons, [],
                        S($"Combien de personnes viennent au rendez-vous ? Tapez un chiffre de un à {FrenchSpeech.Number(setting.MaxPersons, feminine: true)}."));
                return Fail(state, setting);
            case VoiceNode.BookPersons:
                if (key is >= '1' and <= '9' && key - '0' <= setting.MaxPersons)
                    return Search(state with { Persons = key - '0' }, after: null);
                return Fail(state, setting);
            case VoiceNode.BookSlots:
                if (key == '9') return Search(state, after: state.Offered.Count > 0 ? state.Offered[^1].LocalStart : null);
                if (key is >= '1' and <= '8' && key - '1' < state.Offered.Count)
                {
                    var slot = state.Offered[key - '1'];
                    return new(state with { Chosen = slot }, [new VoiceAction.HoldSlot(slot)]);
                }
                return Fail(state, setting);
            case VoiceNode.BookConfirmSlot:
                if (key == '1')
                {
                    var caller = FrenchPhone.Parse(state.Caller);
                    return caller is null ? AskPhone(state) : ConfirmPhone(state with { Phone = National(caller.Value), PhoneTyped = false });
                }
                if (key == '2') return Search(state with { Holding = false, Chosen = null, Offered = [] }, after: null, new VoiceAction.ReleaseHold());
                return Fail(state, setting);
            case VoiceNode.BookConfirmPhone:
                if (key == '1') return new(state, [new VoiceAction.Book(state.Chosen!, state.ReasonCode!, state.Persons, state.Phone!)]);
                if (key == '2') return AskPhone(state);
                return Fail(state, setting);
            case VoiceNode.BookTypePhone:
                return FrenchPhone.Parse(keys) is { } typed
                    ? ConfirmPhone(state with { Phone = National(typed), PhoneTyped = true })
                    : Fail(state, setting, P("phone-invalid"));
            case VoiceNode.CancelCode:
                if (keys.Length != 8 || !keys.All(char.IsAsciiDigit)) return Fail(state, setting, P("code-invalid"));
                var mine = FrenchPhone.Parse(state.Caller);
                return mine is null
                    ? Ask(state with { Code = keys }, VoiceNode.CancelPhone, [], CancelPhonePrompt)
                    : new(state with { Code = keys, Phone = National(mine.Value), PhoneTyped = false }, [new VoiceAction.FindAppointment(keys, National(mine.Value))]);
            case VoiceNode.CancelPhone:
                return FrenchPhone.Parse(keys) is { } given
                    ? new(state with { Phone = National(given), PhoneTyped = true }, [new VoiceAction.FindAppointment(state.Code!, National(given))])
                    : Fail(state, setting, P("phone-invalid"));
            case VoiceNode.CancelConfirm:
                if (key == '1') return new(state, [new VoiceAction.Cancel(state.Code!, state.Phone!)]);
                if (key == '2') return AfterInformation(state, ToAction(P("cancel-kept")));
                return Fail(state, setting);
            case VoiceNode.Documents:
                if (key == '1') return AfterInformation(state with { Outcome = Informed(state) }, ToAction(P("documents-cni")));
                if (key == '2') return AfterInformation(state with { Outcome = Informed(state) }, ToAction(P("documents-passport")));
                return Fail(state, setting);
            case VoiceNode.AfterInformation:
                if (key == '1') return Menu(state, setting);
                return Fail(state, setting);
            default:
                throw new InvalidOperationException($"Step {state.Node} does not take keys.");
        }
    }

    public const string DocumentsIdentityCard =
        "Pour une carte d'identité, apportez : le numéro de votre pré-demande faite sur le site de l'ANTS, une photo d'identité de moins de six mois, "
        + "un justificatif de domicile de moins d'un an, et votre ancienne carte si vous en avez une. En cas de perte ou de vol, la déclaration "
        + "et un timbre fiscal de vingt-cinq euros. La liste complète est sur notre site.";

    public const string DocumentsPassport =
        "Pour un passeport, apportez : le numéro de votre pré-demande faite sur le site de l'ANTS, une photo d'identité de moins de six mois, "
        + "un justificatif de domicile de moins d'un an, votre ancien passeport si vous en avez un, et un timbre fiscal : quatre-vingt-six euros "
        + "pour un adulte. La liste complète est sur notre site.";

    private static readonly VoicePrompt CancelPhonePrompt =
        P("cancel-phone");

    private static string National(FrenchPhone phone) =>
        phone.E164.StartsWith("+33") ? "0" + phone.E164[3..] : "0" + phone.E164[4..];

    private static VoiceTurn AfterInformation(CallState state, params VoiceAction[] before) =>
        Ask(state, VoiceNode.AfterInformation, before,
            P("after-information"));

    private static VoiceTurn Search(CallState state, DateTime? after, params VoiceAction[] before) =>
        new(state with { Node = VoiceNode.BookSlots, Path = Step(state, VoiceNode.BookSlots) },
            [.. before, new VoiceAction.FindSlots(state.ReasonCode!, state.Persons, after)]);

    private static VoiceTurn OfferSlots(CallState state, IReadOnlyList<OfferedSlot> found, VoiceSetting setting)
    {
        var slots = found.Take(3).ToList();
        if (slots.Count == 0 && state.Offered.Count == 0)
            return AfterInformation(state, ToAction(P("no-slot")));
        var before = new List<VoiceAction>();
        if (slots.Count == 0)
        {
            before.Add(ToAction(P("no-more-slots")));
            slots = [.. state.Offered];
        }
        var severalSites = slots.Select(s => s.SiteName).Distinct().Count() > 1;
        var prompts = slots.Select((s, i) => S($"Le {FrenchSpeech.DateAndTime(s.LocalStart, setting.Today)}{(severalSites ? ", à " + s.SiteName : "")} : tapez {i + 1}."))
            .Append(P("more-slots"))
            .ToArray();
        if (!severalSites) before.Insert(0, new VoiceAction.Say($"Voici les prochains créneaux, à {slots[0].SiteName}."));
        // Entering the step afresh: Ask keeps Failures only when the node does not change, and it does not here.
        return Ask(state with { Offered = slots, Failures = 0 }, VoiceNode.BookSlots, before, prompts);
    }

    private static VoiceTurn Held(CallState state, bool held, VoiceSetting setting)
    {
        if (!held) return Search(state with { Chosen = null, Offered = [] }, after: null, ToAction(SlotGone));
        var slot = state.Chosen!;
        return Ask(state with { Holding = true }, VoiceNode.BookConfirmSlot, [],
            S($"Vous avez choisi le {FrenchSpeech.DateAndTime(slot.LocalStart, setting.Today)}, à {slot.SiteName}. Ce créneau vous est réservé quelques minutes."),
            P("confirm-slot"));
    }

    private static VoiceTurn AskPhone(CallState state) =>
        Ask(state, VoiceNode.BookTypePhone, [], P("type-phone"));

    private static VoiceTurn ConfirmPhone(CallState state) =>
        Ask(state, VoiceNode.BookConfirmPhone, [],
            S($"Nous vous joindrons au {FrenchSpeech.PhoneNumber(state.Phone!)}."),
            P("confirm-phone"));

    private static VoiceTurn Booked(CallState state, VoiceEvent.Booked booked, VoiceSetting setting)
    {
        var slot = state.Chosen!;
        var code = FrenchSpeech.Digits(booked.Code);
        var actions = new List<VoiceAction>
        {
            new VoiceAction.Say($"Votre rendez-vous est confirmé, le {FrenchSpeech.DateAndTime(slot.LocalStart, setting.Today)}, à {slot.SiteName}."),
            new VoiceAction.Say($"Notez votre code de rendez-vous : {code}. Je répète : {code}."),
        };
        if (booked.SmsSent) actions.Add(ToAction(P("sms-sent")));
        actions.Add(ToAction(Goodbye));
        return End(state with { Code = booked.Code }, VoiceOutcome.Booked, [.. actions]);
    }

    private static VoiceTurn BookingFailed(CallState state, bool slotTaken, VoiceSetting setting)
    {
        var released = state with { Holding = false, Chosen = null, Offered = [] };
        return slotTaken
            ? Search(released, after: null, ToAction(SlotGone))
            : AfterInformation(released, ToAction(P("booking-refused")));
    }

    private static VoiceTurn Found(CallState state, VoiceEvent.AppointmentFound found, VoiceSetting setting)
    {
        if (found.LocalStart is { } start)
            return Ask(state, VoiceNode.CancelConfirm, [],
                S($"Vous avez rendez-vous le {FrenchSpeech.DateAndTime(start, setting.Today)}, à {found.SiteName}."),
                P("cancel-confirm"));
        // The caller may be calling from another phone than the one given at booking: ask for that one once.
        if (!state.PhoneTyped)
            return Ask(state, VoiceNode.CancelPhone, [ToAction(P("cancel-not-found-caller"))], CancelPhonePrompt);
        var failed = state with { Failures = state.Failures + 1 };
        var notFound = P("cancel-not-found");
        if (failed.Failures >= MaxFailures) return LeaveMessage(failed, setting, notFound);
        return Ask(failed with { Node = VoiceNode.CancelCode, PhoneTyped = false }, VoiceNode.CancelCode, [ToAction(notFound)],
            P("cancel-code"));
    }

    private static VoiceTurn CancelDone(CallState state, VoiceEvent.CancelDone done, VoiceSetting setting)
    {
        if (done.Cancelled)
            return End(state, VoiceOutcome.Cancelled,
                ToAction(P("cancelled")), ToAction(Goodbye));
        return AfterInformation(state, ToAction(done.TooLate
            ? P("cancel-too-late")
            : P("cancel-not-found")));
    }

    private static VoiceTurn ReachPerson(CallState state, VoiceSetting setting)
    {
        var release = state.Holding ? new VoiceAction[] { new VoiceAction.ReleaseHold() } : [];
        var free = state with { Holding = false, Chosen = null };
        if (!setting.OpenNow || setting.TransferTarget is null) return LeaveMessage(free, setting, null, release);
        return new(free with { Node = VoiceNode.Transferring, Path = Step(state, VoiceNode.Transferring) },
            [.. release, ToAction(P("transfer")),
             new VoiceAction.Transfer(setting.TransferTarget, 20)]);
    }

    private static VoiceTurn Transferred(CallState state, bool answered, VoiceSetting setting) =>
        answered
            ? End(state, VoiceOutcome.Transferred)
            : LeaveMessage(state, setting, P("nobody-answered"));

    private static VoiceTurn LeaveMessage(CallState state, VoiceSetting setting, VoicePrompt? why, params VoiceAction[] before)
    {
        var release = state.Holding && before.Length == 0 ? new VoiceAction[] { new VoiceAction.ReleaseHold() } : before;
        var actions = new List<VoiceAction>(release);
        if (why is not null) actions.Add(ToAction(why));
        if (!setting.OpenNow) actions.Add(ToAction(P("closed")));
        actions.Add(ToAction(P("leave-message")));
        actions.Add(ToAction(P("beep")));
        actions.Add(new VoiceAction.Record(MaxSeconds: 120, SilenceSeconds: 3));
        return new(state with { Node = VoiceNode.Recording, Holding = false, Chosen = null, Path = Step(state, VoiceNode.Recording) }, actions);
    }

    private static VoiceTurn Recorded(CallState state, VoiceEvent.RecordingDone done)
    {
        if (done.Path is null || done.Seconds < 1)
            return End(state, state.Outcome == VoiceOutcome.None ? VoiceOutcome.Abandoned : state.Outcome,
                ToAction(P("no-message")));
        var callback = state.Phone ?? (FrenchPhone.Parse(state.Caller) is { } c ? National(c) : null);
        return End(state, VoiceOutcome.Message,
            new VoiceAction.StoreMessage(done.Path, done.Seconds, callback),
            ToAction(P("message-thanks")));
    }

    private static VoiceTurn HangUp(CallState state)
    {
        if (state.Node == VoiceNode.Ended) return new(state, []);
        var actions = state.Holding ? new VoiceAction[] { new VoiceAction.ReleaseHold() } : [];
        var outcome = state.Outcome == VoiceOutcome.None ? VoiceOutcome.Abandoned : state.Outcome;
        return new(state with { Node = VoiceNode.Ended, Outcome = outcome, Holding = false, Path = Step(state, VoiceNode.Ended) }, actions);
    }
}

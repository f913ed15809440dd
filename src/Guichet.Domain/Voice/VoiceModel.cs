namespace Guichet.Domain.Voice;

/// <summary>Something that happened on the call, or the answer to a service request the engine made.</summary>
public abstract record VoiceEvent
{
    public sealed record CallStarted(string? Caller, string? Called) : VoiceEvent;
    /// <summary>Keys typed (may be empty when the caller typed nothing before the timeout: use <see cref="NoInput"/>).</summary>
    public sealed record Digits(string Keys) : VoiceEvent;
    public sealed record Speech(string Text, double Confidence) : VoiceEvent;
    public sealed record NoInput : VoiceEvent;
    public sealed record TransferResult(bool Answered) : VoiceEvent;
    /// <param name="Path">where the door stored the recording (null when nothing was recorded).</param>
    public sealed record RecordingDone(string? Path, int Seconds) : VoiceEvent;
    public sealed record HangUp : VoiceEvent;

    // Answers to the engine's service requests, fed back by the use case within the same turn.
    public sealed record SlotsFound(IReadOnlyList<OfferedSlot> Slots) : VoiceEvent;
    public sealed record SlotHeld(bool Held) : VoiceEvent;
    public sealed record Booked(string Code, bool SmsSent) : VoiceEvent;
    /// <param name="SlotTaken">someone else took the slot; otherwise the booking was refused for another reason.</param>
    public sealed record BookingFailed(bool SlotTaken) : VoiceEvent;
    /// <summary>The appointment matching a code and a phone number, or null.</summary>
    public sealed record AppointmentFound(DateTime? LocalStart, string? SiteName) : VoiceEvent;
    public sealed record CancelDone(bool Cancelled, bool TooLate) : VoiceEvent;
}

/// <summary>What the door must do. Media actions are played in order; the last action says what to wait for.</summary>
public abstract record VoiceAction
{
    /// <summary>A fixed prompt, by id; <see cref="Text"/> is its words, for doors or prompts without a recording.</summary>
    public sealed record Play(string PromptId, string Text) : VoiceAction;
    /// <summary>Words built for this call (dates, codes, numbers already in words).</summary>
    public sealed record Say(string Text) : VoiceAction;
    /// <summary>Wait for up to <see cref="MaxDigits"/> keys ('#' ends early); the prompts before it may be interrupted.</summary>
    public sealed record Gather(int MaxDigits, int TimeoutSeconds) : VoiceAction;
    public sealed record Transfer(string Target, int TimeoutSeconds) : VoiceAction;
    public sealed record Record(int MaxSeconds, int SilenceSeconds) : VoiceAction;
    public sealed record Hangup : VoiceAction;

    // Service requests: the use case runs them against the planning. Queries are always the last action of a
    // list and are answered by an event (FindSlots → SlotsFound, HoldSlot → SlotHeld, Book → Booked or
    // BookingFailed, FindAppointment → AppointmentFound, Cancel → CancelDone); commands (ReleaseHold,
    // StoreMessage) are run where they stand and answer nothing.
    public sealed record FindSlots(string ReasonCode, int Persons, DateTime? AfterLocal) : VoiceAction;
    public sealed record HoldSlot(OfferedSlot Slot) : VoiceAction;
    public sealed record ReleaseHold : VoiceAction;
    public sealed record Book(OfferedSlot Slot, string ReasonCode, int Persons, string Phone) : VoiceAction;
    public sealed record FindAppointment(string Code, string Phone) : VoiceAction;
    public sealed record Cancel(string Code, string Phone) : VoiceAction;
    public sealed record StoreMessage(string RecordingPath, int Seconds, string? CallbackNumber) : VoiceAction;

    public bool IsQuery => this is FindSlots or HoldSlot or Book or FindAppointment or Cancel;
    public bool IsCommand => this is ReleaseHold or StoreMessage;
}

/// <summary>A slot as the caller hears it; <see cref="Ref"/> is the planning's own reference, opaque to the engine.</summary>
public sealed record OfferedSlot(string Ref, DateTime LocalStart, string SiteName);

/// <summary>What the engine needs to know about the organisation answering the call, given at every turn.</summary>
/// <param name="HoursText">opening hours in words ("du lundi au vendredi de neuf heures à douze heures").</param>
/// <param name="TransferTarget">where a person answers (null: nobody, the caller leaves a message).</param>
public sealed record VoiceSetting(
    string OrganisationName,
    bool OpenNow,
    string HoursText,
    string AddressText,
    string? TransferTarget,
    DateOnly Today,
    int MaxPersons = 5);

public enum VoiceNode
{
    Start, Menu, BookReason, BookPersons, BookSlots, BookConfirmSlot, BookConfirmPhone, BookTypePhone,
    CancelCode, CancelPhone, CancelConfirm, Documents, AfterInformation, Transferring, Recording, Ended,
}

public enum VoiceOutcome { None, Booked, Cancelled, Information, Transferred, Message, Abandoned }

/// <summary>
/// The whole state of one call, plain data so it serialises to JSON and any node can take the next turn.
/// </summary>
public sealed record CallState
{
    public VoiceNode Node { get; init; } = VoiceNode.Start;
    public string? Caller { get; init; }
    public string? Called { get; init; }
    /// <summary>Failed inputs in a row on the current step; the third sends the caller to leave a message.</summary>
    public int Failures { get; init; }
    public string? ReasonCode { get; init; }
    public int Persons { get; init; }
    public IReadOnlyList<OfferedSlot> Offered { get; init; } = [];
    public OfferedSlot? Chosen { get; init; }
    public bool Holding { get; init; }
    /// <summary>The number to reach the caller, national digits ("0612345678").</summary>
    public string? Phone { get; init; }
    /// <summary>Whether <see cref="Phone"/> was typed rather than taken from the caller id.</summary>
    public bool PhoneTyped { get; init; }
    public string? Code { get; init; }
    public VoiceOutcome Outcome { get; init; }
    /// <summary>The steps the call went through, for the call's record.</summary>
    public IReadOnlyList<string> Path { get; init; } = [];
    /// <summary>The prompts of the current step, replayed by the star key.</summary>
    public IReadOnlyList<VoicePrompt> LastPrompts { get; init; } = [];
}

/// <summary>A prompt kept in the state for "star repeats" (id null: dynamic words).</summary>
public sealed record VoicePrompt(string? PromptId, string Text);

/// <summary>The new state and what to do.</summary>
public sealed record VoiceTurn(CallState State, IReadOnlyList<VoiceAction> Actions);

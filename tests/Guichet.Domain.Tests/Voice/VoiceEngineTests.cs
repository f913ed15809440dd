using Guichet.Domain.Voice;

namespace Guichet.Domain.Tests.Voice;

public sealed class VoiceEngineTests
{
    [Fact]
    public void The_welcome_names_the_organisation_and_offers_the_menu()
    {
        var c = new ScriptedCaller().Call();
        Assert.StartsWith("Bonjour, vous êtes bien à : la mairie de Lorval.", c.Heard);
        Assert.Contains("tapez 1", c.Heard);
        Assert.DoesNotContain("fermés", c.Heard);
        Assert.Equal(new VoiceAction.Gather(1, 6), c.Waiting);
        Assert.Equal(VoiceNode.Menu, c.State.Node);
    }

    [Fact]
    public void Outside_opening_hours_the_welcome_says_the_hours_and_zero_leaves_a_message()
    {
        var c = new ScriptedCaller();
        c.Setting = c.Setting with { OpenNow = false };
        c.Call();
        Assert.Contains("Nous sommes actuellement fermés. Nos horaires : du lundi au vendredi, de huit heures trente à douze heures.", c.Heard);
        Assert.Contains("Pour laisser un message, tapez 0", c.Heard);
        c.Press("0");
        Assert.IsType<VoiceAction.Record>(c.Waiting);
        Assert.DoesNotContain(c.All, a => a is VoiceAction.Transfer);
    }

    [Fact]
    public void A_caller_books_an_identity_card_with_the_number_they_call_from()
    {
        var c = new ScriptedCaller().Call().Press("1");
        Assert.Contains("Pour une carte d'identité, tapez 1", c.Heard);
        c.Press("1");
        Assert.Contains("Tapez un chiffre de un à cinq", c.Heard);
        c.Press("2");
        Assert.Contains("Le mardi premier décembre à neuf heures trente : tapez 1.", c.Heard);
        Assert.Contains("Le mardi premier décembre à dix heures : tapez 2.", c.Heard);
        Assert.Contains("Le jeudi trois décembre à quatorze heures : tapez 3.", c.Heard);
        Assert.Contains("Pour d'autres créneaux, tapez 9", c.Heard);
        Assert.DoesNotContain("quatre décembre", c.Heard);   // three at a time
        c.Press("2");
        Assert.Equal("s2", c.Held);
        Assert.Contains("Vous avez choisi le mardi premier décembre à dix heures, à Mairie de Lorval.", c.Heard);
        c.Press("1");
        Assert.Contains("Nous vous joindrons au zéro six, douze, trente-quatre, cinquante-six, soixante-dix-huit.", c.Heard);
        c.Press("1");
        var booking = Assert.Single(c.Bookings);
        Assert.Equal(("s2", "CNI", 2, "0612345678"), (booking.Slot.Ref, booking.ReasonCode, booking.Persons, booking.Phone));
        Assert.Contains("Notez votre code de rendez-vous : zéro, quatre, huit, deux, sept, un, neuf, trois. Je répète : zéro, quatre", c.Heard);
        Assert.Contains("SMS de confirmation", c.Heard);
        Assert.IsType<VoiceAction.Hangup>(c.Last[^1]);
        Assert.Equal((VoiceNode.Ended, VoiceOutcome.Booked, "04827193"), (c.State.Node, c.State.Outcome, c.State.Code));
        Assert.Equal(["Menu", "BookReason", "BookPersons", "BookSlots", "BookConfirmSlot", "BookConfirmPhone", "Ended"], c.State.Path);
    }

    [Fact]
    public void Nine_reads_the_next_slots_and_a_caller_without_caller_id_types_a_landline()
    {
        var c = new ScriptedCaller().Call(caller: null).Press("1").Press("2").Press("1").Press("9");
        Assert.Contains("Le vendredi quatre décembre à huit heures trente : tapez 1.", c.Heard);
        c.Press("9");
        Assert.Contains("Il n'y a pas d'autre créneau disponible.", c.Heard);
        Assert.Contains("vendredi quatre décembre", c.Heard);
        c.Press("1").Press("1");
        Assert.Contains("Tapez le numéro de téléphone", c.Heard);
        c.Press("12345#");
        Assert.Contains("Ce numéro n'est pas valide.", c.Heard);
        c.Press("0123456789#");
        Assert.Contains("zéro un, vingt-trois, quarante-cinq, soixante-sept, quatre-vingt-neuf", c.Heard);
        c.Press("1");
        var booking = Assert.Single(c.Bookings);
        Assert.Equal(("s4", "PASSPORT", 1, "0123456789"), (booking.Slot.Ref, booking.ReasonCode, booking.Persons, booking.Phone));
        Assert.DoesNotContain("SMS", c.Heard);   // a landline gets no SMS
    }

    [Fact]
    public void A_caller_may_give_another_number_than_the_one_they_call_from()
    {
        var c = new ScriptedCaller().Call("0123456789").Press("1").Press("3").Press("1").Press("1").Press("1").Press("2");
        Assert.Contains("Tapez le numéro de téléphone", c.Heard);
        c.Press("0698765432").Press("1");
        Assert.Equal("0698765432", Assert.Single(c.Bookings).Phone);
        Assert.Equal("CNI-PASSPORT", c.Bookings[0].ReasonCode);
    }

    [Fact]
    public void A_slot_taken_while_the_caller_listens_is_replaced_by_the_next_ones()
    {
        var c = new ScriptedCaller().Call().Press("1").Press("1").Press("1");
        c.TakenByOthers.Add("s1");
        c.Press("1");
        Assert.Contains("Ce créneau vient d'être pris", c.Heard);
        Assert.Contains("Le mardi premier décembre à dix heures : tapez 1.", c.Heard);
        Assert.Null(c.Held);
        c.Press("1").Press("1");
        c.TakenByOthers.Add("s2");   // the hold is a courtesy; the booking itself is the guarantee
        c.Press("1");
        Assert.Contains("Ce créneau vient d'être pris", c.Heard);
        Assert.Empty(c.Bookings);
        Assert.Equal(VoiceNode.BookSlots, c.State.Node);
    }

    [Fact]
    public void Choosing_another_slot_releases_the_held_one()
    {
        var c = new ScriptedCaller().Call().Press("1").Press("1").Press("1").Press("3");
        Assert.Equal("s3", c.Held);
        c.Press("2");
        Assert.Null(c.Held);
        Assert.Contains(c.Last, a => a is VoiceAction.ReleaseHold);
        Assert.Contains("Le mardi premier décembre à neuf heures trente : tapez 1.", c.Heard);
    }

    [Fact]
    public void Hanging_up_while_a_slot_is_held_releases_it_and_the_call_is_abandoned()
    {
        var c = new ScriptedCaller().Call().Press("1").Press("1").Press("1").Press("1");
        Assert.Equal("s1", c.Held);
        c.HangUp();
        Assert.Null(c.Held);
        Assert.Equal((VoiceNode.Ended, VoiceOutcome.Abandoned), (c.State.Node, c.State.Outcome));
        Assert.Empty(c.Bookings);
        c.HangUp();   // a second hang-up (TwiML status callback after the FastAGI line) changes nothing
        Assert.Empty(c.Last);
    }

    [Fact]
    public void A_refused_booking_says_so_and_offers_a_person()
    {
        var c = new ScriptedCaller { BookingRefused = true }.Call().Press("1").Press("1").Press("1").Press("1").Press("1").Press("1");
        Assert.Contains("n'a pas pu être enregistré", c.Heard);
        Assert.Equal(VoiceNode.AfterInformation, c.State.Node);
        Assert.False(c.State.Holding);
    }

    [Fact]
    public void No_free_slot_is_said_plainly()
    {
        var c = new ScriptedCaller();
        c.Free.Clear();
        c.Call().Press("1").Press("1").Press("1");
        Assert.Contains("Aucun créneau n'est disponible pour le moment.", c.Heard);
        Assert.Equal(VoiceNode.AfterInformation, c.State.Node);
    }

    [Fact]
    public void More_persons_than_allowed_is_not_understood() =>
        Assert.Contains("Je n'ai pas compris.", new ScriptedCaller().Call().Press("1").Press("1").Press("6").Heard);

    [Fact]
    public void A_caller_cancels_by_code_from_the_number_of_the_booking()
    {
        var c = new ScriptedCaller();
        c.Appointments["12345678"] = ("0612345678", new DateTime(2026, 12, 3, 9, 30, 0), false);
        c.Call().Press("2");
        Assert.Contains("huit chiffres", c.Heard);
        Assert.Equal(new VoiceAction.Gather(8, 10), c.Waiting);
        c.Press("12345678#");
        Assert.Contains("Vous avez rendez-vous le jeudi trois décembre à neuf heures trente, à Mairie de Lorval.", c.Heard);
        c.Press("1");
        Assert.Equal(new VoiceAction.Cancel("12345678", "0612345678"), Assert.Single(c.Cancellations));
        Assert.Contains("Votre rendez-vous est annulé.", c.Heard);
        Assert.Equal(VoiceOutcome.Cancelled, c.State.Outcome);
    }

    [Fact]
    public void From_another_phone_the_caller_types_the_number_of_the_booking()
    {
        var c = new ScriptedCaller();
        c.Appointments["12345678"] = ("0612345678", new DateTime(2026, 12, 3, 9, 30, 0), false);
        c.Call("0147000000").Press("2").Press("12345678");
        Assert.Contains("Aucun rendez-vous ne correspond à ce code et au numéro d'où vous appelez.", c.Heard);
        c.Press("0612345678").Press("1");
        Assert.Single(c.Cancellations);
    }

    [Fact]
    public void A_wrong_code_three_times_leads_to_a_message()
    {
        var c = new ScriptedCaller().Call(caller: null).Press("2").Press("11111111").Press("0612345678");
        Assert.Contains("Aucun rendez-vous ne correspond à ce code et à ce numéro.", c.Heard);
        Assert.Equal(VoiceNode.CancelCode, c.State.Node);
        c.Press("22222222").Press("0612345678").Press("1234");
        Assert.Contains("Ce code n'est pas valide.", c.Heard);
        c.Press("1234");
        Assert.IsType<VoiceAction.Record>(c.Waiting);
        Assert.Empty(c.Cancellations);
    }

    [Fact]
    public void An_appointment_too_close_is_not_cancelled_and_keeping_it_is_possible()
    {
        var c = new ScriptedCaller();
        c.Appointments["12345678"] = ("0612345678", new DateTime(2026, 11, 30, 9, 0, 0), true);
        c.Appointments["87654321"] = ("0612345678", new DateTime(2026, 12, 9, 9, 0, 0), false);
        c.Call().Press("2").Press("12345678").Press("1");
        Assert.Contains("ne peut plus être annulé par téléphone", c.Heard);
        c.Press("1").Press("2").Press("87654321").Press("2");
        Assert.Contains("Votre rendez-vous est maintenu.", c.Heard);
        Assert.Empty(c.Cancellations);
    }

    [Fact]
    public void The_documents_to_bring_are_read_in_short_and_silence_then_ends_the_call()
    {
        var c = new ScriptedCaller().Call().Press("3").Press("2");
        Assert.Contains("Pour un passeport, apportez", c.Heard);
        Assert.Contains("Pour revenir au menu, tapez 1", c.Heard);
        c.Silence();
        Assert.Contains("Au revoir", c.Heard);
        Assert.Equal(VoiceOutcome.Information, c.State.Outcome);
        Assert.IsType<VoiceAction.Hangup>(c.Last[^1]);
    }

    [Fact]
    public void Hours_and_address_are_read_and_one_returns_to_the_menu()
    {
        var c = new ScriptedCaller().Call().Press("4");
        Assert.Contains("Nos horaires : du lundi au vendredi, de huit heures trente à douze heures. Notre adresse : 1 place de la Mairie, Lorval.", c.Heard);
        c.Press("1");
        Assert.Equal(VoiceNode.Menu, c.State.Node);
        Assert.Equal(VoiceOutcome.Information, c.State.Outcome);
    }

    [Fact]
    public void Star_repeats_the_step_without_counting_a_failure()
    {
        var c = new ScriptedCaller().Call().Press("1").Press("1").Press("1");
        var offer = c.Heard;
        c.Press("*");
        Assert.Contains("Le mardi premier décembre à neuf heures trente : tapez 1.", c.Heard);
        Assert.DoesNotContain("compris", c.Heard);
        Assert.Equal(0, c.State.Failures);
        Assert.Contains("Pour d'autres créneaux", offer);
    }

    [Fact]
    public void Zero_reaches_a_person_during_opening_hours()
    {
        var c = new ScriptedCaller().Call().Press("1").Press("1").Press("1").Press("1").Press("0");
        Assert.Null(c.Held);   // the held slot goes back to the planning
        Assert.Equal(new VoiceAction.Transfer("PJSIP/accueil", 20), c.Waiting);
        c.Transfer(answered: true);
        Assert.Equal(VoiceOutcome.Transferred, c.State.Outcome);
        Assert.IsType<VoiceAction.Hangup>(c.Last[^1]);
    }

    [Fact]
    public void Nobody_answering_leads_to_a_message_with_the_callback_number()
    {
        var c = new ScriptedCaller().Call().Press("0").Transfer(answered: false);
        Assert.Contains("Aucun conseiller n'est disponible", c.Heard);
        Assert.Equal(new VoiceAction.Record(120, 3), c.Waiting);
        c.Recorded("/var/spool/guichet/msg-1.wav", 14);
        Assert.Equal(new VoiceAction.StoreMessage("/var/spool/guichet/msg-1.wav", 14, "0612345678"), Assert.Single(c.Messages));
        Assert.Contains("votre message est enregistré", c.Heard);
        Assert.Equal(VoiceOutcome.Message, c.State.Outcome);
    }

    [Fact]
    public void An_empty_recording_stores_nothing()
    {
        var c = new ScriptedCaller().Call().Silence().Silence().Silence();
        Assert.Contains("Nous n'arrivons pas à nous comprendre.", c.Heard);
        c.Recorded(null, 0);
        Assert.Empty(c.Messages);
        Assert.Equal(VoiceOutcome.Abandoned, c.State.Outcome);
    }

    [Fact]
    public void Three_failed_inputs_in_a_row_lead_to_a_message_but_a_good_one_resets_the_count()
    {
        var c = new ScriptedCaller().Call().Press("7").Press("8");
        Assert.Equal(2, c.State.Failures);
        c.Press("1");
        Assert.Equal(0, c.State.Failures);
        c.Press("5").Silence();
        Assert.Equal(VoiceNode.BookReason, c.State.Node);
        c.Press("#");
        Assert.Equal(VoiceNode.Recording, c.State.Node);
    }

    [Fact]
    public void Speech_drives_the_same_journeys_and_unsure_speech_is_not_understood()
    {
        var c = new ScriptedCaller().Call().Say("vos horaires", confidence: 0.2);
        Assert.Contains("Je n'ai pas compris.", c.Heard);
        c.Say("je voudrais connaître vos horaires");
        Assert.Contains("Nos horaires", c.Heard);
    }

    [Fact]
    public void A_call_that_ended_only_hangs_up()
    {
        var c = new ScriptedCaller().Call().Press("0").Transfer(true).Press("1");
        Assert.Equal([new VoiceAction.Hangup()], c.Last);
    }

    [Fact]
    public void A_service_answer_at_the_wrong_step_is_an_error()
    {
        var c = new ScriptedCaller().Call().Press("0");
        Assert.Throws<InvalidOperationException>(() => VoiceEngine.Next(c.State, new VoiceEvent.Booked("1", false), c.Setting));
    }
}

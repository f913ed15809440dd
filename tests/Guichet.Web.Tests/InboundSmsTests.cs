using System.Net;
using Guichet.Domain.Messaging;
using Guichet.Domain.Requests;
using Guichet.Web.Features.Notifications;
using Guichet.Web.Features.Requests;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Tests;

/// <summary>Citizens' SMS that are neither STOP nor ANNULER, through the signed Twilio webhook.</summary>
public sealed class InboundSmsTests(SmsApp app) : IClassFixture<SmsApp>
{
    [Fact]
    public async Task An_sms_to_the_town_hall_that_last_wrote_becomes_an_sms_request_and_the_next_one_is_threaded_onto_it()
    {
        await app.BookAsync("lorval-hotel-de-ville", "2026-12-15", phone: "06 55 44 33 22");   // Lorval writes to the number

        var first = await SmsApp.TwiMlAnswerAsync(await app.ReplyAsync("+33655443322", "Bonjour, le trottoir devant l'école est défoncé"));
        Assert.Null(first);   // the acknowledgement SMS says it all
        var request = await app.WithDbAsync(db => db.CitizenRequests.AsNoTracking().SingleAsync(r => r.Phone == "+33655443322"));
        Assert.Equal((RequestChannel.Sms, "mairie-lorval", "lorval-autre", "Martin"), (request.Channel, request.OrganisationId, request.CategoryId, request.LastName));
        Assert.Equal("Bonjour, le trottoir devant l'école est défoncé", request.Text);
        var ack = await app.WithDbAsync(db => db.OutboxMessages.AsNoTracking().SingleAsync(m => m.IdempotencyKey == $"request:{request.Id}:ack"));
        Assert.Equal((MessageChannel.Sms, "+33655443322"), (ack.Channel, ack.Recipient));

        var second = await SmsApp.TwiMlAnswerAsync(await app.ReplyAsync("+33655443322", "C'est au 4 rue des Écoles."));
        Assert.Equal(SmsEncoding.ToGsmSafe($"Message ajouté à votre demande {TrackingCode.Display(request.TrackingCode)}. Merci."), second);
        Assert.Equal(1, await app.WithDbAsync(db => db.CitizenRequests.CountAsync(r => r.Phone == "+33655443322")));
        var events = await app.WithDbAsync(db => db.Set<RequestEvent>().AsNoTracking().Where(e => e.RequestId == request.Id && e.Kind == RequestEventKind.CitizenMessage).ToListAsync());
        Assert.Contains("C'est au 4 rue des Écoles.", Assert.Single(events).Text);

        // A provider's retry of the same SMS changes nothing.
        var sid = "SMretry" + Guid.NewGuid().ToString("N");
        await app.ReplyAsync("+33655443322", "Merci d'avance", sid);
        await app.ReplyAsync("+33655443322", "Merci d'avance", sid);
        Assert.Equal(2, await app.WithDbAsync(db => db.Set<RequestEvent>().CountAsync(e => e.RequestId == request.Id && e.Kind == RequestEventKind.CitizenMessage)));
    }

    [Fact]
    public async Task An_answered_request_named_by_its_tracking_code_is_reopened_by_the_citizens_sms()
    {
        await app.BookAsync("lorval-hotel-de-ville", "2026-12-16", phone: "06 55 44 33 11");
        await app.ReplyAsync("+33655443311", "Le feu rouge du carrefour est en panne");
        var request = await app.WithDbAsync(db => db.CitizenRequests.AsNoTracking().SingleAsync(r => r.Phone == "+33655443311"));
        await app.WithDbAsync(db => db.CitizenRequests.Where(r => r.Id == request.Id).ExecuteUpdateAsync(u => u.SetProperty(r => r.Status, RequestStatus.Answered)));

        await app.ReplyAsync("+33655443311", $"Demande {TrackingCode.Display(request.TrackingCode)} : toujours en panne ce soir");

        Assert.Equal(RequestStatus.InProgress, await app.WithDbAsync(db => db.CitizenRequests.Where(r => r.Id == request.Id).Select(r => r.Status).SingleAsync()));
    }

    [Fact]
    public async Task An_sms_from_a_number_no_town_hall_wrote_to_files_nothing_keeps_nothing_personal_and_is_answered_200()
    {
        var before = await app.WithDbAsync(db => db.CitizenRequests.CountAsync());
        var answer = await app.ReplyAsync("+33677889900", "Bonjour je m'appelle Inconnu");
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal(SmsEncoding.ToGsmSafe(SmsTexts.Help), await SmsApp.TwiMlAnswerAsync(answer));
        Assert.Equal(before, await app.WithDbAsync(db => db.CitizenRequests.CountAsync()));
        Assert.False(await app.WithDbAsync(db => db.Set<SmsEvent>().AnyAsync(e => e.Payload.Contains("Inconnu") || e.Payload.Contains("77889900"))));
        Assert.False(await app.WithDbAsync(db => db.Set<InboundMessage>().AnyAsync(m => m.Channel == InboundChannel.Sms && m.RequestId == null)));
    }

    [Fact]
    public async Task Stop_and_annuler_keep_working_and_create_no_request()
    {
        await app.BookAsync("lorval-hotel-de-ville", "2026-12-17", phone: "06 55 44 33 00");
        await app.ReplyAsync("+33655443300", "STOP");
        Assert.False(await app.WithDbAsync(db => db.CitizenRequests.AnyAsync(r => r.Phone == "+33655443300")));
        Assert.True(await app.WithDbAsync(db => db.Set<SmsOptOut>().AnyAsync(o => o.Phone == "+33655443300")));
    }
}

using System.Globalization;
using Guichet.Domain.Calendar;
using Guichet.Domain.Requests;
using Guichet.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Requests;

/// <summary>
/// An incomplete request (CRPA L114-5). The agent lists the missing documents and a supply-by day: the citizen is told
/// on their channel, with the acknowledgement's items, and the delays to answer and of the implicit decision are then
/// counted from that day (the latest they can start). When the documents come, the agent records the day and the delays
/// run from it, brought forward. Each step is a public event of the history; the request stays in its state and basket.
/// </summary>
public sealed class RequestDocuments(GuichetDb db, RequestMessages messages, TimeProvider clock)
{
    public async Task<HandleResult> AskAsync(Agent agent, string id, string? documents, string? supplyBy, CancellationToken ct)
    {
        var r = await db.CitizenRequests.FirstOrDefaultAsync(x => x.Id == id && x.OrganisationId == agent.OrganisationId, ct);
        if (r is null) return new HandleResult.NotFound();
        if (!RequestLifecycle.IsOpen(r.Status)) return new HandleResult.Refused("documents", $"Une demande « {RequestLifecycle.Label(r.Status)} » n'attend plus de pièces.");
        if (r.Awaited is { SupplyBy: var pending })
            return new HandleResult.Refused("documents", $"Des pièces sont déjà demandées pour le {Acknowledgement.Date(pending)} : enregistrez d'abord leur réception.");
        var organisation = await db.Organisations.AsNoTracking().FirstAsync(o => o.Id == r.OrganisationId, ct);
        var (zone, calendar) = await OrganisationCalendar.ForAsync(db, organisation, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var today = Deadline.ReceivedOn(now, zone);
        var items = MissingDocuments.Lines(documents);
        var by = ParseDate(supplyBy);
        if (MissingDocuments.Check(items, by, today) is { } why)
            return new HandleResult.Refused(items.Count == 0 || items.Count > MissingDocuments.MaxItems || items.Any(i => i.Length > MissingDocuments.MaxItemLength) ? "documents" : "supplyBy", why);

        var receivedOn = Deadline.ReceivedOn(r.ReceivedUtc, zone);
        Restart(r, by!.Value, receivedOn, calendar);
        r.MissingDocuments = string.Join('\n', items);
        r.MissingDocumentsBy = by;
        var category = await db.Set<Category>().AsNoTracking().FirstAsync(c => c.Id == r.CategoryId, ct);
        var unit = await db.Set<Unit>().AsNoTracking().FirstAsync(u => u.Id == r.UnitId, ct);
        var ack = messages.Acknowledgement(r, receivedOn, organisation, category, unit);
        if (ack.Missing() is { Count: > 0 } missing)
            return new HandleResult.Refused("documents", $"La demande de pièces ne peut pas partir : il manque {string.Join(", ", missing)} (réglages du service).");
        var e = RequestHistory.Add(db, r, RequestEventKind.DocumentsRequested, agent.Id, now,
            $"Pièces demandées, à fournir au plus tard le {ack.Documents!.SupplyByText} : {ack.Documents.Joined}. Réponse au plus tard le {Acknowledgement.Date(r.DueDate)} si elles arrivent à cette date.",
            isPublic: true);
        var sent = await messages.AddDocumentsRequestAsync(r, ack, e.Id, ct);
        r.UpdatedUtc = now;
        await db.SaveChangesAsync(ct);
        return new HandleResult.Done((sent switch
        {
            Notifications.MessageChannel.Email => "La demande de pièces est envoyée par courriel",
            Notifications.MessageChannel.Sms => "La demande de pièces est envoyée par SMS",
            _ => "La demande de pièces est enregistrée ; l'usager n'a ni courriel ni mobile : imprimez l'accusé de réception, qui la contient, et envoyez-le par courrier",
        }) + $". Échéance reportée au {Acknowledgement.Date(r.DueDate)}, avancée si les pièces arrivent plus tôt.");
    }

    public async Task<HandleResult> ReceivedAsync(Agent agent, string id, string? receivedOn, CancellationToken ct)
    {
        var r = await db.CitizenRequests.FirstOrDefaultAsync(x => x.Id == id && x.OrganisationId == agent.OrganisationId, ct);
        if (r is null) return new HandleResult.NotFound();
        if (r.Awaited is null) return new HandleResult.Refused("documentsOn", "Aucune pièce n'est attendue pour cette demande.");
        var organisation = await db.Organisations.AsNoTracking().FirstAsync(o => o.Id == r.OrganisationId, ct);
        var (zone, calendar) = await OrganisationCalendar.ForAsync(db, organisation, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var today = Deadline.ReceivedOn(now, zone);
        var requestOn = Deadline.ReceivedOn(r.ReceivedUtc, zone);
        var on = string.IsNullOrWhiteSpace(receivedOn) ? today : ParseDate(receivedOn);
        if (on is not { } day) return new HandleResult.Refused("documentsOn", "Indiquez la date de réception des pièces (jj/mm/aaaa).");
        if (day > today) return new HandleResult.Refused("documentsOn", "Les pièces ne peuvent pas être reçues dans le futur.");
        if (day < requestOn) return new HandleResult.Refused("documentsOn", "Les pièces ne peuvent pas être reçues avant la demande.");

        Restart(r, day, requestOn, calendar);
        r.MissingDocuments = null;
        r.MissingDocumentsBy = null;
        var e = RequestHistory.Add(db, r, RequestEventKind.DocumentsReceived, agent.Id, now,
            $"Pièces reçues le {Acknowledgement.Date(day)} : réponse au plus tard le {Acknowledgement.Date(r.DueDate)}"
            + (r.ImplicitDecisionOn is { } decided ? $", décision implicite le {Acknowledgement.Date(decided)}." : "."),
            isPublic: true);
        var category = await db.Set<Category>().AsNoTracking().FirstAsync(c => c.Id == r.CategoryId, ct);
        var unit = await db.Set<Unit>().AsNoTracking().FirstAsync(u => u.Id == r.UnitId, ct);
        var sent = await messages.AddDocumentsReceivedAsync(r, messages.Acknowledgement(r, requestOn, organisation, category, unit), day, e.Id, ct);
        r.UpdatedUtc = now;
        await db.SaveChangesAsync(ct);
        return new HandleResult.Done($"Réception des pièces enregistrée : échéance au {Acknowledgement.Date(r.DueDate)}"
            + (sent is null ? " ; l'usager n'a ni courriel ni mobile : prévenez-le par courrier." : sent == Notifications.MessageChannel.Email ? ", l'usager est prévenu par courriel." : ", l'usager est prévenu par SMS."));
    }

    /// <summary>
    /// The delays, as long as they were, now run from <paramref name="from"/>: the working days to answer and the months
    /// of the implicit decision, both counted from the day they ran from until now (receipt, or an earlier restart).
    /// </summary>
    private static void Restart(CitizenRequest r, DateOnly from, DateOnly receivedOn, HolidayCalendar calendar)
    {
        var origin = r.DelaysFrom ?? receivedOn;
        var days = r.DueDate > origin ? WorkingDays.Count(origin, r.DueDate, calendar) : 0;
        var decision = RequestMessages.Decision(r, receivedOn);
        r.DelaysFrom = from;
        r.DueDate = WorkingDays.Add(from, days, calendar);
        if (decision is { Months: >= 1 and <= ImplicitDecision.MaxMonths }) r.ImplicitDecisionOn = ImplicitDecision.For(decision.Rule, decision.Months, from)!.DecisionOn;
    }

    /// <summary>A date field: the browser's yyyy-mm-dd, or dd/mm/yyyy typed by hand.</summary>
    private static DateOnly? ParseDate(string? value) =>
        DateOnly.TryParseExact(value?.Trim(), ["yyyy-MM-dd", "dd/MM/yyyy", "d/M/yyyy"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;
}

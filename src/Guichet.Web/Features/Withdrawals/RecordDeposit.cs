using Guichet.Domain.Scheduling;
using Guichet.Web.Data;
using Guichet.Web.Features.Appointments;
using Guichet.Web.Features.Notifications;
using Guichet.Web.Platform;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Withdrawals;

public abstract record DepositResult
{
    public sealed record Recorded(ApplicationDeposit Deposit) : DepositResult;
    public sealed record NotFound : DepositResult;
    public sealed record Refused(string Message) : DepositResult;
}

public static class WithdrawalsFeature
{
    public const string ReasonCode = "WITHDRAWAL";

    public static WebApplicationBuilder AddWithdrawals(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<RecordDeposit>();
        return builder;
    }
}

/// <summary>
/// The withdrawal of a title: the agent records the deposit at the honoured appointment (marking it honoured when it
/// was still booked), Guichet proposes withdrawal slots from deposit + instruction + manufacturing delays (working
/// days of the site's calendar, per reason), the agent may book one on the spot; later the agent marks the title
/// ready and the citizen is invited, once, to choose a withdrawal slot through a secret link.
/// </summary>
public sealed class RecordDeposit(GuichetDb db, Agenda.RecordOutcome outcomes, FindSlots finder, BookAppointment book, CitizenMessages messages,
    AppOptions app, TimeProvider clock, ILogger<RecordDeposit> log)
{
    public const int ProposedDays = 14;

    /// <summary>The appointment an agent of the receiving organisation may record a deposit on; partners never.</summary>
    public Task<Appointment?> AppointmentAsync(string appointmentId, Agent agent, CancellationToken ct) =>
        agent.Role == AgentRole.Partner ? Task.FromResult<Appointment?>(null)
        : db.Appointments.AsNoTracking().FirstOrDefaultAsync(a => a.Id == appointmentId && a.OrganisationId == agent.OrganisationId, ct);

    public Task<ApplicationDeposit?> OfAsync(string appointmentId, CancellationToken ct) =>
        db.Set<ApplicationDeposit>().AsNoTracking().FirstOrDefaultAsync(d => d.AppointmentId == appointmentId, ct);

    public async Task<DepositResult> RecordAsync(string appointmentId, Agent agent, CancellationToken ct)
    {
        var appointment = await AppointmentAsync(appointmentId, agent, ct);
        if (appointment is null) return new DepositResult.NotFound();
        if (await OfAsync(appointmentId, ct) is { } existing) return new DepositResult.Recorded(existing);
        if (appointment.ReasonCode == WithdrawalsFeature.ReasonCode) return new DepositResult.Refused("Ce rendez-vous est un retrait : il n'y a pas de dossier à déposer.");
        if (appointment.Status == AppointmentStatus.Booked)
        {
            // The deposit is made in person: recording it marks the arrival, under the lifecycle's rules.
            switch (await outcomes.RunAsync(appointment.Id, AppointmentState.Honoured, agent, ct))
            {
                case Agenda.OutcomeResult.Refused r: return new DepositResult.Refused(r.Message);
                case Agenda.OutcomeResult.NotFound: return new DepositResult.NotFound();
            }
        }
        else if (appointment.Status != AppointmentStatus.Honoured)
            return new DepositResult.Refused("Le dépôt se note sur un rendez-vous honoré : l'usager était-il présent ?");

        var site = await db.Sites.AsNoTracking().FirstAsync(s => s.Id == appointment.SiteId, ct);
        var reason = await db.Reasons.AsNoTracking().FirstAsync(r => r.OrganisationId == appointment.OrganisationId && r.Code == appointment.ReasonCode, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var day = DateOnly.FromDateTime(FrenchDates.ToLocal(now, site.TimeZone));
        var deposit = new ApplicationDeposit
        {
            Id = Secrets.NewId(), OrganisationId = appointment.OrganisationId, AppointmentId = appointment.Id, SiteId = site.Id,
            ReasonCode = reason.Code, DepositedOn = day, DepositedUtc = now, DepositedBy = agent.Id,
            EarliestWithdrawal = WithdrawalDate.Earliest(day, reason.InstructionWorkingDays, reason.ManufacturingWorkingDays,
                Domain.Calendar.HolidayCalendar.For(site.Territory)),
        };
        db.Add(deposit);
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            db.ChangeTracker.Clear();   // a colleague recorded it a moment ago
            return new DepositResult.Recorded((await OfAsync(appointmentId, ct))!);
        }
        log.LogInformation("Deposit {DepositId} recorded on appointment {AppointmentId} by agent {AgentId}", deposit.Id, appointment.Id, agent.Id);
        return new DepositResult.Recorded(deposit);
    }

    /// <summary>The first day withdrawal slots are offered: the earliest date, never before today nor before the title was ready.</summary>
    public DateOnly FirstDay(ApplicationDeposit deposit, Site site)
    {
        var today = DateOnly.FromDateTime(FrenchDates.ToLocal(clock.GetUtcNow().UtcDateTime, site.TimeZone));
        var ready = deposit.ReadyUtc is { } r ? DateOnly.FromDateTime(FrenchDates.ToLocal(r, site.TimeZone)) : DateOnly.MinValue;
        return new[] { deposit.EarliestWithdrawal, today, ready }.Max();
    }

    public async Task<IReadOnlyList<SiteSlot>> SlotsAsync(ApplicationDeposit deposit, Site site, int persons, CancellationToken ct)
    {
        var from = FirstDay(deposit, site);
        var found = await finder.RunAsync(new SlotQuery([site.Id], WithdrawalsFeature.ReasonCode, persons, 0, from, from.AddDays(ProposedDays - 1), 40), ct);
        return found is SlotSearchResult.Found f ? f.Slots : [];
    }

    /// <summary>Books the withdrawal, by the agent at the counter or by the citizen through the link, and ties it to the deposit.</summary>
    public async Task<BookingResult> BookAsync(ApplicationDeposit deposit, BookingRequest request, Booker booker, CancellationToken ct)
    {
        var site = await db.Sites.AsNoTracking().FirstAsync(s => s.Id == deposit.SiteId, ct);
        if (request.Start is { } start && DateOnly.FromDateTime(FrenchDates.ToLocal(start.UtcDateTime, site.TimeZone)) < FirstDay(deposit, site))
            return new BookingResult.Refused("start", $"Le titre ne peut pas être retiré avant le {FrenchDates.Day(FirstDay(deposit, site).ToDateTime(TimeOnly.MinValue))}.");
        var result = await book.RunAsync(request with { SiteId = site.Id, ReasonCode = WithdrawalsFeature.ReasonCode, PreRequestNumbers = [] }, booker, ct);
        if (result is BookingResult.Booked b)
        {
            await db.Set<ApplicationDeposit>().Where(d => d.Id == deposit.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.WithdrawalAppointmentId, b.Appointment.Id), ct);
            log.LogInformation("Withdrawal appointment {AppointmentId} booked for deposit {DepositId}", b.Appointment.Id, deposit.Id);
        }
        return result;
    }

    /// <summary>"Titre disponible": the citizen is told once, by e-mail and SMS, with a link to choose the withdrawal slot.</summary>
    public async Task<DepositResult> MarkReadyAsync(string appointmentId, Agent agent, CancellationToken ct)
    {
        var appointment = await AppointmentAsync(appointmentId, agent, ct);
        if (appointment is null) return new DepositResult.NotFound();
        var deposit = await db.Set<ApplicationDeposit>().FirstOrDefaultAsync(d => d.AppointmentId == appointmentId, ct);
        if (deposit is null) return new DepositResult.Refused("Enregistrez d'abord le dépôt du dossier.");
        if (deposit.ReadyUtc is not null) return new DepositResult.Refused("Le titre est déjà signalé disponible : l'usager a été prévenu.");
        var site = await db.Sites.AsNoTracking().FirstAsync(s => s.Id == deposit.SiteId, ct);
        var reasonName = await db.Reasons.AsNoTracking().Where(r => r.OrganisationId == deposit.OrganisationId && r.Code == deposit.ReasonCode)
            .Select(r => r.Name).FirstAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var token = Secrets.NewToken();
        deposit.ReadyUtc = now;
        deposit.ReadyBy = agent.Id;
        deposit.ReadyTokenHash = Secrets.Hash(token);
        var link = $"{app.PublicBaseUrl.TrimEnd('/')}/retrait/{deposit.Id}?token={Uri.EscapeDataString(token)}";
        var from = FirstDay(deposit, site);
        await messages.AddAsync(deposit.OrganisationId, appointment.Id, Notifications.MessageKind.WithdrawalReady, deposit.Id, appointment.Email, appointment.Phone,
            channel => new()
            {
                ["prenom"] = appointment.FirstName, ["nom"] = appointment.LastName, ["motif"] = reasonName,
                ["date"] = CitizenMessages.Day(from, channel), ["lieu"] = site.Name, ["adresse"] = $"{site.Address}, {site.PostalCode} {site.City}",
                ["lien"] = link,
            }, ct);
        try
        {
            // Guarded on "not ready yet": of two agents clicking at once, one message only (and the outbox key agrees).
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var claimed = await db.Set<ApplicationDeposit>().Where(d => d.Id == deposit.Id && d.ReadyUtc == null)
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.ReadyUtc, now), ct);
            if (claimed == 0)
            {
                db.ChangeTracker.Clear();
                return new DepositResult.Refused("Le titre est déjà signalé disponible : l'usager a été prévenu.");
            }
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            db.ChangeTracker.Clear();
            return new DepositResult.Refused("Le titre est déjà signalé disponible : l'usager a été prévenu.");
        }
        log.LogInformation("Deposit {DepositId}: title ready, citizen invited by agent {AgentId}", deposit.Id, agent.Id);
        return new DepositResult.Recorded(deposit);
    }

    /// <summary>The deposit behind the citizen's link; null for a wrong id or token alike, or before the title is ready.</summary>
    public static async Task<ApplicationDeposit?> FindByTokenAsync(GuichetDb db, string? id, string? token, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(id) || string.IsNullOrWhiteSpace(token) || id.Length > 64 || token.Length > 100) return null;
        var deposit = await db.Set<ApplicationDeposit>().AsNoTracking().FirstOrDefaultAsync(d => d.Id == id, ct);
        return deposit?.ReadyTokenHash is { } hash && Secrets.HashEquals(token, hash) ? deposit : null;
    }
}

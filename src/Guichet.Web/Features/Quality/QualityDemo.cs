using Guichet.Domain.Quality;
using Guichet.Domain.Requests;
using Guichet.Domain.Voice;
using Guichet.Web.Data;
using Guichet.Web.Features.Requests;
using Guichet.Web.Features.Voice;
using Guichet.Web.Features.Withdrawals;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Quality;

/// <summary>
/// Past activity of the demo town hall of Lorval over the last 60 days, so the dashboard and the transparency page show
/// figures on `dotnet run`: answered requests, calls, past appointments with their outcomes, deposits and withdrawals.
/// Development only (the tests' demo territory stays as it was), seeded once: rows have fixed ids.
/// </summary>
public sealed class QualityDemo(IServiceScopeFactory scopes, TimeProvider clock) : IHostedService
{
    private const string Org = "mairie-lorval";

    public async Task StartAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GuichetDb>();
        if (!await db.Organisations.AnyAsync(o => o.Id == Org, ct)) return;
        if (await db.CitizenRequests.AnyAsync(r => r.Id == "demo-quality-r0", ct)) return;
        var (zone, calendar) = RequestStamps.CalendarOf(db, Org);
        var now = clock.GetUtcNow().UtcDateTime;
        var random = new Random(8);
        string[] units = ["lorval-voirie", "lorval-etat-civil", "lorval-proprete"];
        string[] categories = ["lorval-voirie", "lorval-etat-civil", "lorval-proprete"];
        RequestChannel[] channels = [RequestChannel.Web, RequestChannel.Email, RequestChannel.Post, RequestChannel.Phone, RequestChannel.Counter];
        for (var i = 0; i < 60; i++)
        {
            var u = i % 3;
            var channel = channels[random.Next(channels.Length)];
            var received = now.AddDays(-random.Next(5, 60)).AddHours(-random.Next(0, 8));
            var days = channel is RequestChannel.Post ? Deadline.DefaultPostDays : Deadline.DefaultDays;
            var due = Deadline.Due(received, zone, days, calendar);
            var open = i % 10 == 9;
            var answered = received.AddDays(random.Next(0, days + 4) * 1.4).AddHours(2);
            if (answered > now) answered = now.AddHours(-1);
            var r = new CitizenRequest
            {
                Id = $"demo-quality-r{i}", OrganisationId = Org, TrackingCode = $"QD{i:000000}", CategoryId = categories[u], UnitId = units[u],
                Channel = channel, Status = open ? RequestStatus.InProgress : RequestStatus.Closed, Priority = RequestPriority.Normal,
                ReceivedUtc = received, DueDate = due, LastName = "Démo", NameKey = "demo", Text = "Demande de démonstration des indicateurs.",
                UpdatedUtc = open ? received : answered,
            };
            if (!open)
            {
                var on = Deadline.ReceivedOn(answered, zone);
                var wd = QualityMath.WorkingDaysBetween(Deadline.ReceivedOn(received, zone), on, calendar);
                (r.AnsweredUtc, r.AnsweredOn, r.AnswerWorkingDays) = (answered, on, wd);
                (r.FirstResponseUtc, r.FirstResponseOn, r.FirstResponseWorkingDays) = (answered, on, wd);
            }
            db.Add(r);
        }
        VoiceOutcome[] outcomes = [VoiceOutcome.Booked, VoiceOutcome.Booked, VoiceOutcome.Information, VoiceOutcome.Information, VoiceOutcome.Transferred,
            VoiceOutcome.Message, VoiceOutcome.Cancelled, VoiceOutcome.Abandoned, VoiceOutcome.Booked, VoiceOutcome.Information];
        for (var i = 0; i < 120; i++)
        {
            var started = now.AddDays(-random.Next(1, 60)).AddMinutes(-random.Next(0, 480));
            db.Add(new VoiceCall
            {
                Id = $"demo-quality-call{i}", OrganisationId = Org, Door = "twilio", State = "{}", StartedUtc = started, UpdatedUtc = started.AddMinutes(2),
                EndedUtc = started.AddMinutes(2), Path = "Menu", Outcome = outcomes[random.Next(outcomes.Length)], DurationSeconds = 60 + random.Next(180),
                UnitId = i % 4 == 0 ? "lorval-voirie" : "lorval-etat-civil",
            });
        }
        string[] stations = ["lorval-dr1", "lorval-dr2"];
        AppointmentStatus[] statuses = [AppointmentStatus.Honoured, AppointmentStatus.Honoured, AppointmentStatus.Honoured, AppointmentStatus.Honoured,
            AppointmentStatus.Honoured, AppointmentStatus.NoShow, AppointmentStatus.Cancelled, AppointmentStatus.Excused];
        Channel[] booked = [Channel.Web, Channel.Web, Channel.Web, Channel.Phone, Channel.Counter, Channel.Partner, Channel.Voice];
        Appointment Past(int i, string reason, DateTime start, AppointmentStatus status, Channel via) => new()
        {
            Id = $"demo-quality-a{i}", OrganisationId = Org, SiteId = "lorval-hotel-de-ville", StationId = stations[i % 2], ReasonCode = reason,
            Code = $"QD{i:0000000}", ManageTokenHash = Platform.Secrets.Hash($"demo-quality-{i}"), StartUtc = start, EndUtc = start.AddMinutes(15), Persons = 1,
            Status = status, Channel = via, FirstName = "Démo", LastName = "Indicateurs", CreatedUtc = start.AddDays(-random.Next(3, 30)),
            PartnerOrganisationId = via == Channel.Partner ? "mairie-vernay" : null,
            CancelledUtc = status == AppointmentStatus.Cancelled ? start.AddDays(-1) : null, CancelledBy = status == AppointmentStatus.Cancelled ? "citizen" : null,
            UrgentJustification = i % 17 == 0 ? "Voyage pour raison de santé (démonstration)." : null,
        };
        for (var i = 0; i < 90; i++)
        {
            var day = DateOnly.FromDateTime(now).AddDays(-random.Next(2, 60));
            var start = QualityIndicators.LocalMidnightUtc(day, zone).AddHours(8.5 + random.Next(0, 12) * 0.25);
            db.Add(Past(i, i % 3 == 0 ? "PASSPORT" : "CNI", start, statuses[random.Next(statuses.Length)], booked[random.Next(booked.Length)]));
        }
        for (var i = 0; i < 8; i++)
        {
            var depositDay = DateOnly.FromDateTime(now).AddDays(-55 + i * 3);
            var deposit = Past(100 + i, "CNI", QualityIndicators.LocalMidnightUtc(depositDay, zone).AddHours(9), AppointmentStatus.Honoured, Channel.Web);
            var withdrawal = Past(200 + i, "WITHDRAWAL", QualityIndicators.LocalMidnightUtc(depositDay.AddDays(18 + i * 2), zone).AddHours(15), AppointmentStatus.Honoured, Channel.Web);
            db.AddRange(deposit, withdrawal);
            db.Add(new ApplicationDeposit
            {
                Id = $"demo-quality-d{i}", OrganisationId = Org, AppointmentId = deposit.Id, SiteId = deposit.SiteId, ReasonCode = "CNI",
                DepositedOn = depositDay, DepositedUtc = deposit.StartUtc, DepositedBy = "agent-accueil-lorval-demo", EarliestWithdrawal = depositDay.AddDays(15),
                ReadyUtc = withdrawal.CreatedUtc, WithdrawalAppointmentId = withdrawal.Id,
            });
        }
        await db.SaveChangesAsync(ct);
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}

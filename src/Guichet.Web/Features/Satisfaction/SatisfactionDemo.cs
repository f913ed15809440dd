using Guichet.Domain.Satisfaction;
using Guichet.Web.Data;
using Guichet.Web.Features.Notifications;
using Guichet.Web.Platform;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Satisfaction;

/// <summary>
/// Demo only: Lorval asks its citizens, and a dozen answered surveys of the last weeks show on the results page.
/// One survey stays open under a published token (demo data only, never in production) so the survey page can be
/// opened at /avis/demo-questionnaire-lorval.
/// </summary>
public static class SatisfactionDemo
{
    public const string OpenToken = "demo-questionnaire-lorval";

    private static readonly (int DaysAgo, SurveySubject Subject, int? Overall, int? Delay, int? Clarity, string? Comment)[] Rows =
    [
        (3, SurveySubject.Appointment, 5, 4, 5, "Accueil très aimable, rendez-vous à l'heure."),
        (4, SurveySubject.Appointment, 4, 3, 5, null),
        (6, SurveySubject.Appointment, 5, 5, 4, null),
        (8, SurveySubject.Appointment, 2, 1, 3, "Trois semaines d'attente pour un rendez-vous, c'est long."),
        (9, SurveySubject.Appointment, null, null, null, null),
        (11, SurveySubject.Appointment, 4, 4, 4, null),
        (12, SurveySubject.Appointment, null, null, null, null),
        (15, SurveySubject.Request, 5, 5, 5, "Réponse rapide, merci au service voirie."),
        (17, SurveySubject.Request, 3, 2, 4, null),
        (20, SurveySubject.Request, null, null, null, null),
        (22, SurveySubject.Appointment, 4, null, 5, "La liste des pièces était claire."),
        (25, SurveySubject.Request, 1, 1, 2, "Pas de réponse à ma vraie question."),
    ];

    public static async Task EnsureAsync(GuichetDb db, TimeProvider clock, CancellationToken ct)
    {
        const string org = "mairie-lorval";
        if (await db.Set<SatisfactionSurvey>().AnyAsync(s => s.OrganisationId == org && s.Id.StartsWith("demo-satisfaction-"), ct)) return;
        var now = clock.GetUtcNow().UtcDateTime;
        if (!await db.Set<SatisfactionSettings>().AnyAsync(s => s.OrganisationId == org, ct))
            db.Add(new SatisfactionSettings { OrganisationId = org, Enabled = true, DelayHours = SurveyTiming.DefaultDelayHours, EnabledSinceUtc = now, UpdatedUtc = now });
        for (var i = 0; i < Rows.Length; i++)
        {
            var r = Rows[i];
            var sent = now.AddDays(-r.DaysAgo);
            db.Add(new SatisfactionSurvey
            {
                Id = $"demo-satisfaction-{i:00}", OrganisationId = org, Subject = r.Subject,
                SiteId = r.Subject == SurveySubject.Appointment ? "lorval-hotel-de-ville" : null,
                UnitId = r.Subject == SurveySubject.Request ? "lorval-voirie" : null,
                Channel = i % 3 == 0 ? MessageChannel.Sms : MessageChannel.Email,
                // Random: these links are never handed out.
                TokenHash = Secrets.Hash(Secrets.NewToken()), SentUtc = sent, ExpiresUtc = sent.AddDays(30),
                AnsweredUtc = r.Overall is null ? null : sent.AddHours(5), Overall = r.Overall, Delay = r.Delay, Clarity = r.Clarity, Comment = r.Comment,
            });
        }
        db.Add(new SatisfactionSurvey
        {
            Id = "demo-satisfaction-open", OrganisationId = org, Subject = SurveySubject.Appointment, SiteId = "lorval-hotel-de-ville",
            Channel = MessageChannel.Email, TokenHash = Secrets.Hash(OpenToken), SentUtc = now.AddHours(-2), ExpiresUtc = now.AddDays(30),
        });
        await db.SaveChangesAsync(ct);
    }
}

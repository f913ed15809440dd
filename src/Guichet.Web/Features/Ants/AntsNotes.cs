using Guichet.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Ants;

/// <summary>How an appointment's standing with ANTS reads on the pages: one sentence, in French.</summary>
public static class AntsNotes
{
    /// <summary>Only what concerns the citizen: another appointment for their number. Nothing about outages.</summary>
    public static async Task<string?> ForCitizenAsync(GuichetDb db, string appointmentId, CancellationToken ct)
    {
        var check = await db.Set<AntsCheck>().AsNoTracking().FirstOrDefaultAsync(c => c.AppointmentId == appointmentId, ct);
        return check is { State: AntsCheckState.Elsewhere, Note: not null }
            ? check.Note + " Pensez à annuler celui que vous ne garderez pas : il servira à quelqu'un d'autre."
            : null;
    }

    /// <summary>The short label of the agenda's state column; null when there is nothing to look at.</summary>
    public static string? AgendaFlag(AntsCheckState? state) => state switch
    {
        AntsCheckState.Pending => "ANTS : à vérifier",
        AntsCheckState.Problem => "ANTS : numéro refusé",
        AntsCheckState.Elsewhere => "ANTS : autre rendez-vous",
        _ => null,
    };

    public static string StateText(AntsCheckState state) => state switch
    {
        AntsCheckState.Verified => "Numéros vérifiés auprès de l'ANTS",
        AntsCheckState.Elsewhere => "Numéro valide, mais un autre rendez-vous existe ailleurs",
        AntsCheckState.Pending => "Pas encore vérifié : l'ANTS n'a pas répondu, nouvelle vérification automatique",
        AntsCheckState.Problem => "Un numéro est refusé par l'ANTS : prévenez l'usager",
        _ => state.ToString(),
    };

    public static string JobText(AntsSyncJob j) =>
        (j.Kind switch { AntsJobKind.Check => "Vérification", AntsJobKind.Declare => "Déclaration", _ => "Suppression" })
        + " — " + (j.Status switch
        {
            AntsJobStatus.Done => "faite",
            AntsJobStatus.Failed => "échec",
            _ => j.Attempts == 0 ? "en attente" : $"en attente ({j.Attempts} essai{(j.Attempts > 1 ? "s" : "")})",
        });
}

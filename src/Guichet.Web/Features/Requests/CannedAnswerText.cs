using Guichet.Domain.Requests;

namespace Guichet.Web.Features.Requests;

/// <summary>The placeholders a canned answer may carry, replaced when an agent inserts it into a reply.</summary>
public static class CannedAnswerText
{
    public static readonly (string Placeholder, string Meaning)[] Placeholders =
    [
        ("{code}", "le code de suivi de la demande"),
        ("{nom}", "le prénom et le nom de l'usager"),
        ("{échéance}", "la date d'échéance de la réponse"),
    ];

    public static string Fill(string text, CitizenRequest request) => text
        .Replace("{code}", TrackingCode.Display(request.TrackingCode), StringComparison.OrdinalIgnoreCase)
        .Replace("{nom}", request.DisplayName, StringComparison.OrdinalIgnoreCase)
        .Replace("{échéance}", Acknowledgement.Date(request.DueDate), StringComparison.OrdinalIgnoreCase)
        .Replace("{echeance}", Acknowledgement.Date(request.DueDate), StringComparison.OrdinalIgnoreCase);
}

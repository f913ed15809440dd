using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Guichet.Web.Features.Nearby;

/// <summary>The query parameters of GET /api/v1/slots, read by hand from the query string, described for the OpenAPI document.</summary>
public static class SlotsOpenApi
{
    private static readonly (string Name, JsonSchemaType Type, string Description)[] Parameters =
    [
        ("site", JsonSchemaType.String, "Identifiant d'un lieu (répétable, 200 au plus). Sans site : tous les lieux de la plateforme."),
        ("reason", JsonSchemaType.String, "Motif : CNI, PASSPORT, CNI-PASSPORT ou WITHDRAWAL (obligatoire)."),
        ("persons", JsonSchemaType.Integer, "Nombre de personnes (1 par défaut)."),
        ("preRequests", JsonSchemaType.Integer, "Nombre de personnes ayant fait la pré-demande ANTS (0 par défaut)."),
        ("from", JsonSchemaType.String, "Premier jour, AAAA-MM-JJ (aujourd'hui par défaut)."),
        ("to", JsonSchemaType.String, "Dernier jour, AAAA-MM-JJ (from + 30 jours par défaut, 93 jours au plus)."),
        ("near", JsonSchemaType.String, "Code postal (5 chiffres) ou nom de commune du demandeur : les créneaux sont triés par jour puis par distance, et chacun porte distanceKm. Inconnu : 422."),
        ("radiusKm", JsonSchemaType.Integer, "Rayon en kilomètres autour de near (1 à 1000) ; demande near."),
        ("limit", JsonSchemaType.Integer, "Nombre de créneaux au plus (1 à 500, 500 par défaut) : les plus proches dans le temps."),
    ];

    public static RouteHandlerBuilder WithSlotQueryParameters(this RouteHandlerBuilder builder) =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.Parameters ??= [];
            foreach (var (name, type, description) in Parameters)
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = name, In = ParameterLocation.Query, Description = description, Required = name == "reason",
                    Schema = new OpenApiSchema { Type = type },
                });
            return Task.CompletedTask;
        });
}

using Guichet.Domain.Scheduling;

namespace Guichet.Web.Platform;

/// <summary>application/problem+json answers with French titles, built in one place.</summary>
public static class Problems
{
    public static IResult Validation(IEnumerable<FieldError> errors)
    {
        var list = errors.ToList();
        var dict = list.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray());
        return Results.Problem(
            title: "Certaines informations ne sont pas valides.",
            detail: string.Join(" ", list.Select(e => e.Message)),
            statusCode: StatusCodes.Status422UnprocessableEntity,
            extensions: new Dictionary<string, object?> { ["errors"] = dict });
    }

    public static IResult Validation(string field, string message) => Validation([new FieldError(field, message)]);

    public static IResult BadRequest(string detail) =>
        Results.Problem(title: "Requête incorrecte.", detail: detail, statusCode: StatusCodes.Status400BadRequest);

    public static IResult Conflict(string detail) =>
        Results.Problem(title: "Conflit.", detail: detail, statusCode: StatusCodes.Status409Conflict);

    public static IResult NotFound(string detail) =>
        Results.Problem(title: "Introuvable.", detail: detail, statusCode: StatusCodes.Status404NotFound);

    public static IResult UnsupportedMediaType() =>
        Results.Problem(title: "Format non pris en charge.", detail: "Envoyez le corps en JSON (Content-Type: application/json).",
            statusCode: StatusCodes.Status415UnsupportedMediaType);
}

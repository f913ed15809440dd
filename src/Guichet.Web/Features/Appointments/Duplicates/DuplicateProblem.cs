namespace Guichet.Web.Features.Appointments.Duplicates;

/// <summary>The API's answer to a duplicate: 409 with a stable code integrators can test, and the French message.</summary>
public static class DuplicateProblem
{
    public const string Code = "DuplicateApplication";
    public const string Type = "urn:guichet:probleme:DuplicateApplication";

    public static IResult For(string message) => Results.Problem(
        title: "Un rendez-vous existe déjà.", detail: message, statusCode: StatusCodes.Status409Conflict, type: Type,
        extensions: new Dictionary<string, object?> { ["code"] = Code });
}

using System.Text.Json;
using System.Text.RegularExpressions;

namespace Guichet.Web.Tests.Support;

/// <summary>What every refusal must carry: a French sentence a person understands.</summary>
public static partial class Answers
{
    // A few of the commonest French words; a sentence of the app holds at least two of them.
    [GeneratedRegex(@"(?<![\p{L}])(le|la|les|l'|de|des|du|d'|un|une|est|pas|ce|cet|cette|votre|vos|au|aux|en|ne|n'|et|ou|à|sur|par|pour|plus|aucun|aucune|qu'|que|il|elle)(?![\p{L}])", RegexOptions.IgnoreCase)]
    private static partial Regex FrenchWords();

    [GeneratedRegex(@"\b(the|must|is required|not found|invalid|error occurred|bad request|stack trace|at System\.)\b", RegexOptions.IgnoreCase)]
    private static partial Regex EnglishOrTrace();

    public static bool LooksFrench(string? text) =>
        !string.IsNullOrWhiteSpace(text) && FrenchWords().Matches(text).Count >= 2 && !EnglishOrTrace().IsMatch(text);

    /// <summary>The human part of a problem document: its detail and every field error, one string.</summary>
    public static string ProblemMessage(JsonElement problem)
    {
        var parts = new List<string>();
        if (problem.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.String) parts.Add(detail.GetString()!);
        if (problem.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
            foreach (var field in errors.EnumerateObject())
                parts.AddRange(field.Value.EnumerateArray().Select(m => m.GetString() ?? ""));
        return string.Join(" ", parts);
    }

    public static async Task<JsonElement> ProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }
}

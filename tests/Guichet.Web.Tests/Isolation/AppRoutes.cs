using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.RazorPages.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Guichet.Web.Tests.Isolation;

public enum RouteAudience { Public, Agent, Admin, Api }

/// <summary>One handler of a route: its method, its page handler name (if any) and the names it binds.</summary>
public sealed record RouteHandler(string Method, string? Name, IReadOnlyList<string> Fields);

/// <summary>One route of the running app, read from its endpoint data source, never from a hand-written list.</summary>
public sealed record AppRoute(string Template, RouteAudience Audience, bool IsPage, IReadOnlyList<string> RouteParameters, IReadOnlyList<RouteHandler> Handlers)
{
    public override string ToString() => "/" + Template;
}

public static partial class AppRoutes
{
    /// <summary>
    /// Every route of the app: Razor pages (their handlers and bound properties, from the compiled page) and minimal-API
    /// endpoints (their simple parameters). Health, OpenAPI and the framework's own endpoints are public.
    /// </summary>
    public static async Task<IReadOnlyList<AppRoute>> ReadAsync(IServiceProvider services)
    {
        var source = services.GetRequiredService<EndpointDataSource>();
        var loader = services.GetRequiredService<PageLoader>();
        var routes = new List<AppRoute>();
        foreach (var endpoint in source.Endpoints.OfType<RouteEndpoint>())
        {
            var template = (endpoint.RoutePattern.RawText ?? "").TrimStart('/');
            var parameters = endpoint.RoutePattern.Parameters.Select(p => p.Name).ToList();
            var authorised = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Any();
            var handlers = new List<RouteHandler>();
            var page = endpoint.Metadata.GetMetadata<PageActionDescriptor>();
            if (page is not null)
            {
                var compiled = await loader.LoadAsync(page, endpoint.Metadata);
                var properties = compiled.BoundProperties.Where(p => IsSimple(p.ParameterType))
                    .Select(p => p.BindingInfo?.BinderModelName ?? p.Name).ToList();
                foreach (var h in compiled.HandlerMethods)
                {
                    var fields = h.Parameters.Where(p => IsSimple(p.ParameterType)).Select(p => p.BindingInfo?.BinderModelName ?? p.Name)
                        .Concat(properties).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
                    handlers.Add(new RouteHandler(h.HttpMethod.ToUpperInvariant(), string.IsNullOrEmpty(h.Name) ? null : h.Name, fields));
                }
                // A page without handler methods still answers GET (a bare .cshtml).
                if (handlers.Count == 0) handlers.Add(new RouteHandler("GET", null, properties));
            }
            else
            {
                var method = endpoint.Metadata.GetMetadata<MethodInfo>();
                var fields = method?.GetParameters().Where(p => IsSimple(p.ParameterType) && !parameters.Contains(p.Name!, StringComparer.OrdinalIgnoreCase))
                    .Select(p => p.Name!).ToList() ?? [];
                var verbs = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"];
                handlers.AddRange(verbs.Select(v => new RouteHandler(v, null, fields)));
            }
            routes.Add(new AppRoute(template, Classify(template, authorised), page is not null, parameters, handlers));
        }
        return routes;
    }

    public static RouteAudience Classify(string template, bool authorised)
    {
        var first = template.Split('/')[0];
        return first switch
        {
            "admin" => RouteAudience.Admin,
            "agent" or "supervision" => RouteAudience.Agent,
            "api" => RouteAudience.Api,
            _ => authorised ? RouteAudience.Agent : RouteAudience.Public,
        };
    }

    private static bool IsSimple(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (t.IsArray) t = t.GetElementType()!;
        if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(List<>)) t = t.GetGenericArguments()[0];
        return t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(decimal) || t == typeof(DateOnly) || t == typeof(DateTime) || t == typeof(DateTimeOffset);
    }

    /// <summary>
    /// A bound name that can point at a tenant's record (an id, a site, a unit, a category, a code…): each one on an agent
    /// or administrator route needs a filler in the isolation walk. Free text, dates and numbers do not.
    /// </summary>
    public static bool IsReference(string name) => ReferenceName().IsMatch(name) && !NotReferences.Contains(name);

    private static readonly HashSet<string> NotReferences = new(StringComparer.OrdinalIgnoreCase) { "PostalCode" };

    [GeneratedRegex(@"^(id|.*id|ids|.*ids|site|sites|station|stations|owner|rule|slug|motif|categorie|category|service|unit|.*code|token|organisation|agent|survey|sondage|enquete)$", RegexOptions.IgnoreCase)]
    private static partial Regex ReferenceName();
}

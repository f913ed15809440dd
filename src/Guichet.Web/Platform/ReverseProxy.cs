using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Guichet.Web.Platform;

/// <summary>
/// Section "ForwardedHeaders": the reverse proxies (nginx, a load balancer) whose X-Forwarded-For and
/// X-Forwarded-Proto are believed. Only these: anyone else could otherwise pick their own address and dodge every
/// per-address limit, or pretend to be on HTTPS. Empty (the default) means Guichet faces clients directly.
/// </summary>
public sealed class ReverseProxyOptions
{
    /// <summary>Addresses of the proxies, e.g. "127.0.0.1", "10.0.0.5".</summary>
    public List<string> KnownProxies { get; set; } = [];
    /// <summary>Networks of the proxies in CIDR notation, e.g. "10.0.0.0/24".</summary>
    public List<string> KnownNetworks { get; set; } = [];
    /// <summary>How many proxies stand in a row in front of Guichet.</summary>
    public int ForwardLimit { get; set; } = 1;

    public bool Enabled => KnownProxies.Count > 0 || KnownNetworks.Count > 0;

    public IEnumerable<string> Problems()
    {
        foreach (var p in KnownProxies.Where(p => !IPAddress.TryParse(p, out _)))
            yield return $"ForwardedHeaders:KnownProxies : « {p} » n'est pas une adresse IP.";
        foreach (var n in KnownNetworks.Where(n => !System.Net.IPNetwork.TryParse(n, out _)))
            yield return $"ForwardedHeaders:KnownNetworks : « {n} » n'est pas un réseau (notation CIDR, par exemple 10.0.0.0/24).";
        if (ForwardLimit is < 1 or > 10) yield return "ForwardedHeaders:ForwardLimit doit être compris entre 1 et 10.";
    }
}

public static class ReverseProxy
{
    public static WebApplicationBuilder AddReverseProxy(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection("ForwardedHeaders").Get<ReverseProxyOptions>() ?? new ReverseProxyOptions();
        var problems = options.Problems().ToList();
        if (problems.Count > 0) throw new InvalidOperationException("Configuration du proxy inverse invalide : " + string.Join(" ", problems));
        builder.Services.AddSingleton(options);
        builder.Services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            o.ForwardLimit = options.ForwardLimit;
            // The defaults trust loopback; only what is configured is trusted here.
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var p in options.KnownProxies) o.KnownProxies.Add(IPAddress.Parse(p));
            foreach (var n in options.KnownNetworks) o.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(n));
        });
        builder.Services.AddHsts(o =>
        {
            o.MaxAge = TimeSpan.FromDays(365);
            o.IncludeSubDomains = true;
        });
        return builder;
    }

    public static WebApplication UseReverseProxy(this WebApplication app)
    {
        if (app.Services.GetRequiredService<ReverseProxyOptions>().Enabled) app.UseForwardedHeaders();
        return app;
    }
}

namespace Guichet.Web.Features.Closures;

/// <summary>Closures of sites and stations: pages under /admin/fermetures, and what the slot search reads.</summary>
public static class ClosuresFeature
{
    public static WebApplicationBuilder AddClosures(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<RecordClosures>();
        return builder;
    }
}

namespace Guichet.Web.Features.Closures;

/// <summary>The planning's settings: opening rules (/admin/horaires) and closures (/admin/fermetures), which the slot search reads.</summary>
public static class ClosuresFeature
{
    public static WebApplicationBuilder AddClosures(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<RecordClosures>();
        builder.Services.AddScoped<ManageOpeningRules>();
        return builder;
    }
}

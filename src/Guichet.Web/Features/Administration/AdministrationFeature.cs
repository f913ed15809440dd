namespace Guichet.Web.Features.Administration;

public static class AdministrationFeature
{
    public static WebApplicationBuilder AddAdministration(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<DemoTerritory>();
        return builder;
    }

    public static WebApplication MapAdministration(this WebApplication app) => app;
}

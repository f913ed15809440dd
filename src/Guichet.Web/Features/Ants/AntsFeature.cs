using Microsoft.Extensions.Options;

namespace Guichet.Web.Features.Ants;

/// <summary>Both ANTS systems: the editor endpoints the national hub calls, and our client of the coordination API.</summary>
public static class AntsFeature
{
    public static WebApplicationBuilder AddAnts(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<AntsOptions>().Bind(builder.Configuration.GetSection("Ants")).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AntsOptions>, AntsOptionsValidator>();
        // The demo (dotnet run, Development) checks and declares pre-request numbers against the local fake of the
        // coordination API served by the app itself, unless the ANTS settings say otherwise.
        var ants = builder.Configuration.GetSection("Ants");
        if (builder.Environment.IsDevelopment() && ants["UseLocalFake"] is null && string.IsNullOrEmpty(ants["CoordinationUrl"]))
            services.PostConfigure<AntsOptions>(o =>
            {
                o.UseLocalFake = true;
                o.CoordinationUrl = FakeCoordinationApi.BasePath;
                if (string.IsNullOrEmpty(o.CoordinationToken)) o.CoordinationToken = FakeCoordinationApi.DefaultToken;
            });
        services.AddMemoryCache();
        services.AddScoped<HubAvailability>();
        // The deadline is the client's own (Ants:CoordinationTimeout); HttpClient's is only a backstop.
        services.AddHttpClient<CoordinationClient>(c => c.Timeout = TimeSpan.FromSeconds(60));
        services.AddScoped<AntsSync>();
        services.AddScoped<CheckApplications>();
        services.AddSingleton<AntsSyncRunner>();
        if (builder.Configuration.GetSection("Ants").Get<AntsOptions>()?.SyncEnabled ?? true)
            services.AddHostedService(sp => sp.GetRequiredService<AntsSyncRunner>());
        services.AddSingleton(sp => new FakeCoordinationApi(sp.GetRequiredService<IOptions<AntsOptions>>().Value.CoordinationToken));
        return builder;
    }

    public static WebApplication MapAnts(this WebApplication app)
    {
        app.MapHubApi();
        if (app.Services.GetRequiredService<IOptions<AntsOptions>>().Value.UseLocalFake)
            app.Services.GetRequiredService<FakeCoordinationApi>().Map(app, FakeCoordinationApi.BasePath);
        return app;
    }
}

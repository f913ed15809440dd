namespace Guichet.Web.Features.Nearby;

/// <summary>Finding a slot across the territory: communes, distances, booking rules per reason.</summary>
public static class NearbyFeature
{
    public static WebApplicationBuilder AddNearby(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection("Nearby").Get<NearbyOptions>() ?? new NearbyOptions();
        if (!string.IsNullOrWhiteSpace(options.CommunesFile) && !File.Exists(options.CommunesFile))
            throw new InvalidOperationException($"Nearby:CommunesFile : le fichier {options.CommunesFile} n'existe pas.");
        builder.Services.AddSingleton(options);
        builder.Services.AddScoped<FindPlace>();
        builder.Services.AddScoped<CommuneImport>();
        builder.Services.AddHostedService<CommuneFileLoader>();
        return builder;
    }
}

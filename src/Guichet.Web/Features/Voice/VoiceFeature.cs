namespace Guichet.Web.Features.Voice;

/// <summary>The voice server: the dialogue per call (<see cref="RunVoiceTurn"/>), the FastAGI door, the TwiML door.</summary>
public static class VoiceFeature
{
    public static WebApplicationBuilder AddVoice(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<VoiceOptions>().Bind(builder.Configuration.GetSection("Voice"))
            .Validate(o => o.HoldMinutes is >= 1 and <= 30, "Voice:HoldMinutes va de 1 à 30.")
            .Validate(o => { try { o.FastAgi.EndPoint(); return true; } catch (FormatException) { return false; } }, "Voice:FastAgi:Listen doit être de la forme hôte:port.")
            .ValidateOnStart();
        builder.Services.AddMemoryCache();
        builder.Services.AddScoped<RunVoiceTurn>();
        builder.Services.AddSingleton<VoicePromptFiles>();
        builder.Services.AddSingleton<VoiceOffers>();
        builder.Services.AddSingleton<VoiceRecordings>();
        builder.Services.AddSingleton<FastAgiServer>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<FastAgiServer>());
        return builder;
    }

    public static WebApplication MapVoice(this WebApplication app)
    {
        TwilioDoor.Map(app);
        return app;
    }
}

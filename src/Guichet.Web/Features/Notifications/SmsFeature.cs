using Guichet.Web.Platform.Sms;

namespace Guichet.Web.Features.Notifications;

/// <summary>The SMS side of notifications: options, the provider chosen by Sms:Provider, the SMS outbox steps and webhooks.</summary>
public static class SmsFeature
{
    /// <summary>Binds the section; a Provider the binder cannot read becomes a French problem instead of an English exception.</summary>
    public static (SmsOptions Options, List<string> Problems) ReadOptions(IConfigurationSection section, bool production, TimeSpan lease)
    {
        var provider = section["Provider"];
        if (!string.IsNullOrEmpty(provider) && (!Enum.TryParse<SmsProvider>(provider, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed)
            || provider.Any(char.IsAsciiDigit)))
            return (new SmsOptions(), [$"Sms:Provider vaut « {provider} » : choisissez Ovh, Brevo, Twilio ou Development."]);
        SmsOptions options;
        try { options = section.Get<SmsOptions>() ?? new SmsOptions(); }
        catch (InvalidOperationException) { return (new SmsOptions(), ["La section Sms contient une valeur illisible (un nombre attendu pour Sms:TimeoutSeconds, true ou false pour Sms:Ovh:SenderForResponse)."]); }
        return (options, options.Problems(production, lease).ToList());
    }

    public static IServiceCollection AddSms(this IServiceCollection services, SmsOptions options)
    {
        services.AddSingleton(options);
        // One long-lived client for the app's life; connections are renewed so a provider's DNS change is followed.
        // The deadline of each call is our own (Sms:TimeoutSeconds): HttpClient's is only a backstop.
        HttpClient Client() => new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = TimeSpan.FromMinutes(5) };
        switch (options.Provider)
        {
            case SmsProvider.Ovh:
                services.AddSingleton<ISmsGateway>(sp => new OvhSmsGateway(Client(), options, sp.GetRequiredService<TimeProvider>()));
                break;
            case SmsProvider.Brevo:
                services.AddSingleton<ISmsGateway>(sp => new BrevoSmsGateway(Client(), options, sp.GetRequiredService<AppOptions>()));
                break;
            case SmsProvider.Twilio:
                services.AddSingleton<ISmsGateway>(sp => new TwilioSmsGateway(Client(), options, sp.GetRequiredService<AppOptions>()));
                break;
            default:
                services.AddSingleton<DevelopmentSmsGateway>();
                services.AddSingleton<ISmsGateway>(sp => sp.GetRequiredService<DevelopmentSmsGateway>());
                break;
        }
        services.AddSingleton<SmsDelivery>();
        services.AddScoped<SmsMessages>();
        services.AddScoped<RecordSmsReport>();
        services.AddScoped<ReceiveSmsReply>();
        return services;
    }
}

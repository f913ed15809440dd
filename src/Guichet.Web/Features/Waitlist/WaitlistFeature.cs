namespace Guichet.Web.Features.Waitlist;

/// <summary>The waiting list: citizens ask for an earlier slot; freed slots are offered to the first of them.</summary>
public static class WaitlistFeature
{
    public static WebApplicationBuilder AddWaitlist(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection("Waitlist").Get<WaitlistOptions>() ?? new WaitlistOptions();
        var problems = options.Problems().ToList();
        if (problems.Count > 0) throw new InvalidOperationException("Configuration de la liste d'attente invalide : " + string.Join(" ", problems));
        builder.Services.AddSingleton(options);
        builder.Services.AddScoped<JoinWaitlist>();
        builder.Services.AddScoped<OfferFreedSlots>();
        builder.Services.AddScoped<TakeOffer>();
        builder.Services.AddScoped<WaitlistMessages>();
        builder.Services.AddScoped<Notifications.CitizenMessages>();
        if (options.Enabled) builder.Services.AddHostedService<WaitlistWorker>();
        return builder;
    }
}

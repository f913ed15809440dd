namespace Guichet.Web.Features.Satisfaction;

public static class SatisfactionFeature
{
    public static WebApplicationBuilder AddSatisfaction(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection("Satisfaction").Get<SatisfactionOptions>() ?? new SatisfactionOptions();
        var problems = options.Problems().ToList();
        if (problems.Count > 0) throw new InvalidOperationException("Configuration de la satisfaction invalide : " + string.Join(" ", problems));
        builder.Services.AddSingleton(options);
        builder.Services.AddScoped<SendSurveys>();
        builder.Services.AddScoped<AnswerSurvey>();
        if (options.Enabled) builder.Services.AddHostedService<SatisfactionWorker>();
        return builder;
    }
}

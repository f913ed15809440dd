using Guichet.Web.Platform.Mail;
using Guichet.Web.Platform.Sms;

namespace Guichet.Web.Features.Notifications;

public static class NotificationsFeature
{
    public static WebApplicationBuilder AddNotifications(this WebApplicationBuilder builder)
    {
        var app = builder.Configuration.GetSection("App").Get<AppOptions>() ?? new AppOptions();
        var mail = builder.Configuration.GetSection("Mail").Get<MailOptions>() ?? new MailOptions();
        var notifications = builder.Configuration.GetSection("Notifications").Get<NotificationsOptions>() ?? new NotificationsOptions();
        var (sms, smsProblems) = SmsFeature.ReadOptions(builder.Configuration.GetSection("Sms"), builder.Environment.IsProduction(), notifications.Lease);
        // Checked now, at start-up, rather than at the first message of the day.
        var problems = app.Problems()
            .Concat(mail.Problems(builder.Environment.IsProduction()))
            .Concat(notifications.Problems(TimeSpan.FromSeconds(mail.Smtp.TimeoutSeconds)))
            .Concat(smsProblems)
            .ToList();
        if (problems.Count > 0) throw new InvalidOperationException("Configuration des notifications invalide : " + string.Join(" ", problems));

        var services = builder.Services;
        services.AddSingleton(app);
        services.AddSingleton(mail);
        services.AddSingleton(notifications);
        if (mail.HasSmtpServer) services.AddSingleton<IMailSender, SmtpMailSender>();
        else services.AddSingleton<IMailSender, RecordingMailSender>();
        services.AddSms(sms);
        services.AddScoped<AppointmentMessages>();
        services.AddScoped<MessageTemplates>();
        services.AddScoped<MessageAttachments>();
        builder.AddReminders();
        services.AddSingleton<OutboxDispatcher>();
        if (notifications.Enabled) services.AddHostedService(sp => sp.GetRequiredService<OutboxDispatcher>());
        return builder;
    }

    public static WebApplication MapNotifications(this WebApplication app)
    {
        // The outbox is sent from the background; the SMS providers call back here.
        SmsWebhooks.Map(app);
        return app;
    }
}

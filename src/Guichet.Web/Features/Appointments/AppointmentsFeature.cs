namespace Guichet.Web.Features.Appointments;

public static class AppointmentsFeature
{
    public static WebApplicationBuilder AddAppointments(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<FindSlots>();
        builder.Services.AddScoped<BookAppointment>();
        builder.Services.AddScoped<CancelAppointment>();
        builder.Services.AddSingleton(builder.Configuration.GetSection("Duplicates").Get<Duplicates.DuplicateOptions>() ?? new Duplicates.DuplicateOptions());
        builder.Services.AddScoped<Duplicates.FindDuplicate>();
        return builder;
    }

    public static WebApplication MapAppointments(this WebApplication app)
    {
        app.MapPublicApi();
        return app;
    }
}

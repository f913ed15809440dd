namespace Guichet.Web.Features.Appointments;

public static class AppointmentsFeature
{
    public static WebApplicationBuilder AddAppointments(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<FindSlots>();
        builder.Services.AddScoped<BookAppointment>();
        builder.Services.AddScoped<CancelAppointment>();
        builder.Services.AddScoped<MoveAppointment>();
        builder.Services.AddScoped<AppointmentMoveMessages>();
        builder.Services.AddSingleton(builder.Configuration.GetSection("Duplicates").Get<Duplicates.DuplicateOptions>() ?? new Duplicates.DuplicateOptions());
        builder.Services.AddScoped<Duplicates.FindDuplicate>();
        var convocation = builder.Configuration.GetSection("Convocation").Get<ConvocationOptions>() ?? new ConvocationOptions();
        var problems = convocation.Problems().ToList();
        if (problems.Count > 0) throw new InvalidOperationException("Configuration de la convocation invalide : " + string.Join(" ", problems));
        ConvocationFonts.Install(convocation);
        builder.Services.AddSingleton(convocation);
        builder.Services.AddScoped<Convocation>();
        return builder;
    }

    public static WebApplication MapAppointments(this WebApplication app)
    {
        app.MapPublicApi();
        app.MapMoveApi();
        app.MapConvocations();
        return app;
    }
}

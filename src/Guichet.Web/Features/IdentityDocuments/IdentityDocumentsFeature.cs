namespace Guichet.Web.Features.IdentityDocuments;

public static class IdentityDocumentsFeature
{
    public static WebApplicationBuilder AddIdentityDocuments(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<LoadChecklist>();
        return builder;
    }
}

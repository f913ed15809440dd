namespace Guichet.Web.Platform;

/// <summary>Log categories of the framework that would write citizens' data at their most verbose level.</summary>
public static class LogPrivacy
{
    /// <summary>At Trace, Razor Pages log each handler's arguments: names, e-mails, replies typed by agents.</summary>
    public const string PageArgumentsCategory = "Microsoft.AspNetCore.Mvc.RazorPages.Infrastructure.PageActionInvoker";
}

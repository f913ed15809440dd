using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using Guichet.Web.Features.Administration;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Guichet.Web.Tests.Support;

/// <summary>
/// A person at a browser without JavaScript: keeps its cookies, reads pages with AngleSharp and submits
/// their forms as they are (hidden fields and antiforgery token included), optionally tampered with.
/// </summary>
public sealed class Browser(GuichetApp app) : IDisposable
{
    public HttpClient Http { get; } = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    public async Task<WebPage> GetAsync(string url) => await WebPage.ReadAsync(url, await Http.GetAsync(url));

    public async Task<WebPage> PostAsync(string url, IEnumerable<KeyValuePair<string, string>> fields) =>
        await WebPage.ReadAsync(url, await Http.PostAsync(url, new FormUrlEncodedContent(fields)));

    /// <summary>Follows one redirect of <paramref name="page"/> with a GET, as a browser does after a POST.</summary>
    public async Task<WebPage> FollowAsync(WebPage page)
    {
        Assert.True(page.Location is not null, $"{page.Url} answered {(int)page.Status} without a redirect.");
        var target = new Uri(new Uri("http://localhost" + page.Url), page.Location!);
        return await GetAsync(target.PathAndQuery);
    }

    /// <summary>
    /// Submits the form as the browser would: every named field with its current value, then
    /// <paramref name="values"/> on top (a null value removes the field; an unknown name adds one).
    /// </summary>
    public async Task<WebPage> SubmitAsync(WebPage page, IHtmlFormElement form, IReadOnlyDictionary<string, string?>? values = null)
    {
        var fields = WebPage.FieldsOf(form);
        foreach (var (name, value) in values ?? new Dictionary<string, string?>())
        {
            fields.RemoveAll(f => f.Key == name);
            if (value is not null) fields.Add(new(name, value));
        }
        var action = form.GetAttribute("action");
        var path = page.Url.Split('?')[0];
        var target = string.IsNullOrEmpty(action) ? page.Url : action.StartsWith('?') ? path + action : action;
        if (!string.Equals(form.GetAttribute("method"), "post", StringComparison.OrdinalIgnoreCase))
        {
            var query = string.Join('&', fields.Select(f => $"{Uri.EscapeDataString(f.Key)}={Uri.EscapeDataString(f.Value)}"));
            return await GetAsync(target.Split('?')[0] + "?" + query);
        }
        return await PostAsync(target, fields);
    }

    public Task<WebPage> SubmitAsync(WebPage page, string formSelector = WebPage.PostForm, IReadOnlyDictionary<string, string?>? values = null) =>
        SubmitAsync(page, page.Form(formSelector), values);

    /// <summary>Signs in through the sign-in form; the answer is the redirect (302) or the refusal (401).</summary>
    public async Task<WebPage> SignInAsync(string email, string password = DemoTerritory.Password)
    {
        var form = await GetAsync("/connexion");
        Assert.Equal(HttpStatusCode.OK, form.Status);
        return await SubmitAsync(form, values: new Dictionary<string, string?> { ["email"] = email, ["password"] = password });
    }

    /// <summary>An antiforgery token valid for this browser's cookies and identity, read from any form of the page.</summary>
    public async Task<string> AntiforgeryTokenAsync(string url)
    {
        var page = await GetAsync(url);
        var input = page.Document.QuerySelector("input[name=__RequestVerificationToken]") as IHtmlInputElement;
        Assert.True(input is not null, $"{url} has no form with an antiforgery token.");
        return input!.Value;
    }

    public void Dispose() => Http.Dispose();
}

/// <summary>One answer of the app, parsed.</summary>
public sealed class WebPage
{
    public const string PostForm = "main form[method=post]";
    private static readonly HtmlParser Parser = new();

    public required string Url { get; init; }
    public required HttpResponseMessage Response { get; init; }
    public required string Html { get; init; }
    public required int Bytes { get; init; }
    public required IHtmlDocument Document { get; init; }

    public HttpStatusCode Status => Response.StatusCode;
    public string? Location => Response.Headers.Location?.OriginalString;

    /// <summary>The visible text of the main content (the whole body when there is no main), spaces collapsed.</summary>
    public string Text => Regex.Replace((Document.QuerySelector("main") ?? Document.Body)?.TextContent ?? "", @"\s+", " ").Trim();

    public string Title => Document.Title ?? "";

    public static async Task<WebPage> ReadAsync(string url, HttpResponseMessage response)
    {
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var html = Encoding.UTF8.GetString(bytes);
        return new WebPage { Url = url, Response = response, Html = html, Bytes = bytes.Length, Document = Parser.ParseDocument(html) };
    }

    public IHtmlFormElement Form(string selector = PostForm)
    {
        var form = Document.QuerySelector(selector) as IHtmlFormElement;
        Assert.True(form is not null, $"No form '{selector}' on {Url} ({(int)Status}): {Text}");
        return form!;
    }

    public IReadOnlyList<IHtmlAnchorElement> Links(string selector) => Document.QuerySelectorAll(selector).OfType<IHtmlAnchorElement>().ToList();

    public string? Href(IElement link) => link.GetAttribute("href");

    internal static List<KeyValuePair<string, string>> FieldsOf(IHtmlFormElement form)
    {
        var fields = new List<KeyValuePair<string, string>>();
        foreach (var element in form.QuerySelectorAll("input[name], select[name], textarea[name]"))
        {
            switch (element)
            {
                case IHtmlInputElement input when input.IsDisabled:
                    break;
                case IHtmlInputElement input when input.Type is "checkbox" or "radio":
                    if (input.IsChecked) fields.Add(new(input.Name!, input.Value));
                    break;
                case IHtmlInputElement input when input.Type is "submit" or "button" or "image" or "reset" or "file":
                    break;
                case IHtmlInputElement input:
                    fields.Add(new(input.Name!, input.Value));
                    break;
                case IHtmlSelectElement select:
                    var option = select.Options.FirstOrDefault(o => o.IsSelected) ?? select.Options.FirstOrDefault();
                    if (option is not null) fields.Add(new(select.Name!, option.Value));
                    break;
                case IHtmlTextAreaElement area:
                    fields.Add(new(area.Name!, area.Value));
                    break;
            }
        }
        return fields;
    }
}

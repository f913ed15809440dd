using System.Net;
using System.Text.RegularExpressions;
using Guichet.Cluster.Tests.Support;

namespace Guichet.Cluster.Tests;

/// <summary>An agent behind a load balancer: signed in on one node, the next request lands on the other.</summary>
[Collection(SharedNodes.Name)]
public sealed partial class AgentSessionTests(TwoNodes cluster)
{
    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiForgery();

    [Fact]
    public async Task An_agent_signed_in_on_one_node_stays_signed_in_on_the_other_and_its_forms_are_accepted_there()
    {
        var cookies = new CookieContainer();   // cookies do not depend on the port: both nodes get them, as behind one address
        HttpClient Client(Node node) => new(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = node.BaseAddress };
        using var a = Client(cluster.A);
        using var b = Client(cluster.B);

        var login = await a.GetStringAsync("/connexion");
        using var signIn = await a.PostAsync("/connexion", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["email"] = "accueil@lorval.demo", ["password"] = "Demo-Guichet-2026", ["returnUrl"] = "",
            ["__RequestVerificationToken"] = AntiForgery().Match(login).Groups[1].Value,
        }));
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);

        // The session cookie issued by A opens the agenda on B.
        using var agendaOnB = await b.GetAsync("/agent");
        Assert.Equal(HttpStatusCode.OK, agendaOnB.StatusCode);
        // A form of a page served by A is accepted by B (anti-forgery tokens hold on both nodes).
        var page = await a.GetStringAsync("/agent");
        using var logout = await b.PostAsync("/deconnexion", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = AntiForgery().Match(page).Groups[1].Value,
        }));
        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
        Assert.Equal("/", logout.Headers.Location!.OriginalString);
    }
}

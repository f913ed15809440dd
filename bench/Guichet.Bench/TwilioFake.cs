using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Web;

namespace Guichet.Bench;

/// <summary>
/// Twilio's Messages endpoint on loopback, as the app's Twilio adapter calls it: <c>POST
/// /2010-04-01/Accounts/{AccountSid}/Messages.json</c>, a form body (To, From or MessagingServiceSid, Body,
/// StatusCallback) and HTTP Basic authentication; answers 201 with the message resource (<c>sid</c> SM + 32 hex,
/// <c>status</c> queued, <c>num_segments</c>). Counts what it accepted per recipient, to prove each SMS arrived once.
/// </summary>
public sealed class TwilioFake : IDisposable
{
    public const string AccountSid = "ACbenchbenchbenchbenchbenchbench00";
    public const string AuthToken = "jeton-twilio-du-banc-d-essai";
    private readonly HttpListener listener = new();
    private readonly ConcurrentDictionary<string, int> perRecipient = new();
    private readonly CancellationTokenSource stop = new();
    private int refused;

    public int Port { get; }
    public string BaseUrl => $"http://127.0.0.1:{Port}/2010-04-01";
    public int Received => perRecipient.Values.Sum();
    public int Recipients => perRecipient.Count;
    public int ReceivedTwice => perRecipient.Values.Count(n => n > 1);
    public int Refused => refused;

    private TwilioFake(int port)
    {
        Port = port;
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        _ = Task.Run(AcceptAsync);
    }

    public static TwilioFake Start()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return new TwilioFake(port);
    }

    private async Task AcceptAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try { context = await listener.GetContextAsync(); }
            catch (Exception) when (stop.IsCancellationRequested || !listener.IsListening) { return; }
            _ = Task.Run(() => AnswerAsync(context));
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        var request = context.Request;
        var response = context.Response;
        try
        {
            var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{AccountSid}:{AuthToken}"));
            if (request.HttpMethod != "POST" || request.Url?.AbsolutePath != $"/2010-04-01/Accounts/{AccountSid}/Messages.json")
            {
                await WriteAsync(response, 404, """{"code":20404,"message":"The requested resource was not found","status":404}""");
                return;
            }
            if (request.Headers["Authorization"] != expected)
            {
                Interlocked.Increment(ref refused);
                await WriteAsync(response, 401, """{"code":20003,"message":"Authentication Error - invalid username","status":401}""");
                return;
            }
            using var reader = new StreamReader(request.InputStream, Encoding.UTF8);
            var form = HttpUtility.ParseQueryString(await reader.ReadToEndAsync());
            var to = form["To"];
            var body = form["Body"];
            if (string.IsNullOrEmpty(to) || string.IsNullOrEmpty(body) || (form["From"] is null && form["MessagingServiceSid"] is null))
            {
                Interlocked.Increment(ref refused);
                await WriteAsync(response, 400, """{"code":21604,"message":"A 'To' phone number is required.","status":400}""");
                return;
            }
            perRecipient.AddOrUpdate(to, 1, (_, n) => n + 1);
            var sid = "SM" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            await WriteAsync(response, 201,
                $$"""{"sid":"{{sid}}","account_sid":"{{AccountSid}}","to":"{{to}}","status":"queued","num_segments":"1","direction":"outbound-api","api_version":"2010-04-01"}""");
        }
        catch (Exception) when (stop.IsCancellationRequested) { }
    }

    private static async Task WriteAsync(HttpListenerResponse response, int status, string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        response.StatusCode = status;
        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength64 = bytes.Length;
        await response.OutputStream.WriteAsync(bytes);
        response.Close();
    }

    public void Dispose()
    {
        stop.Cancel();
        listener.Close();
        stop.Dispose();
    }
}

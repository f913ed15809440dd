using System.Net;
using System.Xml.Linq;
using AngleSharp.Html.Dom;
using Guichet.Domain.Voice;
using Guichet.Web.Features.Voice;
using Guichet.Web.Tests.Support;

namespace Guichet.Web.Tests.Voice;

/// <summary>The voice app with a prompts directory of its own, which the tests can look into.</summary>
public sealed class RecordingsApp : VoiceApp
{
    public string PromptsPath { get; } = Path.Combine(Path.GetTempPath(), "guichet-prompts-" + Guid.NewGuid().ToString("N"));

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Voice:PromptsPath"] = PromptsPath,
    };
}

public sealed class VoiceRecordingTests(RecordingsApp app) : IClassFixture<RecordingsApp>
{
    private const string Token = "12345";

    /// <summary>Half a second of a 440 Hz tone, 16 kHz stereo: the page must bring it down to 8 kHz mono.</summary>
    private static (byte[] File, short[] Expected) Tone()
    {
        var frames = 8000;
        var interleaved = new short[frames * 2];
        for (var i = 0; i < frames; i++) interleaved[2 * i] = interleaved[2 * i + 1] = (short)(12000 * Math.Sin(2 * Math.PI * 440 * i / 16000.0));
        var data = new byte[interleaved.Length * 2];
        Buffer.BlockCopy(interleaved, 0, data, 0, data.Length);
        using var file = new MemoryStream();
        using (var w = new BinaryWriter(file, System.Text.Encoding.ASCII, leaveOpen: true))
        {
            w.Write("RIFF"u8); w.Write(36 + data.Length); w.Write("WAVEfmt "u8); w.Write(16); w.Write((short)1); w.Write((short)2);
            w.Write(16000); w.Write(16000 * 4); w.Write((short)4); w.Write((short)16); w.Write("data"u8); w.Write(data.Length); w.Write(data);
        }
        var bytes = file.ToArray();
        return (bytes, ((PromptAudioResult.Accepted)PromptAudio.Read(bytes)).Samples);
    }

    private static async Task<WebPage> UploadAsync(Browser admin, string promptId, byte[]? payload)
    {
        var url = $"/admin/voix/annonces/{promptId}";
        var token = await admin.AntiforgeryTokenAsync(url);
        using var content = new MultipartFormDataContent { { new StringContent(token), "__RequestVerificationToken" } };
        if (payload is not null)
        {
            var file = new ByteArrayContent(payload);
            file.Headers.ContentType = new("audio/wav");
            content.Add(file, "file", "annonce.wav");
        }
        return await WebPage.ReadAsync(url, await admin.Http.PostAsync(url, content));
    }

    private async Task<XElement> IncomingAsync(string sid, string organisation)
    {
        var form = new Dictionary<string, string> { ["CallSid"] = sid, ["From"] = "+33612345678", ["To"] = "+33299000000", ["CallStatus"] = "in-progress" };
        var path = $"/voice/twilio/incoming?organisation={organisation}";
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add("X-Twilio-Signature", TwilioSignature.Compute(Token, "http://localhost" + path, form.Select(f => (f.Key, f.Value))));
        var answer = await app.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        return XDocument.Parse(await answer.Content.ReadAsStringAsync()).Root!;
    }

    [Fact]
    public async Task An_administrator_s_recording_replaces_the_synthetic_menu_on_both_doors_for_their_organisation_only()
    {
        app.At(7);
        var (wav, expected) = Tone();
        using var admin = new Browser(app);
        await admin.SignInAsync("admin@lorval.demo");
        var list = await admin.GetAsync("/admin/voix/annonces");
        Assert.Equal(HttpStatusCode.OK, list.Status);
        Assert.Contains("Enregistrées par votre organisation : 0 sur", list.Text);

        var saved = await UploadAsync(admin, "menu-message", wav);
        Assert.Equal(HttpStatusCode.Redirect, saved.Status);
        var page = await admin.FollowAsync(saved);
        Assert.Contains("Votre enregistrement remplace la voix de synthèse", page.Text);
        Assert.Contains("(0,5 s)", page.Text);

        // The three files the doors play, made from the upload: 8 kHz mono in A-law, µ-law and WAV.
        var dir = Path.Combine(app.PromptsPath, "org-mairie-lorval");
        Assert.Equal(PromptAudio.ALaw(expected), await File.ReadAllBytesAsync(Path.Combine(dir, "menu-message.alaw")));
        Assert.Equal(PromptAudio.MuLaw(expected), await File.ReadAllBytesAsync(Path.Combine(dir, "menu-message.ulaw")));
        Assert.Equal(4000, expected.Length);

        // TwiML plays our WAV by URL, which serves exactly the recording; the welcome naming the town hall stays spoken.
        var twiml = await IncomingAsync("CA900", "mairie-lorval");
        var play = Assert.Single(twiml.Descendants("Play"));
        Assert.Equal("http://localhost/voice/prompts/org-mairie-lorval/menu-message.wav", play.Value);
        Assert.Contains("Mairie de Lorval", string.Concat(twiml.Descendants("Say").Select(s => s.Value)));
        var audio = await app.Client.GetAsync("/voice/prompts/org-mairie-lorval/menu-message.wav");
        Assert.Equal("audio/wav", audio.Content.Headers.ContentType!.MediaType);
        Assert.Equal(PromptAudio.Wav(expected), await audio.Content.ReadAsByteArrayAsync());

        // FastAGI streams the organisation's file.
        await using (var agi = await FakeAsterisk.CallAsync(await app.FastAgiAsync(), "1700000900.1"))
        {
            Assert.Equal("ANSWER", await agi.NextAsync());
            await agi.ReplyAsync("200 result=0");
            var streams = new List<string>();
            while (await agi.NextAsync() is { } command && command.StartsWith("STREAM FILE", StringComparison.Ordinal))
            {
                streams.Add(command);
                await agi.ReplyAsync("200 result=0 endpos=8000");
            }
            Assert.Contains(streams, s => s.StartsWith($"STREAM FILE {app.PromptsPath}/org-mairie-lorval/menu-message ", StringComparison.Ordinal));
        }

        // Another town hall still hears the synthetic voice.
        var theirs = await IncomingAsync("CA901", "mairie-saint-aubin");
        Assert.Empty(theirs.Descendants("Play"));
        Assert.Contains("Pour laisser un message, tapez 0", string.Concat(theirs.Descendants("Say").Select(s => s.Value)));

        // Back to synthesis: the files are gone and TwiML says the words again.
        var form = (IHtmlFormElement)page.Document.QuerySelector("form[action*='handler=Synthesis']")!;
        var reverted = await admin.FollowAsync(await admin.SubmitAsync(page, form));
        Assert.Contains("de nouveau dite par la voix de synthèse", reverted.Text);
        Assert.False(File.Exists(Path.Combine(dir, "menu-message.wav")));
        Assert.Empty((await IncomingAsync("CA902", "mairie-lorval")).Descendants("Play"));
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync("/voice/prompts/org-mairie-lorval/menu-message.wav")).StatusCode);
    }

    [Fact]
    public async Task A_file_that_is_not_a_usable_wav_is_refused_with_a_message_and_nothing_changes()
    {
        using var admin = new Browser(app);
        await admin.SignInAsync("admin@lorval.demo");
        var missing = await UploadAsync(admin, "goodbye", null);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, missing.Status);
        Assert.Contains("Choisissez un fichier WAV.", missing.Text);
        var mp3 = await UploadAsync(admin, "goodbye", "ID3\u0004\0\0\0\0\0"u8.ToArray());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, mp3.Status);
        Assert.Contains("n'est pas un enregistrement WAV", mp3.Text);
        Assert.False(File.Exists(Path.Combine(app.PromptsPath, "org-mairie-lorval", "goodbye.wav")));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/admin/voix/annonces/inconnue")).Status);
    }

    [Fact]
    public async Task Only_administrators_manage_recordings_and_only_catalog_prompts_are_ever_served()
    {
        using var agent = new Browser(app);
        await agent.SignInAsync("accueil@lorval.demo");
        Assert.NotEqual(HttpStatusCode.OK, (await agent.GetAsync("/admin/voix/annonces")).Status);
        Assert.NotEqual(HttpStatusCode.OK, (await agent.GetAsync("/admin/voix/annonces/menu")).Status);
        File.WriteAllText(Path.Combine(Directory.CreateDirectory(app.PromptsPath).FullName, "secret.wav"), "not for callers");
        foreach (var url in new[] { "/voice/prompts/org-mairie-lorval/..%2Fsecret.wav", "/voice/prompts/..%2F/secret.wav", "/voice/prompts/org-x/secret.wav",
                     "/voice/prompts/org-mairie-lorval/menu.alaw", "/voice/prompts/ORG-X/menu.wav" })
            Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync(url)).StatusCode);
    }
}

/// <summary>A prompts directory nobody can create, even root: /proc takes no new entries.</summary>
public sealed class UnwritablePromptsApp : VoiceApp
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Voice:PromptsPath"] = "/proc/guichet-prompts",
    };
}

public sealed class UnwritablePromptsTests(UnwritablePromptsApp app) : IClassFixture<UnwritablePromptsApp>
{
    [Fact]
    public async Task A_server_that_cannot_write_prompts_says_so_instead_of_failing()
    {
        using var admin = new Browser(app);
        await admin.SignInAsync("admin@lorval.demo");
        var wav = PromptAudio.Wav(new short[800]);
        var url = "/admin/voix/annonces/goodbye";
        var token = await admin.AntiforgeryTokenAsync(url);
        using var content = new MultipartFormDataContent { { new StringContent(token), "__RequestVerificationToken" }, { new ByteArrayContent(wav), "file", "au-revoir.wav" } };
        var answer = await WebPage.ReadAsync(url, await admin.Http.PostAsync(url, content));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.Status);
        Assert.Contains("n'est pas accessible en écriture", answer.Text);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/admin/voix/annonces")).Status);
    }
}

using Guichet.Domain.Requests;
using Guichet.Web.Data;
using Guichet.Web.Features.Requests;
using Guichet.Web.Features.Voice;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Guichet.Web.Tests.Voice;

/// <summary>The voice door with its recordings directory in a scratch folder this node shares with the "PBX".</summary>
public sealed class SharedSpoolVoiceApp : VoiceApp, IAsyncLifetime
{
    public string Spool { get; } = Directory.CreateTempSubdirectory("guichet-spool-").FullName;

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        Directory.Delete(Spool, recursive: true);
    }

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Voice:RecordingsPath"] = Spool,
    };
}

public sealed class RecordingErasureTests(SharedSpoolVoiceApp app) : IClassFixture<SharedSpoolVoiceApp>
{
    [Fact]
    public async Task When_a_voice_request_is_anonymised_its_recording_file_in_the_shared_spool_is_deleted_and_nothing_else()
    {
        app.At(10);
        await using (var agi = await FakeAsterisk.CallAsync(await app.FastAgiAsync(), "1700000900.1"))
        {
            await agi.TypeAsync("0");
            await agi.PlayUntilAsync("EXEC Dial");
            await agi.ReplyAsync("200 result=-1");
            await agi.NextAsync();
            await agi.ReplyAsync("200 result=1 (NOANSWER)");
            Assert.StartsWith($"RECORD FILE {app.Spool}/msg-1700000900.1 wav", await agi.PlayUntilAsync("RECORD FILE"));
            await agi.ReplyAsync("200 result=990 (timeout) endpos=40000");
            await agi.PlayUntilAsync("HANGUP");
            await agi.ReplyAsync("200 result=1");
            Assert.True(await agi.ClosedByServerAsync());
        }
        var message = await app.WithDbAsync(db => db.Set<VoiceMessage>().AsNoTracking().SingleAsync(m => m.CallId == "agi-1700000900.1"));
        // What the PBX wrote, and a file of another call beside it.
        Assert.Equal(Path.Combine(app.Spool, "msg-1700000900.1.wav"), message.RecordingPath);
        await File.WriteAllBytesAsync(message.RecordingPath, new byte[4000]);
        var other = Path.Combine(app.Spool, "msg-1700000901.1.wav");
        await File.WriteAllBytesAsync(other, new byte[4000]);

        // The request was closed long ago: the real retention pass anonymises it.
        await app.WithDbAsync(db => db.CitizenRequests.Where(r => r.Id == message.CitizenRequestId).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.Status, RequestStatus.Closed)
            .SetProperty(r => r.UpdatedUtc, new DateTime(2015, 1, 1, 0, 0, 0, DateTimeKind.Utc))));
        int anonymised;
        await using (var scope = app.Services.CreateAsyncScope())
            anonymised = await scope.ServiceProvider.GetRequiredService<RetentionJob>().RunOnceAsync(CancellationToken.None);
        Assert.True(anonymised >= 1);

        var after = await app.WithDbAsync(db => db.Set<VoiceMessage>().AsNoTracking().SingleAsync(m => m.CallId == "agi-1700000900.1"));
        Assert.Equal(("", null), (after.RecordingPath, after.CallbackNumber));
        Assert.NotNull((await app.WithDbAsync(db => db.CitizenRequests.AsNoTracking().SingleAsync(r => r.Id == message.CitizenRequestId))).AnonymisedUtc);
        Assert.False(File.Exists(message.RecordingPath));
        Assert.True(File.Exists(other));
    }
}

using System.Collections.Concurrent;
using Guichet.Domain.Messaging;

namespace Guichet.Web.Platform.Sms;

/// <summary>Sms:Provider=Development: nothing leaves the machine; what would have been sent is kept in memory (ids only in the log).</summary>
public sealed class DevelopmentSmsGateway(ILogger<DevelopmentSmsGateway> log) : ISmsGateway
{
    private readonly ConcurrentQueue<OutgoingSms> sent = new();

    public string Name => "development";

    public IReadOnlyList<OutgoingSms> Sent => sent.ToArray();

    public Task<SmsAccepted> SendAsync(OutgoingSms sms, CancellationToken ct)
    {
        sent.Enqueue(sms);
        var segments = SmsEncoding.Analyze(sms.Text).Segments;
        log.LogInformation("SMS {Reference} recorded, not sent ({Segments} segments): Sms:Provider is Development", sms.Reference, segments);
        return Task.FromResult(new SmsAccepted("dev-" + sms.Reference, segments));
    }
}

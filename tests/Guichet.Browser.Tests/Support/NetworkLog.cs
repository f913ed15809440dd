using Microsoft.Playwright;

namespace Guichet.Browser.Tests.Support;

/// <summary>Every request a page makes, in order, with a way to weigh what a page load brought in.</summary>
public sealed class NetworkLog
{
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(15);

    private readonly object gate = new();
    private readonly List<IRequest> requests = [];
    private readonly HashSet<IRequest> pending = [];
    private readonly HashSet<IRequest> failed = [];
    private TaskCompletionSource settled = Settled();

    public NetworkLog(IPage page)
    {
        page.Request += (_, request) =>
        {
            lock (gate)
            {
                requests.Add(request);
                pending.Add(request);
                if (settled.Task.IsCompleted) settled = new(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        };
        page.RequestFinished += (_, request) => Done(request, ok: true);
        page.RequestFailed += (_, request) => Done(request, ok: false);
    }

    /// <summary>Every URL requested so far, in order.</summary>
    public IReadOnlyList<string> Urls
    {
        get { lock (gate) return requests.Select(r => r.Url).ToList(); }
    }

    /// <summary>A position in the log: what comes after it belongs to the next page load.</summary>
    public int Mark()
    {
        lock (gate) return requests.Count;
    }

    /// <summary>
    /// Waits until every request made since <paramref name="mark"/> has finished, then sums the sizes of
    /// the response bodies: the document (and any redirect before it) plus its stylesheets, scripts, images.
    /// </summary>
    public async Task<PageWeight> WeighSinceAsync(int mark)
    {
        await SettleAsync();
        List<IRequest> since;
        lock (gate) since = requests.Skip(mark).Where(r => !failed.Contains(r)).ToList();
        var parts = new List<(string Url, long Bytes)>();
        foreach (var request in since)
        {
            var sizes = await request.SizesAsync();
            parts.Add((request.Url, sizes.ResponseBodySize));
        }
        return new PageWeight(parts);
    }

    private async Task SettleAsync()
    {
        Task waiting;
        lock (gate) waiting = settled.Task;
        if (await Task.WhenAny(waiting, Task.Delay(SettleTimeout)) != waiting)
        {
            string stuck;
            lock (gate) stuck = string.Join(", ", pending.Select(r => r.Url));
            throw new TimeoutException($"Requests still pending after {SettleTimeout.TotalSeconds} s: {stuck}");
        }
    }

    private void Done(IRequest request, bool ok)
    {
        lock (gate)
        {
            pending.Remove(request);
            if (!ok) failed.Add(request);
            if (pending.Count == 0) settled.TrySetResult();
        }
    }

    private static TaskCompletionSource Settled()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        done.SetResult();
        return done;
    }
}

public sealed record PageWeight(IReadOnlyList<(string Url, long Bytes)> Parts)
{
    public long Bytes => Parts.Sum(p => p.Bytes);

    public override string ToString() =>
        $"{Bytes} bytes ({string.Join(", ", Parts.Select(p => $"{new Uri(p.Url).AbsolutePath} {p.Bytes}"))})";
}

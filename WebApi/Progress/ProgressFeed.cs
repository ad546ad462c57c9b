using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Villages.Domain;
using Villages.Progress;
using Villages.Regions;

namespace Villages.WebApi.Progress;

/// <summary>A region's latest progress as this node holds it, with its JSON ready to send.</summary>
public sealed record ProgressSnapshot(RegionProgress Progress, byte[] Json)
{
    /// <summary>
    /// The entity tag of these bytes: the figures' day and version, and when they were built, so a
    /// poller that has them gets a 304 with no body.
    /// </summary>
    public string ETag { get; } = $"\"{Progress.Day.DayNumber:x}-{Progress.Version:x}-{Progress.AsOf.UtcTicks:x}\"";
}

/// <summary>
/// One subscription per region per WebApi node, however many screens watch it: the node observes
/// the region's rollup grain, keeps the latest figures (and their JSON) in memory, answers reads
/// from there and fans changes out to its Server-Sent Events streams. Subscriptions are renewed
/// while the region is in use and the figures re-read at each renewal, in case a notification was
/// lost; an unused region is dropped. When a silo leaves the cluster, the rollups it hosted come
/// back elsewhere without this node's subscription: every watched region is then renewed at each
/// tick until the cluster has settled, instead of waiting for its next renewal.
/// </summary>
public sealed partial class ProgressFeed(
    IGrainFactory grains,
    RegionCatalog catalog,
    ProgramOptions program,
    IOptions<JsonOptions> json,
    IOptions<ProgressOptions> options,
    IServiceProvider services,
    ILogger<ProgressFeed> logger) : IProgressObserver, IHostedService, IDisposable
{
    /// <summary>How long after a membership change every watched region is renewed at each tick:
    /// long enough for the cluster to declare a killed silo dead and for its rollups to come back.</summary>
    private static readonly TimeSpan Unsettled = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(2);

    private readonly ConcurrentDictionary<string, Watched> _regions = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private IProgressObserver? _self;
    private Task? _renewals;
    private long _unsettledUntil; // UTC ticks

    private TimeSpan Renewal => options.Value.SubscriptionLifetime / 3;

    public async ValueTask<ProgressSnapshot> GetAsync(Region region, CancellationToken cancellationToken)
    {
        var watched = Watch(region);
        return watched.Current ?? await watched.FirstAsync(() => RenewAsync(watched), cancellationToken);
    }

    /// <summary>The current figures, then every change (a slow reader skips to the newest), until cancelled.</summary>
    public async IAsyncEnumerable<ProgressSnapshot> ChangesAsync(Region region, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var watched = Watch(region);
        var changes = Channel.CreateBounded<ProgressSnapshot>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest });
        watched.Listeners[changes] = 0;
        try
        {
            changes.Writer.TryWrite(await GetAsync(region, cancellationToken));
            while (await changes.Reader.WaitToReadAsync(cancellationToken))
            {
                while (changes.Reader.TryRead(out var snapshot)) yield return snapshot;
            }
        }
        finally
        {
            watched.Listeners.TryRemove(changes, out _);
        }
    }

    public Task OnProgress(RegionProgress progress)
    {
        if (_regions.TryGetValue(progress.Code, out var watched)) Publish(watched, progress);
        return Task.CompletedTask;
    }

    /// <summary>A silo joined or left (a cluster client's gateways, or a co-hosted silo's membership changed).</summary>
    public void OnClusterChanged() => Interlocked.Exchange(ref _unsettledUntil, (DateTime.UtcNow + Unsettled).Ticks);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _renewals = Task.Run(() => RenewLoopAsync(_stopping.Token), CancellationToken.None);
        // Co-hosted with a silo: its membership view says when another silo leaves. (A pure client
        // hears it from its gateways: see ClusterChangeObserver.)
        if (services.GetService<IClusterMembershipService>() is { } membership)
        {
            _ = Task.Run(() => WatchMembershipAsync(membership, _stopping.Token), CancellationToken.None);
        }
        return Task.CompletedTask;
    }

    private async Task WatchMembershipAsync(IClusterMembershipService membership, CancellationToken stopping)
    {
        HashSet<SiloAddress>? active = null;
        try
        {
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(stopping))
            {
                var now = snapshot.Members.Values.Where(static m => m.Status == SiloStatus.Active).Select(static m => m.SiloAddress).ToHashSet();
                if (active is not null && !active.SetEquals(now)) OnClusterChanged();
                active = now;
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        if (_renewals is not null) await _renewals.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public void Dispose() => _stopping.Dispose();

    private Watched Watch(Region region)
    {
        var watched = _regions.GetOrAdd(region.Code, static (_, r) => new Watched(r), region);
        watched.LastUsed = DateTime.UtcNow;
        return watched;
    }

    /// <summary>Subscribes (again) and re-reads the figures.</summary>
    private async Task RenewAsync(Watched watched)
    {
        var grain = grains.Region(watched.Region.Code);
        _self ??= grains.CreateObjectReference<IProgressObserver>(this);
        await grain.Subscribe(_self);
        watched.Renewed = DateTime.UtcNow;
        Publish(watched, await grain.GetProgress());
    }

    private void Publish(Watched watched, RegionProgress progress)
    {
        lock (watched)
        {
            if (watched.Current is { } current && !IsNewer(progress, current.Progress)) return;
            var body = ProgressMapping.Progress(watched.Region, progress, catalog, program.DefaultTargetWorkers);
            watched.Current = new ProgressSnapshot(progress, JsonSerializer.SerializeToUtf8Bytes(body, json.Value.SerializerOptions));
        }
        foreach (var listener in watched.Listeners.Keys) listener.Writer.TryWrite(watched.Current);
    }

    /// <summary>Days and versions only grow; a rebuilt rollup may turn complete.</summary>
    private static bool IsNewer(RegionProgress next, RegionProgress current) =>
        next.IsNewerThan(current) || (next.Day == current.Day && next.Version == current.Version && ((next.Complete && !current.Complete) || next.AsOf > current.AsOf));

    private async Task RenewLoopAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(Tick);
        while (await TickAsync(timer, stopping))
        {
            var unsettled = DateTime.UtcNow.Ticks < Interlocked.Read(ref _unsettledUntil);
            foreach (var watched in _regions.Values)
            {
                if (watched.Listeners.IsEmpty && DateTime.UtcNow - watched.LastUsed > options.Value.SubscriptionLifetime)
                {
                    _regions.TryRemove(watched.Region.Code, out _); // its subscription simply expires
                    continue;
                }
                if (!unsettled && DateTime.UtcNow - watched.Renewed < Renewal) continue;
                try
                {
                    await RenewAsync(watched);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogRenewFailed(ex, watched.Region.Code);
                }
            }
        }
    }

    private static async Task<bool> TickAsync(PeriodicTimer timer, CancellationToken stopping)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stopping);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private sealed class Watched(Region region)
    {
        private readonly SemaphoreSlim _first = new(1, 1);

        public Region Region { get; } = region;
        public volatile ProgressSnapshot? Current;
        public DateTime LastUsed;
        public DateTime Renewed;
        public ConcurrentDictionary<Channel<ProgressSnapshot>, byte> Listeners { get; } = new();

        /// <summary>The first reader loads the figures; readers arriving meanwhile wait for them.</summary>
        public async ValueTask<ProgressSnapshot> FirstAsync(Func<Task> load, CancellationToken cancellationToken)
        {
            await _first.WaitAsync(cancellationToken);
            try
            {
                if (Current is null) await load();
                return Current!;
            }
            finally
            {
                _first.Release();
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Renewing the progress subscription of {Region} failed; retrying.")]
    private partial void LogRenewFailed(Exception exception, string region);
}

/// <summary>A cluster client's gateways changed (a silo died, left or joined): the feed renews its subscriptions.</summary>
public sealed class ClusterChangeObserver(IServiceProvider services) : IClusterConnectionStatusObserver
{
    // Resolved when first needed: the Orleans client creates its observers before the feed can exist.
    public void NotifyGatewayCountChanged(int currentNumberOfGateways, int previousNumberOfGateways, bool connectionRecovered) =>
        services.GetRequiredService<ProgressFeed>().OnClusterChanged();

    public void NotifyClusterConnectionLost() => services.GetRequiredService<ProgressFeed>().OnClusterChanged();
}

using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Villages.WebApi.Security;

namespace Villages.WebApi.Http;

/// <summary>
/// The request budgets of <see cref="RateLimitOptions"/>: a token bucket per client, refilled from the
/// clock when the client asks, so nothing walks the buckets between requests. The framework's
/// partitioned limiter replenished every bucket ten times a second under one lock; with a bucket per
/// operator (thousands at once) that walk and that lock were 3-4% of the service's CPU under load.
/// A bucket idle long enough to be full again is dropped: a new one starts full, the same thing.
/// </summary>
public sealed class ClientBudgets(RateLimitOptions options, TimeProvider time) : PartitionedRateLimiter<HttpContext>
{
    private const int SweepSeconds = 10;
    private readonly ConcurrentDictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);
    private readonly long _sweepEvery = time.TimestampFrequency * SweepSeconds;
    private long _nextSweep = time.GetTimestamp() + time.TimestampFrequency * SweepSeconds;

    public override RateLimiterStatistics? GetStatistics(HttpContext resource) => null;

    protected override RateLimitLease AttemptAcquireCore(HttpContext context, int permitCount)
    {
        // Probes and scrapers are the platform's, not clients'.
        if (context.Request.Path.StartsWithSegments("/health") || context.Request.Path.StartsWithSegments("/metrics")) return Lease.Granted;
        var perSecond = context.Caller().Authenticated ? options.PerCallerPerSecond : options.AnonymousPerSecond;
        var now = time.GetTimestamp();
        if (now >= Interlocked.Read(ref _nextSweep)) Sweep(now); // first: never this request's bucket after it was found
        var bucket = _buckets.GetOrAdd(context.ClientKey(), static (_, start) => new Bucket(start), now);
        return bucket.TryTake(permitCount, perSecond, (double)perSecond * options.BurstSeconds, now, time.TimestampFrequency, out var wait)
            ? Lease.Granted
            : new Lease(false, wait);
    }

    // No queue: a request over budget is answered at once (429 with Retry-After), never held.
    protected override ValueTask<RateLimitLease> AcquireAsyncCore(HttpContext context, int permitCount, CancellationToken cancellationToken) =>
        ValueTask.FromResult(AttemptAcquireCore(context, permitCount));

    /// <summary>Drops the buckets idle for longer than a full refill takes (one sweeper at a time, every <see cref="SweepSeconds"/>).</summary>
    private void Sweep(long now)
    {
        var due = Interlocked.Read(ref _nextSweep);
        if (now < due || Interlocked.CompareExchange(ref _nextSweep, now + _sweepEvery, due) != due) return;
        var idle = time.TimestampFrequency * options.BurstSeconds;
        foreach (var (key, bucket) in _buckets)
        {
            if (bucket.IdleSince(now) > idle) _buckets.TryRemove(key, out _);
        }
    }

    private sealed class Bucket(long start)
    {
        private readonly Lock _lock = new();
        private double _tokens = double.MaxValue; // full: capped at the first take
        private long _last = start;

        public long IdleSince(long now) => now - Volatile.Read(ref _last);

        public bool TryTake(int permits, int perSecond, double capacity, long now, long frequency, out TimeSpan wait)
        {
            lock (_lock)
            {
                _tokens = Math.Min(capacity, _tokens + (double)(now - _last) / frequency * perSecond);
                _last = now;
                if (_tokens >= permits)
                {
                    _tokens -= permits;
                    wait = TimeSpan.Zero;
                    return true;
                }
                wait = TimeSpan.FromSeconds((permits - _tokens) / perSecond);
                return false;
            }
        }
    }

    private sealed class Lease(bool acquired, TimeSpan retryAfter) : RateLimitLease
    {
        public static readonly Lease Granted = new(true, TimeSpan.Zero);

        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => acquired ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = !acquired && metadataName == MetadataName.RetryAfter.Name ? retryAfter : null;
            return metadata is not null;
        }
    }
}

namespace Villages.WebApi.Http;

/// <summary>
/// The Server-Sent Events streams this node holds open, per caller (<see cref="RateLimits.ClientKey"/>)
/// and in all, within <see cref="LimitOptions"/>. A stream is a connection held for hours: without a
/// bound, one client could take every connection a node has. Per node, as connections are.
/// </summary>
public sealed class StreamSlots(LimitOptions limits)
{
    private readonly Dictionary<string, int> _perCaller = new(StringComparer.Ordinal);
    private int _total;

    /// <summary>A slot for one more stream of <paramref name="caller"/>, given back when disposed; null and why when none is left.</summary>
    public IDisposable? TryTake(string caller, out string? refusal)
    {
        lock (_perCaller)
        {
            var held = _perCaller.GetValueOrDefault(caller);
            refusal = held >= limits.StreamsPerCaller
                ? $"You already hold {limits.StreamsPerCaller} live streams open; close one (a stream carries every region's changes you ask for) and retry."
                : _total >= limits.Streams ? $"This node holds as many live streams as it allows ({limits.Streams}); retry in {limits.RetryAfterSeconds} s." : null;
            if (refusal is not null) return null;
            _perCaller[caller] = held + 1;
            _total++;
        }
        return new Slot(this, caller);
    }

    private void Give(string caller)
    {
        lock (_perCaller)
        {
            _total--;
            if (--_perCaller[caller] == 0) _perCaller.Remove(caller);
        }
    }

    private sealed class Slot(StreamSlots slots, string caller) : IDisposable
    {
        private int _given;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _given, 1) == 0) slots.Give(caller);
        }
    }
}

namespace Villages.Village;

/// <summary>
/// One storage write at a time per grain, and concurrent changes share writes (as in Orleans'
/// Chirper sample): a caller that changed state awaits a write that starts after its change.
/// While a write runs, every caller joins the single write queued behind it. Grain-thread only.
/// </summary>
internal sealed class CoalescingWriter(Func<Task> write)
{
    private Task? _running;
    private Task? _queued;

    public Task WriteAsync()
    {
        if (_queued is not null) return _queued;
        if (_running is null || _running.IsCompleted) return _running = write();
        return _queued = WriteAfter(_running);
    }

    private async Task WriteAfter(Task running)
    {
        // Its own callers see the earlier write's outcome; this write stands on its own.
        try { await running; } catch { }
        _running = _queued;
        _queued = null;
        await write();
    }
}

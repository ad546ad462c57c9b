namespace Villages.Village;

/// <summary>
/// One storage write at a time per grain, and concurrent changes share writes (as in Orleans'
/// Chirper sample): a caller that changed state awaits a write that starts after its change.
/// While a write runs, every caller joins the single write queued behind it. Grain-thread only.
/// </summary>
internal sealed class CoalescingWriter(Func<Task> write)
{
    private Task _running = Task.CompletedTask;
    private TaskCompletionSource? _queued;

    public Task WriteAsync()
    {
        if (_queued is not null) return _queued.Task;
        if (_running.IsCompleted) return _running = Start();
        // The queue is set before anything awaits: the running write (a grain call's answer) may
        // complete on another thread at any moment, and the queued one then starts at once.
        var queued = _queued = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _ = WriteAfter(_running, queued);
        return queued.Task;
    }

    private async Task WriteAfter(Task running, TaskCompletionSource queued)
    {
        // Its own callers see the earlier write's outcome; this write stands on its own.
        try { await running; } catch { }
        _queued = null; // from here, a change needs the next write
        var written = _running = Start();
        try
        {
            await written;
            queued.SetResult();
        }
        catch (Exception ex)
        {
            queued.SetException(ex);
        }
    }

    /// <summary>A write that throws before its first await fails its callers like one that fails later.</summary>
    private Task Start()
    {
        try
        {
            return write();
        }
        catch (Exception ex)
        {
            return Task.FromException(ex);
        }
    }
}

using Villages.Village;

namespace Villages.Specs.Village;

/// <summary>
/// The writer behind a village's storage writes and its reports to its district: every caller's
/// change is in a write that started after it, even when the write before completes on another
/// thread at any moment (a grain call's answer does), as on a silo.
/// </summary>
public sealed class CoalescingWriterTests
{
    [Fact]
    public async Task Every_caller_waits_for_a_write_that_started_after_its_change()
    {
        // One caller at a time, as on a grain's scheduler; writes complete on the thread pool.
        var grainThread = new ConcurrentExclusiveSchedulerPair().ExclusiveScheduler;
        var changes = 0;
        long durable = 0; // the newest change a completed write carried
        var random = new Random(15);
        var writer = new CoalescingWriter(() =>
        {
            var carried = changes;
            var spin = random.Next(0, 60);
            var done = new TaskCompletionSource();
            ThreadPool.UnsafeQueueUserWorkItem(_ =>
            {
                Thread.SpinWait(spin);
                InterlockedMax(ref durable, carried);
                done.SetResult();
            }, null);
            return done.Task;
        });
        var behind = 0;
        // The race is a window of a few instructions: try for a while (a stale writer stays stale, so one hit shows).
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(2);

        async Task CallerAsync()
        {
            while (behind == 0 && DateTime.UtcNow < until)
            {
                var mine = ++changes;
                await writer.WriteAsync();
                if (Interlocked.Read(ref durable) < mine) behind++;
            }
        }

        var callers = Enumerable.Range(0, 4).Select(_ => Task.Factory.StartNew(CallerAsync, CancellationToken.None, TaskCreationOptions.None, grainThread).Unwrap());
        await Task.WhenAll(callers).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(0, behind);
    }

    [Fact]
    public async Task A_failed_write_fails_its_callers_and_the_next_write_runs()
    {
        var grainThread = new ConcurrentExclusiveSchedulerPair().ExclusiveScheduler;
        var writes = 0;
        var first = new TaskCompletionSource();
        var writer = new CoalescingWriter(() => ++writes == 1 ? first.Task : Task.CompletedTask);

        var (failing, queued, joined) = await Task.Factory.StartNew(() =>
            (writer.WriteAsync(), writer.WriteAsync(), writer.WriteAsync()), CancellationToken.None, TaskCreationOptions.None, grainThread);
        first.SetException(new InvalidOperationException("storage down"));

        await Assert.ThrowsAsync<InvalidOperationException>(() => failing);
        await queued;
        Assert.Same(queued, joined);
        Assert.Equal(2, writes);
    }

    private static void InterlockedMax(ref long target, long value)
    {
        for (var seen = Interlocked.Read(ref target); seen < value; seen = Interlocked.Read(ref target))
        {
            if (Interlocked.CompareExchange(ref target, value, seen) == seen) return;
        }
    }
}

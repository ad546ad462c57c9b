namespace Villages.Village;

/// <summary>
/// The workers a village is changing right now. Calls about one worker run one after another (by
/// enrolment id), and while a worker's enrolment or withdrawal is in flight the village says it
/// holds them, so the national registry never hands them to another village in between.
/// Grain-thread only.
/// </summary>
internal sealed class WorkersInFlight
{
    private readonly Dictionary<string, Task> _busy = new(StringComparer.Ordinal);
    private readonly HashSet<string> _held = new(StringComparer.Ordinal);

    public bool Holds(string nikKey) => _held.Contains(nikKey);

    public void Hold(string nikKey) => _held.Add(nikKey);

    public void Let(string nikKey) => _held.Remove(nikKey);

    public async Task<T> OneAtATime<T>(IEnumerable<string> enrollmentIds, Func<Task<T>> action)
    {
        var ids = enrollmentIds.ToList();
        while (ids.Select(id => _busy.GetValueOrDefault(id)).FirstOrDefault(static t => t is not null) is { } busy)
        {
            await busy;
        }
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        foreach (var id in ids) _busy[id] = done.Task;
        try
        {
            return await action();
        }
        finally
        {
            foreach (var id in ids) _busy.Remove(id);
            done.SetResult();
        }
    }
}

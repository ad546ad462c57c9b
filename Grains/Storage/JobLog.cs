namespace Villages.Storage;

[GenerateSerializer, Immutable, Alias("Villages.JobHeader`1")]
public sealed record JobHeader<TStatus>([property: Id(0)] TStatus Status, [property: Id(1)] int Pages);

[GenerateSerializer, Immutable, Alias("Villages.JobPage`1")]
public sealed record JobPage<TRow>([property: Id(0)] TRow[] Rows);

/// <summary>
/// The rows of a background job (a renewal, a reconciliation): its status in a header row and its
/// per-row results in pages appended as they come, so a silo lost mid-way leaves the report so far
/// and the state Interrupted (running the job again finishes it: the jobs are idempotent).
/// </summary>
internal sealed class JobLog<TStatus, TRow>(GrainRows rows, string name, TimeProvider clock) where TStatus : class, IJobStatus<TStatus>
{
    /// <summary>Results per page: a row write stays small.</summary>
    private const int PageSize = 2000;
    private readonly SemaphoreSlim _writing = new(1, 1);
    private readonly List<TRow> _rows = [];
    private int _pages;

    public TStatus? Status { get; private set; }

    public IReadOnlyList<TRow> Rows => _rows;

    /// <summary>Reads the job; one found running was cut short with the activation that ran it.</summary>
    public async Task LoadAsync()
    {
        if (await rows.ReadAsync<JobHeader<TStatus>>(name) is not { } header) return;
        (Status, _pages) = (header.Status, header.Pages);
        foreach (var page in await rows.ReadPagesAsync<JobPage<TRow>>(PageName, _pages)) _rows.AddRange(page.Rows);
        if (Status.State == ImportState.Running) await EndAsync(ImportState.Interrupted);
    }

    public Task StartAsync(TStatus status) => AppendAsync([], _ => status);

    /// <summary>Adds results and counts them into the status, both written before this returns.</summary>
    public async Task AppendAsync(IReadOnlyList<TRow> results, Func<TStatus, TStatus> count)
    {
        await _writing.WaitAsync();
        try
        {
            Status = count(Status!);
            _rows.AddRange(results);
            foreach (var page in results.Chunk(PageSize))
            {
                await rows.WriteAsync(PageName(_pages), new JobPage<TRow>(page));
                _pages++;
            }
            await rows.WriteAsync(name, new JobHeader<TStatus>(Status, _pages));
        }
        finally
        {
            _writing.Release();
        }
    }

    public Task EndAsync(ImportState state) => AppendAsync([], status => status.Ended(state, clock.GetUtcNow()));

    private string PageName(int page) => $"{name}-results-{page}";
}

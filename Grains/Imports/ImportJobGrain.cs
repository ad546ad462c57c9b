using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Villages.Domain;
using Villages.Storage;

namespace Villages.Imports;

[GenerateSerializer, Immutable, Alias("Villages.ImportJobState")]
public sealed record ImportJobState([property: Id(0)] ImportStatus Status, [property: Id(1)] int ResultPages);

[GenerateSerializer, Immutable, Alias("Villages.ImportResultPage")]
public sealed record ImportResultPage([property: Id(0)] ImportRowResult[] Results);

/// <summary>
/// A bulk import in the background. Rows stay in memory only (no NIK at rest outside the villages):
/// progress and each village's results are written as they come, so a silo loss leaves a report of
/// what was done and the state Interrupted; uploading the file again finishes it (enrolment is
/// idempotent, done rows come back unchanged).
/// </summary>
[GrainType("import")]
internal sealed partial class ImportJobGrain(
    [FromKeyedServices(StorageProvider.Name)] IGrainStorage storage,
    [FromKeyedServices(DomainClock.Key)] TimeProvider clock,
    ILogger<ImportJobGrain> logger) : Grain, IImportJobGrain
{
    private const string HeaderName = "import";
    private const int VillagesAtOnce = 4;
    private const int RowsPerBatch = 1000;
    private readonly List<ImportRowResult> _results = [];
    private readonly SemaphoreSlim _writing = new(1, 1);
    private GrainRows _rows = null!;
    private ImportStatus? _status;
    private int _pages;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _rows = new GrainRows(storage, this.GetGrainId());
        if (await _rows.ReadAsync<ImportJobState>(HeaderName) is not { } header) return;
        (_status, _pages) = (header.Status, header.ResultPages);
        foreach (var page in await _rows.ReadPagesAsync<ImportResultPage>(PageName, _pages)) _results.AddRange(page.Results);
        if (_status.State == ImportState.Running)
        {
            // Its rows lived in the memory of an activation that is gone.
            _status = _status with { State = ImportState.Interrupted, FinishedAt = clock.GetUtcNow() };
            await WriteHeaderAsync();
        }
    }

    public async Task<ImportStatus> Start(string fileName, IReadOnlyList<ImportRow> rows, IReadOnlyList<ImportRowResult> refused, Actor actor)
    {
        if (_status is not null) return _status;
        _status = new ImportStatus
        {
            Id = this.GetPrimaryKey(), State = ImportState.Running, FileName = fileName, Owner = actor.Subject,
            Rows = rows.Count + refused.Count, StartedAt = clock.GetUtcNow(),
        };
        await RecordAsync(refused);
        DelayDeactivation(TimeSpan.FromHours(2));
        _ = RunAsync(rows, actor);
        return _status;
    }

    public Task<ImportStatus?> GetStatus() => Task.FromResult(_status);

    public Task<IReadOnlyList<ImportRowResult>> GetReport() => Task.FromResult<IReadOnlyList<ImportRowResult>>([.. _results.OrderBy(static r => r.Row)]);

    private async Task RunAsync(IReadOnlyList<ImportRow> rows, Actor actor)
    {
        try
        {
            var villages = rows.GroupBy(static r => r.VillageCode).ToList();
            using var slots = new SemaphoreSlim(VillagesAtOnce);
            await Task.WhenAll(villages.Select(async village =>
            {
                await slots.WaitAsync();
                try
                {
                    foreach (var batch in village.Chunk(RowsPerBatch)) await RecordAsync(await EnrollAsync(village.Key, batch, actor));
                }
                finally
                {
                    slots.Release();
                }
            }));
        }
        catch (Exception ex)
        {
            LogFailed(ex, this.GetPrimaryKey());
        }
        _status = _status! with { State = ImportState.Completed, FinishedAt = clock.GetUtcNow() };
        await _writing.WaitAsync();
        try
        {
            await WriteHeaderAsync();
        }
        finally
        {
            _writing.Release();
        }
        await GrainFactory.JobSlotsOf(JobSlots.Import).Release(this.GetPrimaryKey());
        DelayDeactivation(TimeSpan.FromMinutes(30));
    }

    private async Task<ImportRowResult[]> EnrollAsync(string villageCode, ImportRow[] batch, Actor actor)
    {
        try
        {
            var outcomes = await GrainFactory.Village(villageCode).EnrollBatch([.. batch.Select(static r => r.Request)], actor);
            return [.. batch.Zip(outcomes, (row, o) => new ImportRowResult(row.Row, villageCode, Nik.Mask(row.Request.Nik), o.Result,
                o.Enrollment?.EnrollmentId, o.Failure?.Code.Slug(), o.Failure?.Detail))];
        }
        catch (Exception ex)
        {
            LogVillageFailed(ex, villageCode);
            return [.. batch.Select(row => new ImportRowResult(row.Row, villageCode, Nik.Mask(row.Request.Nik), EnrollmentResult.Rejected,
                null, FailureCode.StorageUnavailable.Slug(), "The village could not be reached; upload the file again to finish it."))];
        }
    }

    /// <summary>Adds results, counts them, and writes them as a new page with the header.</summary>
    private async Task RecordAsync(IReadOnlyList<ImportRowResult> results)
    {
        await _writing.WaitAsync();
        try
        {
            _results.AddRange(results);
            int Count(EnrollmentResult kind) => results.Count(r => r.Result == kind);
            _status = _status! with
            {
                Processed = _status.Processed + results.Count,
                Created = _status.Created + Count(EnrollmentResult.Created),
                Unchanged = _status.Unchanged + Count(EnrollmentResult.Unchanged),
                Repriced = _status.Repriced + Count(EnrollmentResult.Repriced),
                Updated = _status.Updated + Count(EnrollmentResult.Updated),
                Rejected = _status.Rejected + Count(EnrollmentResult.Rejected),
            };
            if (results.Count > 0)
            {
                await _rows.WriteAsync(PageName(_pages), new ImportResultPage([.. results]));
                _pages++;
            }
            await WriteHeaderAsync();
        }
        finally
        {
            _writing.Release();
        }
    }

    private Task WriteHeaderAsync() => _rows.WriteAsync(HeaderName, new ImportJobState(_status!, _pages));

    private static string PageName(int page) => $"import-results-{page}";

    [LoggerMessage(Level = LogLevel.Error, Message = "Import {Job} failed.")]
    private partial void LogFailed(Exception exception, Guid job);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Import: village {Village} could not be reached; its rows are reported as not done.")]
    private partial void LogVillageFailed(Exception exception, string village);
}

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Villages.Domain;
using Villages.Privacy;
using Villages.Registry;
using Villages.Storage;

namespace Villages.Reconciliation;

/// <summary>
/// A BPJS branch's result file for a regency, in the background: the registry says which village
/// holds (or last held) each worker in one statement, the KPJs are recorded nationally (one worker
/// each), then each village records its rows in one call. Rows stay in memory only; the per-row
/// results (NIK masked) are written as they come. The same file again changes nothing.
/// </summary>
[GrainType("reconciliation")]
internal sealed partial class ReconciliationJobGrain(
    [FromKeyedServices(StorageProvider.Name)] IGrainStorage storage,
    [FromKeyedServices(DomainClock.Key)] TimeProvider clock,
    NikRegistry registry,
    WorkerKeys keys,
    ILogger<ReconciliationJobGrain> logger) : Grain, IReconciliationJobGrain
{
    private const int VillagesAtOnce = 8;
    private const int RowsPerCall = 1000;
    private JobLog<ReconciliationStatus, ReconciliationRowResult> _log = null!;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // A job found running lived in the memory of an activation that is gone: the file can be uploaded again.
        _log = new JobLog<ReconciliationStatus, ReconciliationRowResult>(new GrainRows(storage, this.GetGrainId()), "reconciliation", clock);
        return _log.LoadAsync();
    }

    public async Task<ReconciliationStatus> Start(string region, string fileName, IReadOnlyList<ReconciliationRow> rows, IReadOnlyList<ReconciliationRowResult> refused, Actor actor)
    {
        if (_log.Status is { } started) return started;
        await _log.StartAsync(new ReconciliationStatus
        {
            Id = this.GetPrimaryKey(), Region = region, State = ImportState.Running, FileName = fileName, Owner = actor.Subject,
            Rows = rows.Count + refused.Count, StartedAt = clock.GetUtcNow(),
        });
        await RecordAsync(refused);
        DelayDeactivation(TimeSpan.FromHours(2));
        _ = RunAsync(region, rows, actor);
        return _log.Status!;
    }

    public Task<ReconciliationStatus?> GetStatus() => Task.FromResult(_log.Status);

    public Task<IReadOnlyList<ReconciliationRowResult>> GetReport() =>
        Task.FromResult<IReadOnlyList<ReconciliationRowResult>>([.. _log.Rows.OrderBy(static r => r.Line)]);

    private async Task RunAsync(string region, IReadOnlyList<ReconciliationRow> rows, Actor actor)
    {
        try
        {
            var keyed = rows.Select(r => (Row: r, Key: keys.RegistryKey(r.Nik))).ToList();
            var holders = await registry.HoldersAsync([.. keyed.Select(static k => k.Key)]);
            var unknown = new List<ReconciliationRowResult>();
            var known = new List<(ReconciliationRow Row, string Key, string Village)>();
            foreach (var (row, key) in keyed)
            {
                if (holders.TryGetValue(key, out var village) && village.StartsWith(region + ".", StringComparison.Ordinal)) known.Add((row, key, village));
                else unknown.Add(new ReconciliationRowResult(row.Line, null, Nik.Mask(row.Nik), ReconciliationResult.Unknown, null, "unknown-worker",
                    $"BPJS has this worker; the ledger has no enrolment of them in {region}."));
            }
            await RecordAsync(unknown);
            // A KPJ belongs to one worker in the whole country: rows giving one already another's are refused.
            var kpjs = known.Where(static k => k.Row.Verdict == BpjsVerdict.Registered).Select(k => (KpjKey: keys.KpjKey(k.Row.Kpj!), NikKey: k.Key)).ToList();
            var taken = await registry.ClaimKpjsAsync(kpjs);
            var conflicts = known.Where(k => k.Row.Verdict == BpjsVerdict.Registered && taken.Contains(keys.KpjKey(k.Row.Kpj!))).ToList();
            await RecordAsync([.. conflicts.Select(static k => new ReconciliationRowResult(k.Row.Line, k.Village, Nik.Mask(k.Row.Nik), ReconciliationResult.KpjConflict,
                null, "kpj-conflict", "This KPJ is already another worker's; nothing recorded."))]);
            var accepted = known.Except(conflicts).GroupBy(static k => k.Village).ToList();
            using var slots = new SemaphoreSlim(VillagesAtOnce);
            await Task.WhenAll(accepted.Select(async village =>
            {
                await slots.WaitAsync();
                try
                {
                    foreach (var chunk in village.Chunk(RowsPerCall)) await RecordAsync(await ReconcileAsync(village.Key, [.. chunk.Select(static c => c.Row)], actor));
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
        await _log.EndAsync(_log.Status!.Processed == _log.Status.Rows ? ImportState.Completed : ImportState.Interrupted);
        await GrainFactory.JobSlotsOf(JobSlots.Reconciliation).Release(this.GetPrimaryKey());
        DelayDeactivation(TimeSpan.FromMinutes(30));
    }

    private async Task<IReadOnlyList<ReconciliationRowResult>> ReconcileAsync(string villageCode, ReconciliationRow[] rows, Actor actor)
    {
        try
        {
            return await GrainFactory.Village(villageCode).Reconcile(rows, actor);
        }
        catch (Exception ex)
        {
            LogVillageFailed(ex, villageCode);
            return [.. rows.Select(row => new ReconciliationRowResult(row.Line, villageCode, Nik.Mask(row.Nik), ReconciliationResult.Invalid, null,
                FailureCode.StorageUnavailable.Slug(), "The village could not be reached; upload the file again to finish it (nothing is recorded twice)."))];
        }
    }

    /// <summary>Adds results and counts them.</summary>
    private Task RecordAsync(IReadOnlyList<ReconciliationRowResult> results)
    {
        if (results.Count == 0) return Task.CompletedTask;
        int Count(ReconciliationResult kind) => results.Count(r => r.Result == kind);
        return _log.AppendAsync(results, status => status with
        {
            Processed = status.Processed + results.Count,
            Matched = status.Matched + Count(ReconciliationResult.Matched),
            Unchanged = status.Unchanged + Count(ReconciliationResult.Unchanged),
            RefusedByBpjs = status.RefusedByBpjs + Count(ReconciliationResult.RefusedByBpjs),
            Unknown = status.Unknown + Count(ReconciliationResult.Unknown),
            KpjConflicts = status.KpjConflicts + Count(ReconciliationResult.KpjConflict),
            Invalid = status.Invalid + Count(ReconciliationResult.Invalid),
        });
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Reconciliation {Job} failed.")]
    private partial void LogFailed(Exception exception, Guid job);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reconciliation: village {Village} could not be reached; its rows are reported as not done.")]
    private partial void LogVillageFailed(Exception exception, string village);
}

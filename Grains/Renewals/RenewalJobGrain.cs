using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Villages.Regions;
using Villages.Storage;

namespace Villages.Renewals;

/// <summary>
/// A region's renewal in the background: each village renews its previous year's workers into the
/// year's programme (a few villages at a time), the progress and each village's rows written as
/// they come. A silo lost mid-way leaves the report so far and the state Interrupted; starting the
/// job again finishes it (renewal is idempotent: done workers come back "already renewed").
/// </summary>
[GrainType("renewal-job")]
internal sealed partial class RenewalJobGrain(
    [FromKeyedServices(StorageProvider.Name)] IGrainStorage storage,
    [FromKeyedServices(DomainClock.Key)] TimeProvider clock,
    RegionCatalog catalog,
    ILogger<RenewalJobGrain> logger) : Grain, IRenewalJobGrain
{
    private const int VillagesAtOnce = 4;
    private JobLog<RenewalJobStatus, RenewalJobRow> _log = null!;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _log = new JobLog<RenewalJobStatus, RenewalJobRow>(new GrainRows(storage, this.GetGrainId()), "renewal", clock);
        return _log.LoadAsync();
    }

    public async Task<RenewalJobStatus> Start(string regionCode, int year, Actor actor)
    {
        if (_log.Status is { } started) return started;
        var villages = Villages(catalog.Find(regionCode) ?? throw new ArgumentException($"No region {regionCode}.")).ToList();
        await _log.StartAsync(new RenewalJobStatus
        {
            Id = this.GetPrimaryKey(), State = ImportState.Running, Region = regionCode, Year = year, Owner = actor.Subject,
            Villages = villages.Count, StartedAt = clock.GetUtcNow(),
        });
        DelayDeactivation(TimeSpan.FromHours(2));
        _ = RunAsync(villages, year, actor);
        return _log.Status!;
    }

    public Task<RenewalJobStatus?> GetStatus() => Task.FromResult(_log.Status);

    public Task<IReadOnlyList<RenewalJobRow>> GetReport() => Task.FromResult<IReadOnlyList<RenewalJobRow>>([.. _log.Rows]);

    private async Task RunAsync(List<string> villages, int year, Actor actor)
    {
        try
        {
            using var slots = new SemaphoreSlim(VillagesAtOnce);
            await Task.WhenAll(villages.Select(async village =>
            {
                await slots.WaitAsync();
                try
                {
                    await RecordAsync(village, await RenewAsync(village, year, actor));
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
        await _log.EndAsync(ImportState.Completed);
        DelayDeactivation(TimeSpan.FromMinutes(30));
    }

    private async Task<RenewalAnswer> RenewAsync(string village, int year, Actor actor)
    {
        try
        {
            return await GrainFactory.Village(village).Renew(year, new RenewalRequest(), actor);
        }
        catch (Exception ex)
        {
            LogVillageFailed(ex, village);
            return RenewalAnswer.Refusal(year, Failures.StorageUnavailable with { Detail = "The village could not be reached; start the job again to finish it." });
        }
    }

    /// <summary>Counts a village's answer and writes its rows.</summary>
    private Task RecordAsync(string village, RenewalAnswer answer)
    {
        IReadOnlyList<RenewalJobRow> rows = answer.Failure is { } refused
            ? [new RenewalJobRow(village, null, null, RenewalResult.Refused, refused.Code.Slug(), refused.Detail)]
            : [.. answer.Results.Select(r => new RenewalJobRow(village, r.EnrollmentId, r.MaskedNik, r.Result, r.Failure?.Code.Slug(), r.Failure?.Detail))];
        return _log.AppendAsync(rows, status => status with
        {
            VillagesDone = status.VillagesDone + 1, VillagesRefused = status.VillagesRefused + (answer.Failure is null ? 0 : 1),
            Workers = status.Workers + answer.Workers, Renewed = status.Renewed + answer.Renewed,
            AlreadyRenewed = status.AlreadyRenewed + answer.AlreadyRenewed, HeldElsewhere = status.HeldElsewhere + answer.HeldElsewhere,
            OverBudget = status.OverBudget + answer.OverBudget, Refused = status.Refused + answer.Refused,
        });
    }

    private static IEnumerable<string> Villages(Region region) =>
        region.Level == RegionLevel.Village ? [region.Code] : region.Children.SelectMany(Villages);

    [LoggerMessage(Level = LogLevel.Error, Message = "Renewal job {Job} failed.")]
    private partial void LogFailed(Exception exception, Guid job);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Renewal job: village {Village} could not be reached; its workers are reported as not done.")]
    private partial void LogVillageFailed(Exception exception, string village);
}

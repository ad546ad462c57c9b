using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Villages.Regions;
using Villages.Storage;

namespace Villages.Renewals;

[GenerateSerializer, Immutable, Alias("Villages.RenewalJobState")]
public sealed record RenewalJobState([property: Id(0)] RenewalJobStatus Status, [property: Id(1)] int ReportPages);

[GenerateSerializer, Immutable, Alias("Villages.RenewalReportPage")]
public sealed record RenewalReportPage([property: Id(0)] RenewalJobRow[] Rows);

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
    private const string HeaderName = "renewal";
    private const int VillagesAtOnce = 4;
    private readonly List<RenewalJobRow> _rows = [];
    private readonly SemaphoreSlim _writing = new(1, 1);
    private GrainRows _store = null!;
    private RenewalJobStatus? _status;
    private int _pages;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _store = new GrainRows(storage, this.GetGrainId());
        if (await _store.ReadAsync<RenewalJobState>(HeaderName) is not { } header) return;
        (_status, _pages) = (header.Status, header.ReportPages);
        foreach (var page in await _store.ReadPagesAsync<RenewalReportPage>(PageName, _pages)) _rows.AddRange(page.Rows);
        if (_status.State == ImportState.Running)
        {
            _status = _status with { State = ImportState.Interrupted, FinishedAt = clock.GetUtcNow() };
            await WriteHeaderAsync();
        }
    }

    public async Task<RenewalJobStatus> Start(string regionCode, int year, Actor actor)
    {
        if (_status is not null) return _status;
        var villages = Villages(catalog.Find(regionCode) ?? throw new ArgumentException($"No region {regionCode}.")).ToList();
        _status = new RenewalJobStatus
        {
            Id = this.GetPrimaryKey(), State = ImportState.Running, Region = regionCode, Year = year, Owner = actor.Subject,
            Villages = villages.Count, StartedAt = clock.GetUtcNow(),
        };
        await RecordAsync(null, null);
        DelayDeactivation(TimeSpan.FromHours(2));
        _ = RunAsync(villages, year, actor);
        return _status;
    }

    public Task<RenewalJobStatus?> GetStatus() => Task.FromResult(_status);

    public Task<IReadOnlyList<RenewalJobRow>> GetReport() => Task.FromResult<IReadOnlyList<RenewalJobRow>>([.. _rows]);

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
        await _writing.WaitAsync();
        try
        {
            _status = _status! with { State = ImportState.Completed, FinishedAt = clock.GetUtcNow() };
            await WriteHeaderAsync();
        }
        finally
        {
            _writing.Release();
        }
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

    /// <summary>Counts a village's answer and writes its rows as a new page, with the header.</summary>
    private async Task RecordAsync(string? village, RenewalAnswer? answer)
    {
        await _writing.WaitAsync();
        try
        {
            var rows = answer is null || village is null ? []
                : answer.Failure is { } refused ? [new RenewalJobRow(village, null, null, RenewalResult.Refused, refused.Code.Slug(), refused.Detail)]
                : answer.Results.Select(r => new RenewalJobRow(village, r.EnrollmentId, r.MaskedNik, r.Result, r.Failure?.Code.Slug(), r.Failure?.Detail)).ToList();
            if (answer is not null)
            {
                _status = _status! with
                {
                    VillagesDone = _status.VillagesDone + 1, VillagesRefused = _status.VillagesRefused + (answer.Failure is null ? 0 : 1),
                    Workers = _status.Workers + answer.Workers, Renewed = _status.Renewed + answer.Renewed,
                    AlreadyRenewed = _status.AlreadyRenewed + answer.AlreadyRenewed, HeldElsewhere = _status.HeldElsewhere + answer.HeldElsewhere,
                    OverBudget = _status.OverBudget + answer.OverBudget, Refused = _status.Refused + answer.Refused,
                };
            }
            if (rows.Count > 0)
            {
                _rows.AddRange(rows);
                await _store.WriteAsync(PageName(_pages), new RenewalReportPage([.. rows]));
                _pages++;
            }
            await WriteHeaderAsync();
        }
        finally
        {
            _writing.Release();
        }
    }

    private Task WriteHeaderAsync() => _store.WriteAsync(HeaderName, new RenewalJobState(_status!, _pages));

    private static IEnumerable<string> Villages(Region region) =>
        region.Level == RegionLevel.Village ? [region.Code] : region.Children.SelectMany(Villages);

    private static string PageName(int page) => $"renewal-report-{page}";

    [LoggerMessage(Level = LogLevel.Error, Message = "Renewal job {Job} failed.")]
    private partial void LogFailed(Exception exception, Guid job);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Renewal job: village {Village} could not be reached; its workers are reported as not done.")]
    private partial void LogVillageFailed(Exception exception, string village);
}

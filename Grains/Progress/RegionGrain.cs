using System.Collections.Immutable;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Utilities;
using Villages.Domain;
using Villages.Regions;
using Villages.Storage;

namespace Villages.Progress;

/// <summary>
/// The rollup of a district, regency, province or the nation. Children report their current
/// figures with a version and the newest report wins, so a retry never double-counts. Changes are
/// pushed up at most once per interval, whatever the write rate below. Reentrant: reports, reads
/// and a parent's rebuild interleave safely because state only changes between awaits.
/// </summary>
[GrainType("region")]
[Reentrant]
internal sealed partial class RegionGrain(
    [FromKeyedServices(StorageProvider.Name)] IGrainStorage storage,
    RegionCatalog catalog,
    IOptions<ProgressOptions> options,
    FigureOptions figures,
    [FromKeyedServices(DomainClock.Key)] TimeProvider clock,
    ILogger<RegionGrain> logger) : Grain, IRegionGrain
{
    private const string StateName = "rollup.2";
    private const string FirstReleaseStateName = "rollup";
    private readonly Dictionary<string, ChildReport> _children = new(StringComparer.Ordinal);
    // A district's reading of each village's report on a day, kept until the report or the day changes:
    // a push re-reads only the villages that reported since, not all of them.
    private readonly Dictionary<string, (ChildReport? Report, DateOnly Day, ChildReport Read)> _readOn = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ChildReport> _empty = new(StringComparer.Ordinal);
    private Region _region = null!;
    private ObserverManager<IProgressObserver> _observers = null!;
    private GrainRows _rows = null!;
    private RegionProgress? _progress;
    private bool _dirty;
    private bool _rebuilding;
    // One timer for every push of this activation, moved with Change: a grain timer registered and
    // disposed at each push (several a second in a busy region) was a measurable share of its work.
    private IGrainTimer? _push;
    private bool _pushScheduled;
    private IGrainTimer? _dayWatch;
    private DateTimeOffset _lastPush;
    private DateOnly _today;
    private DateOnly _evaluatedOn;

    private ProgressOptions Options => options.Value;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var code = this.GetPrimaryKeyString();
        if (!catalog.TryGet(code, out _region) || _region.Level is RegionLevel.Village)
        {
            throw new ArgumentException($"'{code}' is not a region code of the reference data.");
        }
        _observers = new ObserverManager<IProgressObserver>(Options.SubscriptionLifetime, logger);
        _rows = new GrainRows(storage, this.GetGrainId());
        _today = Today;
        var stored = await _rows.ReadAsync<RegionState>(StateName);
        var state = stored ?? RegionState.Empty;
        foreach (var (child, report) in state.Children) _children[child] = report;
        // A first-release row holds figures without dates: rebuild them from the children, as after a crash.
        var firstRelease = stored is null && await _rows.ReadAsync<FirstReleaseRegionState>(FirstReleaseStateName) is not null;
        // From now on, a crash must be noticed by the next activation.
        await WriteAsync(clean: false);
        // No row: no child has ever been heard, nothing to rebuild. A row left unclean: a crash.
        if (stored is { Clean: false } || firstRelease) _ = RebuildAsync();
        WatchTheDay();
        // What this region stopped with may never have reached its parent (the push died with it),
        // and a parent never asks a child it has not heard of: tell the parent now.
        if (_region.Level != RegionLevel.Nation)
        {
            _dirty = true;
            SchedulePush(TimeSpan.Zero);
        }
        // Likewise the children: ask them again now if this row may be behind them, then regularly.
        if (_region.Level != RegionLevel.District)
        {
            var now = stored is { Clean: true } ? TimeSpan.Zero : Options.ResyncInterval;
            this.RegisterGrainTimer(ResyncAsync, new GrainTimerCreationOptions(now, Options.ResyncInterval) { Interleave = true });
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _push?.Dispose();
        _dayWatch?.Dispose();
        if (_rebuilding) return; // half-rebuilt figures must not be taken for the truth
        try
        {
            await WriteAsync(clean: true);
        }
        catch (Exception ex)
        {
            LogSaveFailed(ex, _region.Code); // the next activation rebuilds instead
        }
    }

    public Task Report(ChildReport report)
    {
        Accept(report);
        return Task.CompletedTask;
    }

    public Task<RegionProgress> GetProgress() => Task.FromResult(Progress());

    public Task<ChildReport> GetReport() => Task.FromResult(ReportOf(Progress()));

    public async Task<VillageCodePage> GetNotStarted(int offset, int limit)
    {
        var progress = Progress();
        var total = _region.VillageCount - progress.Figures.Workers.VillagesWithProgram;
        var started = progress.Children.ToDictionary(static c => c.Code, static c => c.Figures.Workers.VillagesWithProgram, StringComparer.Ordinal);
        var codes = ImmutableArray.CreateBuilder<string>();
        if (_region.Level == RegionLevel.District)
        {
            codes.AddRange(_region.Children
                .Where(v => started.GetValueOrDefault(v.Code) == 0)
                .Skip(offset).Take(limit).Select(static v => v.Code));
            return new VillageCodePage(codes.ToImmutable(), total);
        }
        // Skip whole children by their counts; ask only the children the page falls in.
        foreach (var child in _region.Children)
        {
            if (codes.Count >= limit) break;
            var notStarted = child.VillageCount - started.GetValueOrDefault(child.Code);
            if (offset >= notStarted) { offset -= notStarted; continue; }
            var page = await GrainFactory.Region(child.Code).GetNotStarted(offset, limit - codes.Count);
            codes.AddRange(page.Codes);
            offset = 0;
        }
        return new VillageCodePage(codes.ToImmutable(), total);
    }

    public Task Subscribe(IProgressObserver observer)
    {
        _observers.Subscribe(observer, observer);
        return Task.CompletedTask;
    }

    public Task Unsubscribe(IProgressObserver observer)
    {
        _observers.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    private void Accept(ChildReport report)
    {
        if (_children.TryGetValue(report.Code, out var known) && !report.IsNewerThan(known)) return;
        _children[report.Code] = report;
        _progress = null;
        _dirty = true;
        // At once if the last push is an interval old; otherwise one interval after it. Either way at
        // most one push per interval, but a quiet region does not sit on a fresh change.
        var wait = _lastPush + Options.PushInterval - clock.GetUtcNow();
        SchedulePush(wait > TimeSpan.Zero ? wait : TimeSpan.Zero);
    }

    /// <summary>
    /// A push already scheduled keeps its time (it sends whatever changed until it runs). Asked
    /// while a push runs, the next one is due that long after it ends (the timer defers a change
    /// made during its own tick), so pushes never overlap.
    /// </summary>
    private void SchedulePush(TimeSpan due)
    {
        if (_pushScheduled) return;
        _pushScheduled = true;
        if (_push is null) _push = this.RegisterGrainTimer(PushAsync, new GrainTimerCreationOptions(due, Timeout.InfiniteTimeSpan) { Interleave = true });
        else _push.Change(due, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Sends the figures up and to the screens, at most once per interval.</summary>
    private async Task PushAsync(CancellationToken cancellationToken)
    {
        _pushScheduled = false; // from here, a change needs the next push
        if (_rebuilding || !_dirty) return;
        _dirty = false;
        _lastPush = clock.GetUtcNow();
        var progress = Progress();
        await _observers.Notify(o => o.OnProgress(progress));
        if (_region.Level == RegionLevel.Nation) return;
        try
        {
            await GrainFactory.Region(_region.Parent!.Code).Report(ReportOf(progress));
        }
        catch (Exception ex)
        {
            LogPushFailed(ex, _region.Code);
            _dirty = true; // try again next interval
            SchedulePush(Options.PushInterval);
        }
    }

    /// <summary>
    /// Asks every child heard of for its figures again; newer ones replace what was heard. A child
    /// that was lost with its silo comes back from its row (and rebuilds if it stopped uncleanly).
    /// A district's villages need no asking: each reports before it answers, and again when it wakes.
    /// </summary>
    private async Task ResyncAsync(CancellationToken cancellationToken)
    {
        if (_rebuilding) return;
        await Task.WhenAll(_children.Keys.ToList().Select(async child =>
        {
            try
            {
                Accept(await GrainFactory.Region(child).GetReport());
            }
            catch (Exception ex)
            {
                LogResyncFailed(ex, _region.Code, child); // asked again next time
            }
        }));
    }

    /// <summary>After a crash: ask every child for its current figures (a district asks its villages), retrying the silent ones.</summary>
    private async Task RebuildAsync()
    {
        _rebuilding = true;
        _progress = null;
        IReadOnlyList<Region> pending = _region.Children;
        for (var delay = TimeSpan.FromSeconds(1); pending.Count > 0; delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(30).Ticks)))
        {
            var failed = await Task.WhenAll(pending.Select(async child =>
            {
                try
                {
                    Accept(await (_region.Level == RegionLevel.District
                        ? GrainFactory.Village(child.Code).GetReport()
                        : GrainFactory.Region(child.Code).GetReport()));
                    return null;
                }
                catch (Exception ex)
                {
                    LogRebuildFailed(ex, _region.Code, child.Code);
                    return child;
                }
            }));
            pending = failed.OfType<Region>().ToList();
            if (pending.Count > 0) await Task.Delay(delay);
        }
        LogRebuilt(_region.Code, _region.Children.Count);
        _rebuilding = false;
        _progress = null;
        _dirty = true;
        SchedulePush(TimeSpan.Zero);
    }

    /// <summary>
    /// The region's figures today. A district reads each village's report on today's date (the
    /// report carries its later figures); a higher region sums what its children last reported. A
    /// higher region's figures are for the oldest day its children reported for: they are today's
    /// (and complete) once every child heard of has reported today, as after midnight or a restart.
    /// </summary>
    private RegionProgress Progress()
    {
        var today = Today;
        if (_progress is not null && _evaluatedOn == today) return _progress;
        _evaluatedOn = today;
        var district = _region.Level == RegionLevel.District;
        var children = _region.Children
            .Select(c => district ? ReadOn(c.Code, today) : _children.GetValueOrDefault(c.Code) ?? EmptyOf(c.Code))
            .ToImmutableArray();
        var day = district || _children.Count == 0 ? today : _children.Values.Min(static c => c.Day);
        if (day > today) day = today;
        var sum = Figures.Sum(children.Select(static c => c.Figures), today, figures);
        return _progress = new RegionProgress(_region.Code, sum, children, children.Sum(static c => c.Version), clock.GetUtcNow(), !_rebuilding && day == today, day);
    }

    /// <summary>A child that has not reported yet: one empty report per child, not one per push.</summary>
    private ChildReport EmptyOf(string child)
    {
        if (!_empty.TryGetValue(child, out var empty)) _empty[child] = empty = ChildReport.Empty(child);
        return empty;
    }

    /// <summary>A village's report as its district reads it on a day (none yet: an empty one).</summary>
    private ChildReport ReadOn(string village, DateOnly today)
    {
        var known = _children.GetValueOrDefault(village);
        if (_readOn.TryGetValue(village, out var read) && read.Day == today && ReferenceEquals(read.Report, known)) return read.Read;
        var report = known ?? ChildReport.Empty(village);
        var fresh = new ChildReport { Code = report.Code, Figures = Figures.VillageOn(report, today, figures), Version = report.Version, Day = today };
        _readOn[village] = (known, today, fresh);
        return fresh;
    }

    private ChildReport ReportOf(RegionProgress progress) =>
        new() { Code = _region.Code, Figures = progress.Figures, Version = progress.Version, Day = progress.Day };

    private DateOnly Today => CoverageCalendar.LocalDate(clock.GetUtcNow());

    /// <summary>
    /// Moves the figures at WIB midnight with no request: a district reads its villages' reports on
    /// the new day, a higher region asks its children again; both push. The watch wakes at the next
    /// midnight of the domain clock, and at least every <see cref="ProgressOptions.DayCheck"/> in case
    /// the clock jumped.
    /// </summary>
    private void WatchTheDay()
    {
        _dayWatch?.Dispose();
        var now = clock.GetUtcNow();
        var midnight = CoverageCalendar.StartOf(CoverageCalendar.LocalDate(now).AddDays(1)) - now + TimeSpan.FromMilliseconds(50);
        var due = midnight < Options.DayCheck ? midnight : Options.DayCheck;
        _dayWatch = this.RegisterGrainTimer(NewDayAsync, new GrainTimerCreationOptions(due, Timeout.InfiniteTimeSpan) { Interleave = true });
    }

    private async Task NewDayAsync(CancellationToken cancellationToken)
    {
        try
        {
            var today = Today;
            if (today == _today) return;
            _today = today;
            LogNewDay(_region.Code, today);
            _progress = null;
            _dirty = true;
            SchedulePush(TimeSpan.Zero);
            if (_region.Level != RegionLevel.District) await ResyncAsync(cancellationToken);
        }
        finally
        {
            WatchTheDay();
        }
    }

    private Task WriteAsync(bool clean) =>
        _rows.WriteAsync(StateName, new RegionState(_children.ToImmutableDictionary(StringComparer.Ordinal), clean));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Region {Region}: pushing figures to the parent failed; retrying next interval.")]
    private partial void LogPushFailed(Exception exception, string region);

    [LoggerMessage(Level = LogLevel.Information, Message = "Region {Region}: rebuilt from {Children} children after an unclean stop.")]
    private partial void LogRebuilt(string region, int children);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Region {Region}: child {Child} did not answer the rebuild; asking again.")]
    private partial void LogRebuildFailed(Exception exception, string region, string child);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Region {Region}: child {Child} did not answer the resync; asking again next interval.")]
    private partial void LogResyncFailed(Exception exception, string region, string child);

    [LoggerMessage(Level = LogLevel.Information, Message = "Region {Region}: a new day, {Day}; figures move.")]
    private partial void LogNewDay(string region, DateOnly day);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Region {Region}: saving the rollup failed; the next activation will rebuild.")]
    private partial void LogSaveFailed(Exception exception, string region);
}

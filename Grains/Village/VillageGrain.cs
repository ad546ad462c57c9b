using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using Microsoft.Extensions.Options;
using Villages.Domain;
using Villages.Progress;
using Villages.Regions;
using Villages.Registry;

namespace Villages.Village;

/// <summary>
/// One village. Reentrant so that concurrent enrolments share storage writes (Chirper-style), with
/// the invariants kept by the plain <see cref="VillageLedger"/>: money is reserved synchronously
/// before any await, and calls about the same worker run one after another.
/// </summary>
[GrainType("village")]
[Reentrant]
internal sealed partial class VillageGrain(
    [FromKeyedServices(VillageStorageOptions.ProviderName)] IGrainStorage storage,
    VillageRules rules,
    NikRegistry registry,
    [FromKeyedServices(Hosting.VillagesHosting.ClockKey)] TimeProvider clock,
    VillageMetrics metrics,
    IOptions<ProgressOptions> progress,
    ILogger<VillageGrain> logger) : Grain, IVillageGrain
{
    private readonly Dictionary<string, Task> _busyEnrollments = new(StringComparer.Ordinal);
    private readonly HashSet<string> _workersInFlight = new(StringComparer.Ordinal);
    private Region _village = null!;
    private VillageStore _store = null!;
    private VillageLedger _ledger = null!;
    private CoalescingWriter _writer = null!;
    private CoalescingWriter _reporter = null!;
    private IGrainTimer? _reportRetry;

    private string Code => _village.Code;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var code = this.GetPrimaryKeyString();
        if (!rules.Regions.TryGet(code, out _village) || _village.Level != RegionLevel.Village)
        {
            throw new ArgumentException($"'{code}' is not a village code of the reference data.");
        }
        _store = new VillageStore(storage, this.GetGrainId(), code, rules.Protector, rules.Keys, rules.Storage.EnrollmentsPerPage);
        var enrollments = await _store.LoadAsync();
        _ledger = new VillageLedger(code, _store.Header.Program, enrollments);
        _writer = new CoalescingWriter(_store.WriteAsync);
        _reporter = new CoalescingWriter(() => GrainFactory.Region(_village.Parent!.Code).Report(Report()));
        // After a crash the district may have missed this village's last change: tell it again.
        if (_store.Version > 0) _ = ReportAsync();
    }

    public Task<VillageSnapshot> GetSnapshot() => Task.FromResult(Snapshot());

    public async Task<ProgramChangeOutcome> SetProgram(ProgramTerms terms, Actor actor)
    {
        var header = _store.Header;
        if (terms == header.Program) return new ProgramChangeOutcome(Snapshot(), false, null);
        if (_ledger.ChangeProgram(terms, rules.Program, _village.Kind!.Value) is { } refused)
        {
            return new ProgramChangeOutcome(null, false, refused);
        }
        var now = clock.GetUtcNow();
        var entry = ChangeNotes.Make(actor, now, header.Program is null ? ChangeKind.ProgramOpened : ChangeKind.ProgramChanged,
            terms.BudgetAllocated - (header.Program?.BudgetAllocated ?? 0), ChangeNotes.Program(header.Program, terms));
        _store.SetHeader(header with { Program = terms, OpenedAt = header.OpenedAt ?? now, UpdatedAt = now, History = [.. header.History ?? [], entry] });
        return await PersistAsync() is { } failure
            ? new ProgramChangeOutcome(null, false, failure)
            : new ProgramChangeOutcome(Snapshot(), header.Program is null, null);
    }

    public async Task<EnrollmentOutcome> Enroll(EnrollmentRequest request, Actor actor) => (await EnrollBatch([request], actor))[0];

    public async Task<IReadOnlyList<EnrollmentOutcome>> EnrollBatch(IReadOnlyList<EnrollmentRequest> requests, Actor actor)
    {
        var outcomes = new EnrollmentOutcome[requests.Count];
        var today = CoverageCalendar.LocalDate(clock.GetUtcNow());
        var rows = new List<Row>(requests.Count);
        for (var i = 0; i < requests.Count; i++)
        {
            if (rules.Enrollment.TryValidate(requests[i], today, out var valid, out var invalid))
            {
                rows.Add(new Row(i, valid, rules.Keys.EnrollmentId(Code, valid.Nik), rules.Keys.RegistryKey(valid.Nik)));
            }
            else
            {
                outcomes[i] = Reject(invalid);
            }
        }
        // The same worker twice in one batch: later rows go in a later round, after the earlier landed.
        foreach (var round in rows.GroupBy(static r => r.Id).SelectMany(static g => g.Select((row, n) => (row, n))).GroupBy(static x => x.n).Select(static g => g.Select(x => x.row).ToList()))
        {
            await OneAtATimePerWorker(round.Select(static r => r.Id), () => EnrollRoundAsync(round, actor, outcomes));
        }
        return outcomes;
    }

    public async Task<WithdrawalOutcome> Withdraw(string enrollmentId, Actor actor)
    {
        var unknown = new WithdrawalOutcome(null, 0, 0, new Failure(FailureCode.EnrollmentNotFound, $"Village {Code} has no enrolment with that id."));
        if (_ledger.Find(enrollmentId) is null) return unknown;
        return await OneAtATimePerWorker([enrollmentId], async () =>
        {
            var now = clock.GetUtcNow();
            if (!_ledger.TryPlanWithdrawal(enrollmentId, now, actor, out var withdrawal))
            {
                // Already withdrawn: withdrawing again changes nothing and refunds nothing.
                return _ledger.Find(enrollmentId) is { } done ? new WithdrawalOutcome(done.ToView(Code), 0, 0, null) : unknown;
            }
            var worker = withdrawal.Before.NikKey;
            _workersInFlight.Add(worker);
            try
            {
                _ledger.Apply(withdrawal);
                _store.PutAll([withdrawal.After]);
                if (await PersistAsync() is { } failure) return new WithdrawalOutcome(null, 0, 0, failure);
            }
            finally
            {
                _workersInFlight.Remove(worker);
            }
            metrics.Withdrawn(withdrawal.Refund);
            await ReleaseClaimAsync(worker);
            return new WithdrawalOutcome(withdrawal.After.ToView(Code), withdrawal.Refund, withdrawal.MonthsRefunded, null);
        });
    }

    public Task<EnrollmentView?> GetEnrollment(string enrollmentId) => Task.FromResult(_ledger.Find(enrollmentId)?.ToView(Code));

    public Task<EnrollmentPage> ListEnrollments(int offset, int limit)
    {
        var items = _ledger.Enrollments
            .OrderBy(static e => e.EnrolledAt).ThenBy(static e => e.Id, StringComparer.Ordinal)
            .Skip(offset).Take(limit).Select(e => e.ToView(Code)).ToList();
        return Task.FromResult(new EnrollmentPage(items, _ledger.Count, offset, limit));
    }

    public Task<ChildReport> GetReport() => Task.FromResult(Report());

    public Task<IReadOnlyList<EnrollmentExport>> ExportEnrollments()
    {
        var today = CoverageCalendar.LocalDate(clock.GetUtcNow());
        IReadOnlyList<EnrollmentExport> rows = [.. _ledger.Enrollments
            .Where(static e => e.IsActive)
            .OrderBy(static e => e.EnrolledAt)
            .Select(e =>
            {
                // The NIK was valid when enrolled; its facts are read back without the age limits of today.
                Nik.TryValidate(e.Nik, today, Unlimited, out var facts, out _);
                return new EnrollmentExport(e.Id, e.Nik, e.Name, facts.BirthDate, facts.Sex == Sex.Female, e.Occupation, e.MonthlyIncome,
                    e.Programs, e.MonthlyPremium, e.CoverageMonths, e.CoverageStart, e.CoverageEnd, e.EnrolledAt, e.AgentId);
            })];
        return Task.FromResult(rows);
    }

    private static readonly EnrollmentOptions Unlimited = new() { MinimumAgeYears = 0, MaximumAgeYears = 200 };

    public Task<HistoryPage> GetHistory(int offset, int limit)
    {
        var programme = (_store.Header.History ?? []).Select(static c => new HistoryEntry(c, null, null));
        var workers = _ledger.Enrollments.SelectMany(e => e.History.Select(c => new HistoryEntry(c, e.Id, Nik.Mask(e.Nik))));
        var all = programme.Concat(workers).OrderByDescending(static h => h.Change.At).ToList();
        return Task.FromResult(new HistoryPage([.. all.Skip(offset).Take(limit)], all.Count, offset, limit));
    }

    public Task<bool> HoldsWorker(string nikKey) => Task.FromResult(_ledger.HoldsWorker(nikKey) || _workersInFlight.Contains(nikKey));

    private async Task<int> EnrollRoundAsync(List<Row> round, Actor actor, EnrollmentOutcome[] outcomes)
    {
        var now = clock.GetUtcNow();
        var planned = new List<(Row Row, EnrollmentChange Change)>();
        foreach (var row in round)
        {
            if (!_ledger.TryPlan(row.Valid, row.Id, row.NikKey, now, actor, out var change, out var refused))
            {
                outcomes[row.Index] = Reject(refused);
            }
            else if (!change.ChangesState)
            {
                outcomes[row.Index] = Accept(change);
            }
            else
            {
                _ledger.Reserve(change);
                _workersInFlight.Add(row.NikKey);
                planned.Add((row, change));
            }
        }
        try
        {
            var claims = await Task.WhenAll(planned.Select(p => p.Change.NeedsClaim ? ClaimAsync(p.Row.NikKey) : Task.FromResult<Failure?>(null)));
            var applied = new List<(Row Row, EnrollmentChange Change)>();
            for (var k = 0; k < planned.Count; k++)
            {
                var (row, change) = planned[k];
                if (claims[k] is { } refused)
                {
                    _ledger.CancelReservation(change);
                    outcomes[row.Index] = Reject(refused);
                    continue;
                }
                _ledger.Apply(change);
                applied.Add((row, change));
            }
            _store.PutAll([.. applied.Select(static a => a.Change.After)]);
            var failure = applied.Count > 0 ? await PersistAsync() : null;
            foreach (var (row, change) in applied)
            {
                outcomes[row.Index] = failure is null ? Accept(change) : Reject(failure);
            }
        }
        finally
        {
            foreach (var (row, _) in planned) _workersInFlight.Remove(row.NikKey);
        }
        return planned.Count;
    }

    /// <summary>
    /// Claims the worker nationally; null when granted, else why not. A holder that no longer has
    /// the worker (a withdrawal whose release was lost, a crash between claim and write) is asked,
    /// and the claim moves here only if the registry row did not change in between.
    /// </summary>
    private async Task<Failure?> ClaimAsync(string nikKey)
    {
        try
        {
            for (var attempt = 0; attempt < 5; attempt++)
            {
                var claim = await registry.ClaimAsync(nikKey, Code);
                if (claim.Granted) return null;
                if (claim.Holder is null) continue; // a claim committed just now by another silo: look again
                if (await GrainFactory.Village(claim.Holder).HoldsWorker(nikKey))
                {
                    return new Failure(FailureCode.EnrolledElsewhere,
                        $"This worker is already enrolled in village {claim.Holder}; withdraw them there first.",
                        "nik", OtherVillage: claim.Holder);
                }
                if (await registry.TakeOverAsync(nikKey, claim.Holder, claim.Version, Code)) return null;
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogRegistryUnavailable(ex, Code);
        }
        return StorageUnavailable();
    }

    private async Task ReleaseClaimAsync(string nikKey)
    {
        try
        {
            await registry.ReleaseAsync(nikKey, Code);
        }
        catch (Exception ex)
        {
            // Harmless: a later claim asks this village before honouring the stale row.
            LogReleaseFailed(ex, Code);
        }
    }

    /// <summary>
    /// Writes what changed, then tells the district before the caller is answered, so an
    /// acknowledged write is always in the rollups. On a failed write the activation goes, so the
    /// next one reloads the truth.
    /// </summary>
    private async Task<Failure?> PersistAsync()
    {
        try
        {
            await _writer.WriteAsync();
        }
        catch (Exception ex)
        {
            LogStorageFailed(ex, Code);
            DeactivateOnIdle();
            return StorageUnavailable();
        }
        await ReportAsync();
        return null;
    }

    private async Task ReportAsync()
    {
        try
        {
            await _reporter.WriteAsync();
        }
        catch (Exception ex)
        {
            // The write is durable; try again shortly (and a district that lost reports rebuilds from its villages).
            LogReportFailed(ex, Code);
            _reportRetry ??= this.RegisterGrainTimer(async _ =>
            {
                _reportRetry?.Dispose();
                _reportRetry = null;
                await ReportAsync();
            }, new GrainTimerCreationOptions(TimeSpan.FromSeconds(2), Timeout.InfiniteTimeSpan) { Interleave = true, KeepAlive = true });
        }
    }

    private ChildReport Report() => new(Code,
        Progress.Figures.OfVillage(Code, _ledger, CoverageCalendar.LocalDate(clock.GetUtcNow()), progress.Value), _store.Version);

    private async Task<T> OneAtATimePerWorker<T>(IEnumerable<string> enrollmentIds, Func<Task<T>> action)
    {
        var ids = enrollmentIds.ToList();
        while (ids.Select(id => _busyEnrollments.GetValueOrDefault(id)).FirstOrDefault(static t => t is not null) is { } busy)
        {
            await busy;
        }
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        foreach (var id in ids) _busyEnrollments[id] = done.Task;
        try
        {
            return await action();
        }
        finally
        {
            foreach (var id in ids) _busyEnrollments.Remove(id);
            done.SetResult();
        }
    }

    private EnrollmentOutcome Accept(EnrollmentChange change)
    {
        metrics.Accepted(change.Result, change.BudgetDelta);
        return new EnrollmentOutcome(change.Result, change.After.ToView(Code), null);
    }

    private EnrollmentOutcome Reject(Failure failure)
    {
        metrics.Rejected(failure.Code);
        return EnrollmentOutcome.Rejected(failure);
    }

    private static Failure StorageUnavailable() =>
        new(FailureCode.StorageUnavailable, "The ledger could not be saved just now; nothing was lost. Retry the same request: it is idempotent.");

    private VillageSnapshot Snapshot() => new(
        Code, _ledger.Program, _ledger.Committed, _ledger.ActiveCount, _ledger.MonthlyPremiums, _ledger.Status,
        _store.Header.OpenedAt, _store.Header.UpdatedAt);

    private sealed record Row(int Index, ValidEnrollment Valid, string Id, string NikKey);

    [LoggerMessage(Level = LogLevel.Error, Message = "Village {Village}: saving state failed; the activation will reload from storage.")]
    private partial void LogStorageFailed(Exception exception, string village);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Village {Village}: reporting to the district failed.")]
    private partial void LogReportFailed(Exception exception, string village);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Village {Village}: the national registry could not be reached.")]
    private partial void LogRegistryUnavailable(Exception exception, string village);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Village {Village}: releasing a withdrawn worker's registry claim failed; it will be repaired on the next claim.")]
    private partial void LogReleaseFailed(Exception exception, string village);
}

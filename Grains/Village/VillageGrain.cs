using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using Microsoft.Extensions.Options;
using Villages.Domain;
using Villages.Progress;
using Villages.Regions;
using Villages.Registry;
using Villages.Storage;

namespace Villages.Village;

/// <summary>
/// One village. Reentrant so that concurrent enrolments share storage writes (Chirper-style), with
/// the invariants kept by the plain <see cref="VillageLedger"/>: money is reserved synchronously
/// before any await, and calls about the same worker run one after another.
/// </summary>
[GrainType("village")]
[Reentrant]
internal sealed partial class VillageGrain(
    [FromKeyedServices(StorageProvider.Name)] IGrainStorage storage,
    VillageRules rules,
    NikRegistry registry,
    [FromKeyedServices(DomainClock.Key)] TimeProvider clock,
    VillageMetrics metrics,
    IOptions<ProgressOptions> progress,
    ILogger<VillageGrain> logger) : Grain, IVillageGrain
{
    private readonly WorkersInFlight _inFlight = new();
    private NationalClaims _claims = null!;
    private Region _village = null!;
    private VillageStore _store = null!;
    private VillageLedger _ledger = null!;
    private CoalescingWriter _writer = null!;
    private CoalescingWriter _reporter = null!;
    // The figures as storage has them: reports never run ahead of a write that might still fail.
    private ChildReport _durable = null!;
    private IGrainTimer? _reportRetry;

    private string Code => _village.Code;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var code = this.GetPrimaryKeyString();
        if (!rules.Regions.TryGet(code, out _village) || _village.Level != RegionLevel.Village)
        {
            throw new ArgumentException($"'{code}' is not a village code of the reference data.");
        }
        _store = new VillageStore(new GrainRows(storage, this.GetGrainId()), code, rules.Protector, rules.Keys, rules.Storage.EnrollmentsPerPage);
        var enrollments = await _store.LoadAsync();
        _ledger = new VillageLedger(code, _store.Header.Program, enrollments);
        _durable = new ChildReport(code, Figures(), _store.Version);
        _writer = new CoalescingWriter(WriteAsync);
        _reporter = new CoalescingWriter(() => GrainFactory.Region(_village.Parent!.Code).Report(_durable));
        _claims = new NationalClaims(registry, GrainFactory, code, logger);
        // After a crash the district may have missed this village's last change: tell it again.
        if (_store.Version > 0) _ = ReportAsync();
    }

    public Task<VillageView> GetVillage() => Task.FromResult(View());

    public async Task<ProgramChangeOutcome> SetProgram(ProgramTerms terms, Actor actor)
    {
        var header = _store.Header;
        if (terms == header.Program) return new ProgramChangeOutcome(View(), false, null);
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
            : new ProgramChangeOutcome(View(), header.Program is null, null);
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
            await _inFlight.OneAtATime(round.Select(static r => r.Id), () => EnrollRoundAsync(round, actor, outcomes));
        }
        return outcomes;
    }

    public async Task<WithdrawalOutcome> Withdraw(string enrollmentId, Actor actor)
    {
        var unknown = new WithdrawalOutcome(null, 0, 0, new Failure(FailureCode.EnrollmentNotFound, $"Village {Code} has no enrolment with that id."));
        if (_ledger.Find(enrollmentId) is null) return unknown;
        return await _inFlight.OneAtATime([enrollmentId], async () =>
        {
            var now = clock.GetUtcNow();
            if (!_ledger.TryPlanWithdrawal(enrollmentId, now, actor, out var withdrawal))
            {
                // Already withdrawn: withdrawing again changes nothing and refunds nothing.
                return _ledger.Find(enrollmentId) is { } done ? new WithdrawalOutcome(done.ToView(Code), 0, 0, null) : unknown;
            }
            var worker = withdrawal.Before.NikKey;
            _inFlight.Hold(worker);
            try
            {
                _ledger.Apply(withdrawal);
                _store.PutAll([withdrawal.After]);
                if (await PersistAsync() is { } failure) return new WithdrawalOutcome(null, 0, 0, failure);
            }
            finally
            {
                _inFlight.Let(worker);
            }
            metrics.Withdrawn(withdrawal.Refund);
            await _claims.ReleaseAsync(worker);
            return new WithdrawalOutcome(withdrawal.After.ToView(Code), withdrawal.Refund, withdrawal.MonthsRefunded, null);
        });
    }

    public Task<EnrollmentView?> GetEnrollment(string enrollmentId) => Task.FromResult(_ledger.Find(enrollmentId)?.ToView(Code));

    public Task<EnrollmentPage> ListEnrollments(int offset, int limit) => Task.FromResult(VillageQueries.List(_ledger, offset, limit));

    public Task<ChildReport> GetReport() => Task.FromResult(_durable);

    public Task<IReadOnlyList<EnrollmentExport>> ExportEnrollments() =>
        Task.FromResult(VillageQueries.Export(_ledger, CoverageCalendar.LocalDate(clock.GetUtcNow())));

    public Task<HistoryPage> GetHistory(int offset, int limit) => Task.FromResult(VillageQueries.History(_ledger, _store.Header, offset, limit));

    public Task<bool> HoldsWorker(string nikKey) => Task.FromResult(_ledger.HoldsWorker(nikKey) || _inFlight.Holds(nikKey));

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
                _inFlight.Hold(row.NikKey);
                planned.Add((row, change));
            }
        }
        try
        {
            var claims = await Task.WhenAll(planned.Select(p => p.Change.NeedsClaim ? _claims.ClaimAsync(p.Row.NikKey) : Task.FromResult<Failure?>(null)));
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
            foreach (var (row, _) in planned) _inFlight.Let(row.NikKey);
        }
        return planned.Count;
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
            return Failures.StorageUnavailable;
        }
        try
        {
            await ReportAsync().WaitAsync(progress.Value.ReportWait);
        }
        catch (TimeoutException)
        {
            // Acknowledged all the same: the report goes on (and retries) behind the answer.
        }
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

    /// <summary>Writes every change applied so far; once written, their figures are the ones to report.</summary>
    private async Task WriteAsync()
    {
        var figures = Figures(); // what this write will make durable: the store snapshots the same moment
        await _store.WriteAsync();
        _durable = new ChildReport(Code, figures, _store.Version);
    }

    private RegionFigures Figures() =>
        Domain.Figures.OfVillage(Code, _ledger, CoverageCalendar.LocalDate(clock.GetUtcNow()), rules.Figures);

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

    private VillageView View() => VillageQueries.View(_village, _ledger, _store.Header, rules.Program.Options.DefaultTargetWorkers);

    private sealed record Row(int Index, ValidEnrollment Valid, string Id, string NikKey);

    [LoggerMessage(Level = LogLevel.Error, Message = "Village {Village}: saving state failed; the activation will reload from storage.")]
    private partial void LogStorageFailed(Exception exception, string village);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Village {Village}: reporting to the district failed.")]
    private partial void LogReportFailed(Exception exception, string village);

}

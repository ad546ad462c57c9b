using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Villages.Domain;
using Villages.Progress;
using Villages.Regions;
using Villages.Registry;
using Villages.Storage;

namespace Villages.Village;

/// <summary>
/// One village. Reentrant so that concurrent enrolments share storage writes (Chirper-style), with
/// the invariants kept by the plain <see cref="VillageLedger"/>: money is reserved synchronously
/// before any await, and calls about the same worker run one after another. Everything that
/// depends on the date reads the domain clock (WIB days); nothing is written when a day passes.
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

    private DateOnly Today => CoverageCalendar.LocalDate(clock.GetUtcNow());

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var code = this.GetPrimaryKeyString();
        if (!rules.Regions.TryGet(code, out _village) || _village.Level != RegionLevel.Village)
        {
            throw new ArgumentException($"'{code}' is not a village code of the reference data.");
        }
        _store = new VillageStore(new GrainRows(storage, this.GetGrainId()), code, rules.Protector, rules.Keys, rules.Storage.EnrollmentsPerPage);
        var enrollments = await _store.LoadAsync();
        _ledger = new VillageLedger(code, _store.Programmes, enrollments, rules.Dues);
        _durable = Report();
        _writer = new CoalescingWriter(WriteAsync);
        _reporter = new CoalescingWriter(() => GrainFactory.Region(_village.Parent!.Code).Report(_durable));
        _claims = new NationalClaims(registry, GrainFactory, code, logger);
        // After a crash the district may have missed this village's last change: tell it again.
        if (_store.Version > 0) _ = ReportAsync();
        // Workers enrolled before the registry kept its history (the first release): record them, once.
        if (!_store.Header.HistoryRecorded && _ledger.Count > 0) _ = RecordHistoryAsync();
        Settle(); // memberships that ended for arrears while the village slept
    }

    private async Task RecordHistoryAsync()
    {
        try
        {
            await registry.RecordHistoryAsync(Code, [.. _ledger.Enrollments.Select(static e => e.NikKey)]);
            _store.MarkHistoryRecorded();
        }
        catch (Exception ex)
        {
            LogHistoryFailed(ex, Code); // tried again at the next activation
        }
    }

    public Task<VillageView> GetVillage() => Task.FromResult(View());

    public async Task<ProgramChangeOutcome> SetPrograms(int? year, IReadOnlyList<ProgramRequest> requests, Actor actor)
    {
        var now = clock.GetUtcNow();
        var budgetYear = year ?? CoverageCalendar.Year(now);
        if (rules.Program.CheckYear(budgetYear, Today) is { } badYear) return new ProgramChangeOutcome(null, false, badYear);
        // All of them or none: every programme is checked before any is recorded.
        var changes = new List<(Programme? Before, Programme After)>();
        foreach (var request in requests)
        {
            if (!rules.Program.TryResolve(budgetYear, request, _village.Kind!.Value, _ledger.Programmes.Select(static p => p.Key), out var key, out var terms, out var invalid))
            {
                return new ProgramChangeOutcome(null, false, invalid);
            }
            if (changes.Any(c => c.After.Key == key))
            {
                return new ProgramChangeOutcome(null, false, new Failure(FailureCode.DuplicateProgram,
                    $"Two programmes for {key} in one request: a year has one programme per funder (and cohort).", "fundingSource"));
            }
            if (_ledger.CheckProgram(key, terms, rules.Program, _village.Kind!.Value) is { } refused) return new ProgramChangeOutcome(null, false, refused);
            var before = _ledger.Programme(key);
            changes.Add((before, new Programme(key, terms, before?.OpenedAt ?? now, now)));
        }
        changes.RemoveAll(static c => c.Before?.Terms == c.After.Terms);
        if (changes.Count == 0) return new ProgramChangeOutcome(View(), false, null);
        var entries = changes.Select(c => ChangeNotes.Make(actor, now, c.Before is null ? ChangeKind.ProgramOpened : ChangeKind.ProgramChanged,
            c.After.Terms.BudgetAllocated - (c.Before?.Terms.BudgetAllocated ?? 0), ChangeNotes.Program(c.After.Key, c.Before?.Terms, c.After.Terms))).ToList();
        foreach (var (_, after) in changes) _ledger.Apply(after);
        foreach (var entry in entries) _store.SetProgrammes(_ledger.Programmes, entry);
        return await PersistAsync() is { } failure
            ? new ProgramChangeOutcome(null, false, failure)
            : new ProgramChangeOutcome(View(), changes.Any(static c => c.Before is null), null);
    }

    public async Task<EnrollmentOutcome> Enroll(EnrollmentRequest request, Actor actor) => (await EnrollBatch([request], actor))[0];

    public async Task<IReadOnlyList<EnrollmentOutcome>> EnrollBatch(IReadOnlyList<EnrollmentRequest> requests, Actor actor)
    {
        var outcomes = new EnrollmentOutcome[requests.Count];
        var today = Today;
        var rows = new List<Row>(requests.Count);
        for (var i = 0; i < requests.Count; i++)
        {
            if (rules.Enrollment.TryValidate(requests[i], today, out var valid, out var invalid))
            {
                rows.Add(new Row(i, valid, rules.Keys.EnrollmentId(Code, valid.Nik), rules.Keys.RegistryKey(valid.Nik), requests[i]));
            }
            else
            {
                outcomes[i] = Reject(invalid);
            }
        }
        var agents = new Dictionary<string, Failure?>(StringComparer.Ordinal); // each agent asked about once per batch
        // The same worker twice in one batch: later rows go in a later round, after the earlier landed.
        foreach (var round in rows.GroupBy(static r => r.Id).SelectMany(static g => g.Select((row, n) => (row, n))).GroupBy(static x => x.n).Select(static g => g.Select(x => x.row).ToList()))
        {
            await _inFlight.OneAtATime(round.Select(static r => r.Id), () => EnrollRoundAsync(round, actor, outcomes, agents));
        }
        return outcomes;
    }

    public async Task<WithdrawalOutcome> Withdraw(string enrollmentId, Actor actor)
    {
        var unknown = new WithdrawalOutcome(null, 0, 0, new Failure(FailureCode.EnrollmentNotFound, $"Village {Code} has no enrolment with that id."));
        if (_ledger.Find(enrollmentId) is null) return unknown;
        return await _inFlight.OneAtATime([enrollmentId], async () =>
        {
            if (!_ledger.TryPlanWithdrawal(enrollmentId, clock.GetUtcNow(), actor, out var withdrawal))
            {
                // Not held any more (withdrawn, ended, terminated): withdrawing changes nothing and refunds nothing.
                return _ledger.Find(enrollmentId) is { } done ? new WithdrawalOutcome(done.ToView(Code, Today), 0, 0, null) : unknown;
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
            return new WithdrawalOutcome(withdrawal.After.ToView(Code, Today), withdrawal.Refund, withdrawal.MonthsRefunded, null);
        });
    }

    public Task<EnrollmentView?> GetEnrollment(string enrollmentId) => Task.FromResult(_ledger.Find(enrollmentId)?.ToView(Code, Today));

    public Task<EnrollmentPage> ListEnrollments(int offset, int limit) => Task.FromResult(VillageQueries.List(_ledger, Today, offset, limit));

    public Task<EnrollmentPage> ListEndingSoon(int offset, int limit) =>
        Task.FromResult(VillageQueries.EndingSoon(_ledger, Today, rules.Figures.EndingWindowDays, offset, limit));

    public Task<ChildReport> GetReport() => Task.FromResult(_durable);

    public Task<IReadOnlyList<EnrollmentExport>> ExportEnrollments() => Task.FromResult(VillageQueries.Export(_ledger, Today));

    public Task<IReadOnlyList<EnrollmentExport>> ExportChanges(DateTimeOffset since) => Task.FromResult(VillageQueries.Changes(_ledger, since, clock.GetUtcNow()));

    public Task<HistoryPage> GetHistory(int offset, int limit) => Task.FromResult(VillageQueries.History(_ledger, _store.Header, offset, limit));

    public Task<bool> HoldsWorker(string nikKey) => Task.FromResult(_ledger.HoldsWorker(nikKey, Today) || _inFlight.Holds(nikKey));

    public Task<CoverageAnswer?> CoverageOn(string nikKey, DateOnly day) => Task.FromResult(VillageQueries.CoverageOn(_ledger, Code, nikKey, day));

    private async Task<int> EnrollRoundAsync(List<Row> round, Actor actor, EnrollmentOutcome[] outcomes, Dictionary<string, Failure?> agents)
    {
        var agentRefusals = await AgentRefusalsAsync(round, agents); // before any money is reserved
        var now = clock.GetUtcNow();
        var today = CoverageCalendar.LocalDate(now);
        var planned = new List<(int Index, EnrollmentChange Change)>();
        foreach (var row in round)
        {
            var explicitProgramme = row.Request.Year is not null || row.Request.FundingSource is not null || row.Request.Cohort is not null;
            if (agentRefusals.GetValueOrDefault(row.Index) is { } agentRefused)
            {
                outcomes[row.Index] = Reject(agentRefused);
            }
            else if (!TryProgramme(row, today, explicitProgramme, out var program, out var refused)
                || !_ledger.TryPlan(row.Valid, program, explicitProgramme, row.Id, row.NikKey, now, actor, out var change, out refused))
            {
                outcomes[row.Index] = Reject(refused);
            }
            else if (!change.ChangesState)
            {
                outcomes[row.Index] = Accept(change, today);
            }
            else
            {
                _ledger.Reserve(change); // at once: the next row is planned against what is left
                planned.Add((row.Index, change));
            }
        }
        var failures = await ApplyAsync(planned);
        foreach (var (index, change) in planned) outcomes[index] = failures[index] is { } failed ? Reject(failed) : Accept(change, today);
        return planned.Count;
    }

    /// <summary>The programme a row joins: a worker held here stays in theirs unless the row names another.</summary>
    private bool TryProgramme(Row row, DateOnly today, bool explicitProgramme, out ProgramKey program, out Failure failure)
    {
        failure = null!;
        if (!explicitProgramme && _ledger.Find(row.Id) is { } held && held.HoldsOn(today))
        {
            program = held.CurrentOn(today).Program;
            return true;
        }
        var year = row.Request.Year ?? today.Year;
        if (rules.Program.CheckYear(year, today) is { } badYear)
        {
            (program, failure) = (null!, badYear);
            return false;
        }
        return rules.Program.TryChoose(year, row.Request.FundingSource, row.Request.Cohort, _ledger.Programmes.Select(static p => p.Key), Code, out program, out failure);
    }

    /// <summary>
    /// Claims the workers of reserved changes that need it in the national registry, applies what
    /// was granted and writes it (one write for all). Returns each refusal by the index it was
    /// planned under.
    /// </summary>
    private async Task<Dictionary<int, Failure?>> ApplyAsync(List<(int Index, EnrollmentChange Change)> planned)
    {
        var failures = planned.ToDictionary(static p => p.Index, static _ => (Failure?)null);
        foreach (var (_, change) in planned) _inFlight.Hold(change.After.NikKey);
        try
        {
            var claims = await Task.WhenAll(planned.Select(p => p.Change.NeedsClaim ? _claims.ClaimAsync(p.Change.After.NikKey) : Task.FromResult<Failure?>(null)));
            var applied = new List<(int Index, EnrollmentChange Change)>();
            for (var k = 0; k < planned.Count; k++)
            {
                var (index, change) = planned[k];
                if (claims[k] is { } refused)
                {
                    _ledger.CancelReservation(change);
                    failures[index] = refused;
                    continue;
                }
                _ledger.Apply(change);
                applied.Add((index, change));
            }
            _store.PutAll([.. applied.Select(static a => a.Change.After)]);
            if (applied.Count > 0 && await PersistAsync() is { } failure)
            {
                foreach (var (index, _) in applied) failures[index] = failure;
            }
        }
        finally
        {
            foreach (var (_, change) in planned) _inFlight.Let(change.After.NikKey);
        }
        return failures;
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
        var today = Today;
        var report = Report(today); // what this write will make durable: the store snapshots the same moment
        await _store.WriteAsync();
        _durable = report with { Version = _store.Version };
    }

    private ChildReport Report(DateOnly? today = null) => Domain.Figures.Report(Code, _ledger, today ?? Today, _store.Version, rules.Figures);

    private EnrollmentOutcome Accept(EnrollmentChange change, DateOnly today)
    {
        metrics.Accepted(change.Result, change.BudgetDelta);
        return new EnrollmentOutcome(change.Result, change.After.ToView(Code, today), null);
    }

    private EnrollmentOutcome Reject(Failure failure)
    {
        metrics.Rejected(failure.Code);
        return EnrollmentOutcome.Rejected(failure);
    }

    private VillageView View() => VillageQueries.View(_village, _ledger, Today, rules.Program.Options.DefaultTargetWorkers, rules.Figures.EndingWindowDays);

    private sealed record Row(int Index, ValidEnrollment Valid, string Id, string NikKey, EnrollmentRequest Request);

    [LoggerMessage(Level = LogLevel.Error, Message = "Village {Village}: saving state failed; the activation will reload from storage.")]
    private partial void LogStorageFailed(Exception exception, string village);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Village {Village}: recording its workers in the registry's history failed; retried at the next activation.")]
    private partial void LogHistoryFailed(Exception exception, string village);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Village {Village}: reporting to the district failed.")]
    private partial void LogReportFailed(Exception exception, string village);
}

namespace Villages;

/// <summary>
/// One village (desa, desa adat or kelurahan), keyed by its Kemendagri code (PP.RR.DD.VVVV).
/// Holds the programme and the enrolments, and enforces the budget and the one-village rule.
/// </summary>
[Alias("Villages.IVillageGrain")]
public interface IVillageGrain : IGrainWithStringKey
{
    /// <summary>The village, its programme, its enrolments and status: aggregates, no personal data.</summary>
    [Alias("GetVillage")]
    Task<VillageView> GetVillage();

    /// <summary>
    /// Opens or changes programmes of a budget year (this year, WIB, when null): one per funder and
    /// cohort; several at once are all recorded or none.
    /// </summary>
    [Alias("SetPrograms")]
    Task<ProgramChangeOutcome> SetPrograms(int? year, IReadOnlyList<ProgramRequest> requests, Actor actor);

    [Alias("Enroll")]
    Task<EnrollmentOutcome> Enroll(EnrollmentRequest request, Actor actor);

    /// <summary>Many workers in one call: each row gets its own outcome, a bad row never blocks good ones.</summary>
    [Alias("EnrollBatch")]
    Task<IReadOnlyList<EnrollmentOutcome>> EnrollBatch(IReadOnlyList<EnrollmentRequest> requests, Actor actor);

    [Alias("Withdraw")]
    Task<WithdrawalOutcome> Withdraw(string enrollmentId, Actor actor);

    /// <summary>The active enrolments with their NIKs in full (and the programme's funding), for a BPJS collective registration.</summary>
    [Alias("ExportEnrollments")]
    Task<IReadOnlyList<EnrollmentExport>> ExportEnrollments();

    /// <summary>Only what changed since a moment: workers new, renewed or whose coverage ended (NIKs in full), for BPJS.</summary>
    [Alias("ExportChanges")]
    Task<IReadOnlyList<EnrollmentExport>> ExportChanges(DateTimeOffset since);

    /// <summary>The village's audit trail, newest first.</summary>
    [Alias("GetHistory")]
    Task<HistoryPage> GetHistory(int offset, int limit);

    [Alias("GetEnrollment")]
    Task<EnrollmentView?> GetEnrollment(string enrollmentId);

    [Alias("ListEnrollments")]
    Task<EnrollmentPage> ListEnrollments(int offset, int limit);

    /// <summary>Workers whose coverage ends within 30 days and is not renewed, soonest first: the ones to renew.</summary>
    [Alias("ListEndingSoon")]
    Task<EnrollmentPage> ListEndingSoon(int offset, int limit);

    /// <summary>Renews the previous period's workers (or those named) into a year's programme.</summary>
    [Alias("Renew")]
    Task<RenewalAnswer> Renew(int year, RenewalRequest request, Actor actor);

    /// <summary>A programme's months (what is due to BPJS, by when, what was paid) and arrears; the year's only one of the cohort unless named.</summary>
    [Alias("GetDues")]
    Task<DuesOutcome> GetDues(int year, string? fundingSource, string? cohort);

    /// <summary>Records a payment to BPJS for months of a programme; the same reference again changes nothing.</summary>
    [Alias("RecordPayment")]
    Task<PaymentOutcome> RecordPayment(int year, PaymentRequest request, Actor actor);

    /// <summary>Restores workers whose membership in a year's programme ended for arrears (a BPJS branch, once the late funds arrived).</summary>
    [Alias("Reinstate")]
    Task<ReinstatementAnswer> Reinstate(int year, ReinstatementRequest request, Actor actor);

    /// <summary>Records what BPJS's result file says of this village's workers (KPJ, registration day, refusal); the same again changes nothing.</summary>
    [Alias("Reconcile")]
    Task<IReadOnlyList<ReconciliationRowResult>> Reconcile(IReadOnlyList<ReconciliationRow> rows, Actor actor);

    /// <summary>Whether this village covered the worker (by registry key) on a day; null when it never enrolled them.</summary>
    [Alias("CoverageOn")]
    Task<CoverageAnswer?> CoverageOn(string nikKey, DateOnly day);

    /// <summary>
    /// Asked by the national NIK registry when another village claims this worker: does this
    /// village hold (or is it enrolling right now) the worker with this registry key?
    /// </summary>
    [Alias("HoldsWorker")]
    Task<bool> HoldsWorker(string nikKey);

    /// <summary>This village's figures for its district (today's and every later day's), versioned by its storage writes.</summary>
    [Alias("GetReport")]
    Task<ChildReport> GetReport();
}

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

    [Alias("SetProgram")]
    Task<ProgramChangeOutcome> SetProgram(ProgramTerms terms, Actor actor);

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

    /// <summary>The village's audit trail, newest first.</summary>
    [Alias("GetHistory")]
    Task<HistoryPage> GetHistory(int offset, int limit);

    [Alias("GetEnrollment")]
    Task<EnrollmentView?> GetEnrollment(string enrollmentId);

    [Alias("ListEnrollments")]
    Task<EnrollmentPage> ListEnrollments(int offset, int limit);

    /// <summary>
    /// Asked by the national NIK registry when another village claims this worker: does this
    /// village hold (or is it enrolling right now) the worker with this registry key?
    /// </summary>
    [Alias("HoldsWorker")]
    Task<bool> HoldsWorker(string nikKey);

    /// <summary>This village's figures for its district, versioned by its storage writes.</summary>
    [Alias("GetReport")]
    Task<ChildReport> GetReport();
}

using System.Diagnostics.Metrics;

namespace Villages.Village;

/// <summary>
/// The product's own instruments (meter "Villages"). Tags are low-cardinality words, never a NIK,
/// a name or a village code.
/// </summary>
public sealed class VillageMetrics
{
    public const string MeterName = "Villages";

    private readonly Counter<long> _enrollments;
    private readonly Counter<long> _rejections;
    private readonly Counter<long> _committed;
    private readonly Counter<long> _refunded;
    private readonly Counter<long> _withdrawals;

    public VillageMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _enrollments = meter.CreateCounter<long>("villages.enrollments", "{enrollment}", "Enrolment calls accepted, by result (created, unchanged, repriced, updated).");
        _rejections = meter.CreateCounter<long>("villages.enrollment.rejections", "{enrollment}", "Enrolment calls refused, by reason.");
        _committed = meter.CreateCounter<long>("villages.premiums.committed", "IDR", "Rupiah of premiums newly committed from village budgets.");
        _refunded = meter.CreateCounter<long>("villages.premiums.refunded", "IDR", "Rupiah of premiums returned to village budgets by withdrawals and re-pricing.");
        _withdrawals = meter.CreateCounter<long>("villages.withdrawals", "{enrollment}", "Enrolments withdrawn.");
    }

    public void Accepted(EnrollmentResult result, long budgetDelta)
    {
        _enrollments.Add(1, new KeyValuePair<string, object?>("result", Word(result)));
        if (budgetDelta > 0) _committed.Add(budgetDelta);
        else if (budgetDelta < 0) _refunded.Add(-budgetDelta);
    }

    public void Rejected(FailureCode reason) =>
        _rejections.Add(1, new KeyValuePair<string, object?>("reason", reason.Slug()));

    public void Withdrawn(long refund)
    {
        _withdrawals.Add(1);
        if (refund > 0) _refunded.Add(refund);
    }

    private static string Word(EnrollmentResult result) => result.ToString().ToLowerInvariant();
}

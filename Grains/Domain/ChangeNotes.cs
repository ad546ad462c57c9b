namespace Villages.Domain;

/// <summary>
/// The "what" of an audit entry, in words an auditor reads: amounts in rupiah, before and after.
/// Never a name or a NIK.
/// </summary>
public static class ChangeNotes
{
    public static Change Make(Actor actor, DateTimeOffset at, ChangeKind kind, long budgetDelta, string what) =>
        new(at, kind, actor.Subject, actor.Role, actor.TraceId, budgetDelta, what);

    public static string Program(ProgramKey key, ProgramTerms? before, ProgramTerms after)
    {
        var which = $"{key.Year}{(key.Cohort == Cohort.Apparatus ? " apparatus" : "")}: ";
        if (before is null)
        {
            return which + $"target {after.TargetWorkers} workers, budget {Rupiah.Format(after.BudgetAllocated)}, {after.CoverageMonths} months, funding {after.FundingSource}";
        }
        var parts = new List<string>();
        if (before.TargetWorkers != after.TargetWorkers) parts.Add($"target {before.TargetWorkers} -> {after.TargetWorkers}");
        if (before.BudgetAllocated != after.BudgetAllocated) parts.Add($"budget {Rupiah.Format(before.BudgetAllocated)} -> {Rupiah.Format(after.BudgetAllocated)}");
        if (before.CoverageMonths != after.CoverageMonths) parts.Add($"coverage {before.CoverageMonths} -> {after.CoverageMonths} months");
        if (before.FundingSource != after.FundingSource) parts.Add($"funding {before.FundingSource} -> {after.FundingSource}");
        return which + string.Join("; ", parts);
    }

    public static string Enrolled(Enrollment e) =>
        $"{e.Occupation}, income {Rupiah.Format(e.MonthlyIncome)}, {Programs(e.Programs)}, {Block(e.Latest)}"
        + (e.AgentId is null ? "" : $", agent {e.AgentId}");

    public static string Renewed(CoverageBlock block) => $"into {block.Program}, {Block(block)}";

    private static string Block(CoverageBlock b) => $"{Rupiah.Format(b.MonthlyPremium)}/month x {b.Months} from {b.FirstMonth:yyyy-MM}";

    public static string Edited(Enrollment before, Enrollment after)
    {
        var parts = new List<string>();
        if (before.MonthlyIncome != after.MonthlyIncome) parts.Add($"income {Rupiah.Format(before.MonthlyIncome)} -> {Rupiah.Format(after.MonthlyIncome)}");
        if (before.Programs != after.Programs) parts.Add($"{Programs(before.Programs)} -> {Programs(after.Programs)}");
        if (before.Latest.MonthlyPremium != after.Latest.MonthlyPremium) parts.Add($"premium {Rupiah.Format(before.Latest.MonthlyPremium)} -> {Rupiah.Format(after.Latest.MonthlyPremium)}/month");
        if (before.Name != after.Name) parts.Add("name corrected");
        if (before.Occupation != after.Occupation) parts.Add($"occupation {before.Occupation} -> {after.Occupation}");
        if (before.AgentId != after.AgentId) parts.Add($"agent {before.AgentId ?? "none"} -> {after.AgentId ?? "none"}");
        return string.Join("; ", parts);
    }

    public static string Withdrawn(int monthsRefunded, long refund) => $"{monthsRefunded} months not begun refunded, {Rupiah.Format(refund)}";

    public static string Terminated(CoverageBlock block, int monthsAllowed) =>
        $"{block.Program}: more than {monthsAllowed} months in arrears, membership ended (berakhir kepesertaan); covered until {block.End:yyyy-MM-dd}";

    public static string Reinstated(CoverageBlock block, string reason) => $"{block.Program}: membership restored, covered until {block.End:yyyy-MM-dd}; reason: {reason}";

    public static string Payment(ProgramKey key, Payment p) =>
        $"{key}: payment {p.Reference} of {Rupiah.Format(p.Amount)} for {string.Join(", ", p.Months.Select(static m => m.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture)))}, " +
        $"paid on {p.PaidOn:yyyy-MM-dd}; expected {Rupiah.Format(p.Expected)}" +
        (p.Amount > p.Expected ? $", overpaid {Rupiah.Format(p.Amount - p.Expected)}" : p.Amount < p.Expected ? $", underpaid {Rupiah.Format(p.Expected - p.Amount)}" : "");

    private static string Programs(Villages.Programs programs) => string.Join("+", ProgramNames.Of(programs));
}

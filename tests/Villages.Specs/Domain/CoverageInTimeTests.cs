using Villages.Domain;
using static Villages.Specs.Domain.TestData;

namespace Villages.Specs.Domain;

/// <summary>Coverage in time: blocks that end, budget years, funders, renewals.</summary>
public class CoverageInTimeTests
{
    private static readonly DateTimeOffset December1 = new(2026, 12, 1, 3, 0, 0, TimeSpan.Zero);
    private static readonly ProgramKey Year2027 = new(2027, FundingSource.SD, Cohort.Vulnerable);

    private static DateOnly Day(int year, int month, int day) => new(year, month, day);

    [Fact]
    public void A_block_covers_to_the_end_of_its_last_paid_month_then_the_worker_is_ended_and_free()
    {
        var ledger = Ledger(Campaign(months: 1));
        var enrolled = ledger.Enroll(Request()).After;

        Assert.Equal(Day(2026, 11, 30), enrolled.Latest.End);
        Assert.Equal(EnrollmentStatus.Active, enrolled.StatusOn(Day(2026, 11, 30)));
        Assert.True(ledger.HoldsWorker(Keys.RegistryKey(WomanNik), Day(2026, 11, 30)));
        Assert.Equal(EnrollmentStatus.Ended, enrolled.StatusOn(Day(2026, 12, 1)));
        Assert.False(ledger.HoldsWorker(Keys.RegistryKey(WomanNik), Day(2026, 12, 1)));
        Assert.Equal((1, 0), (ledger.Covered(Day(2026, 11, 30)), ledger.Covered(Day(2026, 12, 1))));
        Assert.Equal(UsualMonthly, ledger.Committed()); // an ended block stays paid
    }

    [Fact]
    public void A_worker_whose_coverage_ended_is_enrolled_again_as_new_and_keeps_the_earlier_period()
    {
        var ledger = Ledger(Campaign(months: 1));
        ledger.Enroll(Request());

        var again = ledger.Enroll(Request(), December1);

        Assert.Equal(EnrollmentResult.Created, again.Result);
        Assert.True(again.NeedsClaim);
        Assert.Equal(2, again.After.Blocks.Length);
        Assert.Equal((Day(2026, 12, 1), Day(2026, 12, 31)), (again.After.Latest.Start, again.After.Latest.End));
        Assert.Equal(2 * UsualMonthly, ledger.Committed());
    }

    [Fact]
    public void Two_funders_in_one_year_are_two_programmes_and_a_worker_is_in_one_at_a_time()
    {
        var ledger = Ledger();
        var sa = new ProgramKey(2026, FundingSource.SA, Cohort.Vulnerable);
        ledger.Apply(new Programme(sa, Campaign(funding: FundingSource.SA), Now, Now));
        Assert.True(ledger.TryPlan(Valid(Request()), Year2026(), true, IdOf(WomanNik), Keys.RegistryKey(WomanNik), Now, Operator, out var change, out _));
        ledger.Reserve(change);
        ledger.Apply(change);

        Assert.False(ledger.TryPlan(Valid(Request()), sa, true, IdOf(WomanNik), Keys.RegistryKey(WomanNik), Now, Operator, out _, out var refused));

        Assert.Equal(FailureCode.AlreadyCovered, refused.Code);
        Assert.Contains("2026 SD", refused.Detail);
        Assert.Equal((UsualYear, 0L), (ledger.Committed(Year2026()), ledger.Committed(sa)));
    }

    [Fact]
    public void A_worker_joins_the_years_only_programme_or_the_one_named()
    {
        var keys = new[] { Year2026(), Year2026(FundingSource.SA) };

        Assert.True(ProgramChecks.TryChoose(2026, "sa", null, keys, VillageCode, out var named, out _));
        Assert.Equal(Year2026(FundingSource.SA), named);
        Assert.False(ProgramChecks.TryChoose(2026, null, null, keys, VillageCode, out _, out var several));
        Assert.Equal((FailureCode.ProgramNotChosen, "fundingSource"), (several.Code, several.Field));
        Assert.False(ProgramChecks.TryChoose(2027, null, null, keys, VillageCode, out _, out var none));
        Assert.Equal(FailureCode.ProgramNotOpen, none.Code);
        Assert.True(ProgramChecks.TryChoose(2026, null, null, [Year2026()], VillageCode, out var only, out _));
        Assert.Equal(Year2026(), only);
    }

    [Theory]
    [InlineData(2023)]
    [InlineData(2028)]
    [InlineData(1)]
    public void A_budget_year_far_from_today_is_refused(int year)
    {
        Assert.Equal(FailureCode.InvalidYear, ProgramChecks.CheckYear(year, Today)?.Code);
    }

    [Theory]
    [InlineData(2024)]
    [InlineData(2026)]
    [InlineData(2027)]
    public void Last_years_this_year_and_next_year_are_open(int year)
    {
        Assert.Null(ProgramChecks.CheckYear(year, Today));
    }

    [Fact]
    public void A_renewal_starts_the_day_after_the_old_block_ends()
    {
        var ledger = Ledger().With2027();
        var enrolled = ledger.Enroll(Request()).After;

        var result = ledger.PlanRenewal(enrolled, Year2027, UsualMonthly, Now.AddDays(300), Operator, out var change, out _);

        Assert.Equal(RenewalResult.Renewed, result);
        Assert.False(change.NeedsClaim); // still held here: no gap
        Assert.Equal((Day(2027, 11, 1), Day(2027, 11, 1), Day(2028, 10, 31)), (change.After.Latest.Start, change.After.Latest.FirstMonth, change.After.Latest.End));
        Assert.Equal(Day(2028, 10, 31), change.After.ChainEndFrom(Day(2027, 10, 31)));
    }

    [Fact]
    public void A_renewal_after_a_gap_starts_on_the_renewal_day_and_claims_the_worker_again()
    {
        var ledger = Ledger(Campaign(months: 1)).With2027();
        var enrolled = ledger.Enroll(Request()).After;
        var february = new DateTimeOffset(2027, 2, 10, 3, 0, 0, TimeSpan.Zero);

        Assert.Equal(RenewalResult.Renewed, ledger.PlanRenewal(enrolled, Year2027, UsualMonthly, february, Operator, out var change, out _));

        Assert.True(change.NeedsClaim);
        Assert.Equal((Day(2027, 2, 10), Day(2028, 1, 31)), (change.After.Latest.Start, change.After.Latest.End));
    }

    [Fact]
    public void Renewing_again_changes_nothing()
    {
        var ledger = Ledger().With2027();
        ledger.Enroll(Request());
        var renewal = Renew(ledger, WomanNik);

        Assert.Equal(RenewalResult.AlreadyRenewed, ledger.PlanRenewal(renewal, Year2027, UsualMonthly, Now, Operator, out _, out _));
    }

    [Fact]
    public void A_renewal_is_never_over_budget()
    {
        var ledger = Ledger().With2027(Campaign(budget: UsualYear + 1));
        ledger.Enroll(Request(Worker(1)));
        ledger.Enroll(Request(Worker(2)));
        Renew(ledger, Worker(1));

        var result = ledger.PlanRenewal(ledger.Find(IdOf(Worker(2)))!, Year2027, UsualMonthly, Now, Operator, out _, out var refused);

        Assert.Equal(RenewalResult.OverBudget, result);
        Assert.Equal((FailureCode.BudgetExceeded, 1L), (refused.Code, refused.Remaining));
        Assert.Equal(UsualYear, ledger.Committed(Year2027));
    }

    [Fact]
    public void A_withdrawn_worker_is_enrolled_again_not_renewed()
    {
        var ledger = Ledger().With2027();
        ledger.Enroll(Request());
        ledger.Withdraw(WomanNik, Now.AddDays(1));

        Assert.Equal(RenewalResult.Refused, ledger.PlanRenewal(ledger.Find(IdOf(WomanNik))!, Year2027, UsualMonthly, Now.AddDays(2), Operator, out _, out var refused));
        Assert.Contains("enrol them again", refused.Detail);
    }

    [Fact]
    public void Effective_coverage_counts_six_paid_months_fully_and_fewer_in_proportion()
    {
        var ledger = Ledger(Campaign(months: 3));
        ledger.Enroll(Request(Worker(1)));
        ledger.Enroll(Request(Worker(2)));

        var figures = Figures.OfVillage(VillageCode, ledger, Today, new FigureOptions());

        Assert.Equal(2 * 3, figures.Workers.EffectiveSixths); // 2 workers x 3 months = one worker's worth
        Assert.Equal(2, figures.Workers.WorkersCovered);
    }

    [Fact]
    public void A_villages_report_carries_its_figures_for_the_days_coverage_ends_and_a_year_begins()
    {
        var ledger = Ledger(Campaign(targetWorkers: 1, months: 1));
        ledger.Enroll(Request());
        var report = Figures.Report(VillageCode, ledger, Today, version: 1, new FigureOptions());
        var options = new FigureOptions();

        var today = Figures.VillageOn(report, Today, options);
        var december = Figures.VillageOn(report, Day(2026, 12, 1), options);
        var january = Figures.VillageOn(report, Day(2027, 1, 1), options);

        Assert.Equal((1, 1, 1, 1), (today.Workers.VillagesWithProgram, today.Workers.VillagesAtTarget, today.Workers.WorkersCovered, today.Workers.EndingWithin30Days));
        Assert.Equal((1, 0, 0, 0), (december.Workers.VillagesWithProgram, december.Workers.VillagesAtTarget, december.Workers.WorkersCovered, december.Workers.EndingWithin30Days));
        Assert.Equal(0, january.Workers.VillagesWithProgram); // no programme for 2027
        Assert.Equal([Day(2026, 12, 1), Day(2027, 1, 1)], report.Later.Select(static l => l.From));
        Assert.Equal(1, report.Figures.Years[2026].WorkersEnrolled);
    }

    [Fact]
    public void A_renewed_worker_is_not_ending_soon()
    {
        var ledger = Ledger(Campaign(months: 1)).With2027();
        ledger.Enroll(Request());
        Assert.Equal(1, Figures.VillageOn(Figures.Report(VillageCode, ledger, Today, 1, new FigureOptions()), Today, new FigureOptions()).Workers.EndingWithin30Days);

        Renew(ledger, WomanNik);

        Assert.Equal(0, Figures.VillageOn(Figures.Report(VillageCode, ledger, Today, 2, new FigureOptions()), Today, new FigureOptions()).Workers.EndingWithin30Days);
    }

    [Fact]
    public void Village_apparatus_are_counted_apart_from_vulnerable_workers()
    {
        var ledger = Ledger();
        var apparatus = new ProgramKey(2026, FundingSource.SD, Cohort.Apparatus);
        ledger.Apply(new Programme(apparatus, Campaign(targetWorkers: 8, budget: 5_000_000), Now, Now));
        ledger.Enroll(Request(Worker(1)));
        var secretary = Valid(Request(Worker(2), income: 2_000_000, occupation: "sekretaris-desa") with { Cohort = "apparatus" });
        Assert.True(ledger.TryPlan(secretary, apparatus, true, IdOf(Worker(2)), Keys.RegistryKey(Worker(2)), Now, Operator, out var change, out _));
        ledger.Reserve(change);
        ledger.Apply(change);

        var figures = Figures.OfVillage(VillageCode, ledger, Today, new FigureOptions());

        Assert.Equal((1, 100L, UsualMonthly), (figures.Workers.WorkersCovered, figures.Workers.WorkerTarget, figures.Workers.MonthlyPremiums));
        Assert.Equal((1, 8L, 10_800L), (figures.Apparatus.WorkersCovered, figures.Apparatus.WorkerTarget, figures.Apparatus.MonthlyPremiums));
        Assert.DoesNotContain("sekretaris-desa", figures.Occupations.Keys);
    }

    private static Enrollment Renew(VillageLedger ledger, string nik)
    {
        Assert.Equal(RenewalResult.Renewed, ledger.PlanRenewal(ledger.Find(IdOf(nik))!, Year2027, UsualMonthly, Now, Operator, out var change, out var failure));
        ledger.Reserve(change);
        ledger.Apply(change);
        return change.After;
    }
}

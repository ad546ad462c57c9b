using Villages.Tests.Infrastructure;
using static Villages.Tests.Infrastructure.Workers;

namespace Villages.Tests.Grains;

[Collection(GrainCollection.Name)]
public sealed class VillageGrainTests(GrainFixture fixture)
{
    private IVillageGrain NewVillage(out string code)
    {
        code = fixture.NextVillage();
        return fixture.Grains.GetGrain<IVillageGrain>(code);
    }

    private static ProgramTerms Budget(long amount, int target = 100, int months = 12) => new(target, amount, months, FundingSource.SD);

    [Fact]
    public async Task A_village_without_a_programme_is_not_started_and_refuses_enrolments()
    {
        var village = NewVillage(out _);
        Assert.Equal(VillageStatus.NotStarted, (await village.GetVillage()).Status);
        var outcome = await village.Enroll(Worker(), TestActors.Operator);
        Assert.Equal(FailureCode.ProgramNotOpen, outcome.Failure?.Code);
    }

    [Fact]
    public async Task Enrolling_commits_twelve_months_of_the_usual_package()
    {
        var village = NewVillage(out var code);
        Assert.True((await village.SetProgram(Budget(20_160_000), TestActors.Operator)).Created);
        var outcome = await village.Enroll(Worker(), TestActors.Operator);
        Assert.Equal(EnrollmentResult.Created, outcome.Result);
        Assert.Equal(16_800, outcome.Enrollment!.MonthlyPremium);
        Assert.Equal(YearOfUsualPackage, outcome.Enrollment.Commitment);
        Assert.StartsWith("3510********", outcome.Enrollment.MaskedNik);
        var snapshot = await village.GetVillage();
        Assert.Equal((1, YearOfUsualPackage, 20_160_000 - YearOfUsualPackage), (snapshot.ActiveEnrollments, snapshot.Program!.BudgetCommitted, snapshot.Program!.BudgetRemaining));
        Assert.Equal(code, outcome.Enrollment.VillageCode);
    }

    [Fact]
    public async Task The_same_enrolment_twice_charges_once()
    {
        var village = NewVillage(out _);
        await village.SetProgram(Budget(20_160_000), TestActors.Operator);
        var worker = Worker();
        var first = await village.Enroll(worker, TestActors.Operator);
        var second = await village.Enroll(worker, TestActors.Operator);
        Assert.Equal((EnrollmentResult.Created, EnrollmentResult.Unchanged), (first.Result, second.Result));
        Assert.Equal(first.Enrollment!.EnrollmentId, second.Enrollment!.EnrollmentId);
        Assert.Equal(YearOfUsualPackage, (await village.GetVillage()).Program!.BudgetCommitted);
    }

    [Fact]
    public async Task A_changed_income_or_programme_set_reprices_within_the_budget()
    {
        var village = NewVillage(out _);
        await village.SetProgram(Budget(YearOfUsualPackage + 100_000), TestActors.Operator);
        var worker = Worker();
        await village.Enroll(worker, TestActors.Operator);
        var richer = await village.Enroll(worker with { MonthlyIncome = 1_500_000 }, TestActors.Operator);
        Assert.Equal(EnrollmentResult.Repriced, richer.Result);
        Assert.Equal((15_000 + 6_800) * 12, richer.Enrollment!.Commitment);
        var withJht = await village.Enroll(worker with { Programs = ["JKK", "JKM", "JHT"] }, TestActors.Operator);
        Assert.Equal(FailureCode.BudgetExceeded, withJht.Failure?.Code);
        Assert.Equal((15_000 + 6_800) * 12, (await village.GetVillage()).Program!.BudgetCommitted);
        var renamed = await village.Enroll(worker with { MonthlyIncome = 1_500_000, Name = "Siti A." }, TestActors.Operator);
        Assert.Equal(EnrollmentResult.Updated, renamed.Result);
    }

    [Fact]
    public async Task The_target_is_a_goal_not_a_cap()
    {
        var village = NewVillage(out _);
        await village.SetProgram(Budget(3 * YearOfUsualPackage, target: 2), TestActors.Operator);
        for (var i = 0; i < 3; i++) Assert.Equal(EnrollmentResult.Created, (await village.Enroll(Worker(), TestActors.Operator)).Result);
        var snapshot = await village.GetVillage();
        Assert.Equal((3, VillageStatus.AtTarget), (snapshot.ActiveEnrollments, snapshot.Status));
        var refused = await village.Enroll(Worker(), TestActors.Operator);
        Assert.Equal(FailureCode.BudgetExceeded, refused.Failure?.Code);
        Assert.Equal((0L, YearOfUsualPackage), (refused.Failure!.Remaining!.Value, refused.Failure.Needed!.Value));
    }

    [Fact]
    public async Task Lowering_the_budget_below_what_is_committed_is_refused()
    {
        var village = NewVillage(out _);
        await village.SetProgram(Budget(20_160_000), TestActors.Operator);
        await village.Enroll(Worker(), TestActors.Operator);
        await village.Enroll(Worker(), TestActors.Operator);
        var refused = await village.SetProgram(Budget(YearOfUsualPackage), TestActors.Operator);
        Assert.Equal(FailureCode.BudgetBelowCommitted, refused.Failure?.Code);
        var exact = await village.SetProgram(Budget(2 * YearOfUsualPackage), TestActors.Operator);
        Assert.Null(exact.Failure);
        Assert.Equal(0, exact.Village!.Program!.BudgetRemaining);
    }

    [Fact]
    public async Task Withdrawal_returns_whole_months_not_yet_begun()
    {
        var village = NewVillage(out _);
        await village.SetProgram(Budget(20_160_000), TestActors.Operator);
        var enrolled = await village.Enroll(Worker(), TestActors.Operator);
        // Two months later, on the 4th in WIB: the first three months of coverage have begun.
        var start = enrolled.Enrollment!.CoverageStart.AddMonths(2).AddDays(3);
        fixture.Clock.SetUtcNow(new DateTimeOffset(start.ToDateTime(TimeOnly.MinValue), Villages.Domain.CoverageCalendar.Wib).ToUniversalTime());
        var withdrawn = await village.Withdraw(enrolled.Enrollment!.EnrollmentId, TestActors.Operator);
        Assert.Equal((9, 9 * 16_800L), (withdrawn.MonthsRefunded, withdrawn.Refund));
        Assert.Equal(EnrollmentStatus.Withdrawn, withdrawn.Enrollment!.Status);
        var snapshot = await village.GetVillage();
        var programme = snapshot.Programs.Concat(snapshot.OtherPrograms).Single(p => p.Year == enrolled.Enrollment.Year);
        Assert.Equal((0, 3 * 16_800L), (snapshot.ActiveEnrollments, programme.BudgetCommitted));
        var again = await village.Withdraw(enrolled.Enrollment.EnrollmentId, TestActors.Operator);
        Assert.Equal(0, again.Refund);
    }

    [Fact]
    public async Task Batches_report_each_row_and_a_bad_row_never_blocks_good_ones()
    {
        var village = NewVillage(out _);
        await village.SetProgram(Budget(2 * YearOfUsualPackage), TestActors.Operator);
        var repeated = Worker();
        var outcomes = await village.EnrollBatch([Worker(), Worker(nik: "3510010000000001"), repeated, repeated, Worker()], TestActors.Operator);
        Assert.Equal(
            [EnrollmentResult.Created, EnrollmentResult.Rejected, EnrollmentResult.Created, EnrollmentResult.Unchanged, EnrollmentResult.Rejected],
            outcomes.Select(o => o.Result));
        Assert.Equal(FailureCode.InvalidNik, outcomes[1].Failure?.Code);
        Assert.Equal(FailureCode.BudgetExceeded, outcomes[4].Failure?.Code);
    }
}

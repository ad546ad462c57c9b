using Villages.Domain;
using Villages.Village;

namespace Villages.Specs.Domain;

/// <summary>Rows of the first release read by this one (the stored bytes themselves: Villages.Tests' FirstReleaseRowsTests).</summary>
public class FirstReleaseTests
{
    private static readonly DateTimeOffset Opened = new(2026, 3, 10, 3, 0, 0, TimeSpan.Zero);
    private static readonly ProgramTerms Terms = new(100, 20_160_000, 12, FundingSource.SD);

    private static StoredEnrollment Stored(DateOnly coverageStart, DateTimeOffset enrolledAt, EnrollmentStatus status = EnrollmentStatus.Active,
        DateTimeOffset? withdrawnAt = null, long settledEarlier = 0) =>
        new([], "nelayan", 1_000_000, Programs.Jkk | Programs.Jkm, 16_800, 12, coverageStart, status, enrolledAt, enrolledAt, withdrawnAt, settledEarlier, null, []);

    [Fact]
    public void The_programme_becomes_the_programme_of_the_year_it_was_opened_in()
    {
        var header = new VillageProgramState(Terms, Opened, Opened.AddDays(5), 3);

        var programme = Assert.Single(FirstRelease.Programmes(header));

        Assert.Equal(new ProgramKey(2026, FundingSource.SD, Cohort.Vulnerable), programme.Key);
        Assert.Equal((Terms, Opened), (programme.Terms, programme.OpenedAt));
    }

    [Fact]
    public void An_enrolment_is_covered_from_its_registration_day_for_the_months_it_paid()
    {
        var (blocks, settled) = FirstRelease.Blocks(Stored(new DateOnly(2026, 3, 1), Opened), TestData.Year2026());

        var block = Assert.Single(blocks);
        Assert.Equal((new DateOnly(2026, 3, 10), new DateOnly(2026, 3, 1), new DateOnly(2027, 2, 28)), (block.Start, block.FirstMonth, block.End));
        Assert.Equal((0L, 201_600L), (settled, block.Commitment));
    }

    [Fact]
    public void A_withdrawal_keeps_its_begun_months_in_the_block_not_twice_in_settled_earlier()
    {
        var withdrawn = new DateTimeOffset(2026, 7, 15, 3, 0, 0, TimeSpan.Zero);
        // The first release moved the 5 begun months (March to July) into SettledEarlier.
        var stored = Stored(new DateOnly(2026, 3, 1), Opened, EnrollmentStatus.Withdrawn, withdrawn, settledEarlier: 5 * 16_800);

        var (blocks, settled) = FirstRelease.Blocks(stored, TestData.Year2026());

        var block = Assert.Single(blocks);
        Assert.Equal((BlockStop.Withdrawn, 7, new DateOnly(2026, 7, 14)), (block.Stop, block.MonthsRefunded, block.End));
        Assert.Equal((0L, 5 * 16_800L), (settled, block.Commitment));
    }

    [Fact]
    public void A_worker_who_came_back_keeps_the_earlier_periods_money_and_is_covered_from_the_return()
    {
        var returned = new DateTimeOffset(2026, 7, 15, 3, 0, 0, TimeSpan.Zero);
        var (blocks, settled) = FirstRelease.Blocks(Stored(new DateOnly(2026, 7, 1), returned, settledEarlier: 4 * 16_800), TestData.Year2026());

        Assert.Equal(new DateOnly(2026, 7, 15), Assert.Single(blocks).Start);
        Assert.Equal(4 * 16_800, settled);
    }
}

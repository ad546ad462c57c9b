using Villages.Domain;
using Xunit;
using static Villages.Specs.Domain.TestData;

namespace Villages.Specs.Domain;

public class EnrollmentTests
{
    private static Enrollment Enrolled() => Ledger().Enroll(Request(agent: "PRS-001")).After;

    [Fact]
    public void The_view_shown_outside_the_village_masks_the_nik()
    {
        var view = Enrolled().ToView(VillageCode, Today);

        Assert.Equal("3510********0001", view.MaskedNik);
        Assert.Equal(VillageCode, view.VillageCode);
        Assert.Equal(IdOf(WomanNik), view.EnrollmentId);
        Assert.Equal((UsualMonthly, UsualYear), (view.MonthlyPremium, view.Commitment));
        Assert.Equal((new DateOnly(2026, 11, 25), new DateOnly(2027, 10, 31)), (view.CoverageStart, view.CoverageEnd));
        Assert.Equal((2026, FundingSource.SD, Cohort.Vulnerable, EnrollmentStatus.Active), (view.Year, view.FundingSource, view.Cohort, view.Status));
        Assert.Equal("PRS-001", view.AgentId);
    }

    [Fact]
    public void Printing_an_enrolment_shows_neither_the_nik_nor_the_name()
    {
        var text = Enrolled().ToString();

        Assert.DoesNotContain(WomanNik, text);
        Assert.DoesNotContain("Siti", text);
        Assert.Contains(UsualMonthly.ToString(System.Globalization.CultureInfo.InvariantCulture), text);
    }

    [Fact]
    public void A_withdrawn_enrolment_holds_only_its_months_begun()
    {
        var enrolled = Enrolled();
        var withdrawn = enrolled with
        {
            Blocks = [enrolled.Latest with { Stop = BlockStop.Withdrawn, StoppedOn = new DateOnly(2027, 1, 10), MonthsRefunded = 9 }],
        };

        Assert.False(withdrawn.HoldsOn(new DateOnly(2027, 1, 10)));
        Assert.Equal(EnrollmentStatus.Withdrawn, withdrawn.StatusOn(new DateOnly(2027, 1, 10)));
        Assert.Equal(3 * UsualMonthly, withdrawn.Commitment);
    }

    [Fact]
    public void An_active_enrolment_holds_its_block_on_top_of_what_the_first_release_settled_earlier()
    {
        var back = Enrolled() with { SettledEarlier = 3 * UsualMonthly };

        Assert.Equal(3 * UsualMonthly + UsualYear, back.Commitment);
    }
}

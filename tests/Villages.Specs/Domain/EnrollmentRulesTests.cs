using Villages.Domain;
using Xunit;
using static Villages.Specs.Domain.TestData;

namespace Villages.Specs.Domain;

public class EnrollmentRulesTests
{
    private static Failure Refused(EnrollmentRequest? request)
    {
        Assert.False(Rules().TryValidate(request, Today, out var valid, out var failure));
        Assert.Null(valid);
        if (request?.Nik is { Length: > 0 } nik) Assert.DoesNotContain(nik, failure.Detail);
        return failure;
    }

    private static void AssertRefusedAt(EnrollmentRequest request, string field)
    {
        var failure = Refused(request);
        Assert.Equal(FailureCode.InvalidEnrollment, failure.Code);
        Assert.Equal(field, failure.Field);
    }

    [Fact]
    public void A_fisherwoman_at_the_lowest_income_is_accepted_and_priced()
    {
        var valid = Valid(Request());

        Assert.Equal(WomanNik, valid.Nik);
        Assert.Equal(new NikFacts(new DateOnly(1990, 3, 5), Sex.Female), valid.Facts);
        Assert.Equal("Siti Aminah", valid.Name);
        Assert.Equal("nelayan", valid.Occupation);
        Assert.Equal(LowestIncome, valid.MonthlyIncome);
        Assert.Equal(Usual, valid.Programs);
        Assert.Equal(UsualMonthly, valid.Quote.Monthly);
        Assert.Null(valid.AgentId);
    }

    [Fact]
    public void A_valid_enrolment_never_prints_the_nik_or_the_name()
    {
        var text = Valid(Request()).ToString();

        Assert.DoesNotContain(WomanNik, text);
        Assert.DoesNotContain("Siti", text);
    }

    [Fact]
    public void A_missing_request_is_refused()
    {
        Assert.Equal(FailureCode.InvalidEnrollment, Refused(null).Code);
    }

    [Theory]
    [InlineData("3510014503900000")]
    [InlineData("3510017203900001")]
    [InlineData("35100145039000")]
    [InlineData("3510012511600001")] // 66 today
    public void A_bad_nik_is_refused_as_an_invalid_nik_without_repeating_it(string nik)
    {
        var failure = Refused(Request(nik));

        Assert.Equal(FailureCode.InvalidNik, failure.Code);
        Assert.Equal("nik", failure.Field);
    }

    [Fact]
    public void The_name_is_trimmed()
    {
        Assert.Equal("Siti Aminah", Valid(Request(name: "  Siti Aminah \t")).Name);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("Siti\nAminah")]
    [InlineData("Siti\u0000Aminah")]
    [InlineData("Siti\u001bAminah")]
    public void A_blank_name_or_one_with_control_characters_is_refused(string name)
    {
        AssertRefusedAt(Request(name: name), "name");
    }

    [Fact]
    public void A_name_may_be_100_characters_but_not_101()
    {
        Assert.Equal(100, Valid(Request(name: new string('a', 100))).Name.Length);
        AssertRefusedAt(Request(name: new string('a', 101)), "name");
    }

    [Theory]
    [InlineData("Buruh Tani", "buruh-tani")]
    [InlineData("  NELAYAN ", "nelayan")]
    [InlineData("Pedagang Kecil", "pedagang-kecil")]
    [InlineData("guru-ngaji", "guru-ngaji")]
    public void The_occupation_is_matched_whatever_its_case_and_spaces(string typed, string recorded)
    {
        Assert.Equal(recorded, Valid(Request(occupation: typed)).Occupation);
    }

    [Fact]
    public void An_occupation_outside_the_list_is_refused_naming_the_list()
    {
        var failure = Refused(Request(occupation: "astronaut"));

        Assert.Equal("occupation", failure.Field);
        Assert.Contains("nelayan", failure.Detail);
        Assert.Contains("lainnya", failure.Detail);
    }

    [Fact]
    public void The_list_of_occupations_is_configuration()
    {
        var rules = Rules(new EnrollmentOptions { Occupations = ["penambang-pasir"] });

        Assert.True(rules.TryValidate(Request(occupation: "Penambang Pasir"), Today, out var valid, out _));
        Assert.Equal("penambang-pasir", valid.Occupation);
        Assert.False(rules.TryValidate(Request(occupation: "nelayan"), Today, out _, out _));
    }

    [Fact]
    public void An_income_below_the_minimum_is_accepted_and_priced_at_the_minimum()
    {
        var valid = Valid(Request(income: 500_000));

        Assert.Equal(500_000, valid.MonthlyIncome);
        Assert.Equal(UsualMonthly, valid.Quote.Monthly);
    }

    [Fact]
    public void A_negative_income_is_refused_at_the_income_field()
    {
        AssertRefusedAt(Request(income: -1), "monthlyIncome");
    }

    [Fact]
    public void Village_apparatus_are_recorded_by_position_and_priced_on_their_allowance()
    {
        var valid = Valid(Request(income: 2_000_000, occupation: "Sekretaris Desa") with { Cohort = "apparatus" });

        Assert.Equal((Cohort.Apparatus, "sekretaris-desa", 10_800L), (valid.Cohort, valid.Occupation, valid.Quote.Monthly));
        AssertRefusedAt(Request(occupation: "nelayan") with { Cohort = "apparatus" }, "occupation");
        AssertRefusedAt(Request() with { Cohort = "bpd" }, "cohort");
    }

    [Fact]
    public void Jkm_alone_is_refused_at_the_programs_field()
    {
        AssertRefusedAt(Request(programs: Programs.Jkm), "programs");
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData("   ", null)]
    [InlineData(" PRS-3510.001_a ", "PRS-3510.001_a")]
    public void The_agent_is_optional_and_trimmed(string? typed, string? recorded)
    {
        Assert.Equal(recorded, Valid(Request(agent: typed)).AgentId);
    }

    [Theory]
    [InlineData("agent 007")]
    [InlineData("../agents")]
    [InlineData("agen@bpjs")]
    [InlineData("agén")]
    public void An_agent_id_with_other_characters_is_refused(string agent)
    {
        AssertRefusedAt(Request(agent: agent), "agentId");
    }

    [Fact]
    public void An_agent_id_may_be_40_characters_but_not_41()
    {
        Assert.True(EnrollmentRules.IsAgentId(new string('A', 40)));
        Assert.False(EnrollmentRules.IsAgentId(new string('A', 41)));
        AssertRefusedAt(Request(agent: new string('A', 41)), "agentId");
    }
}

using Villages.Domain;
using Xunit;
using static Villages.Specs.Domain.TestData;

namespace Villages.Specs.Domain;

public class NikTests
{
    private static readonly EnrollmentOptions Defaults = new();

    /// <summary>No age limits, to look at the date and the century alone.</summary>
    private static readonly EnrollmentOptions AnyAge = new() { MinimumAgeYears = 0, MaximumAgeYears = 200 };

    private static NikFacts Accepted(string nik, EnrollmentOptions? options = null)
    {
        Assert.True(Nik.TryValidate(nik, Today, options ?? Defaults, out var facts, out var problem), problem);
        Assert.Equal("", problem);
        return facts;
    }

    private static string Refused(string? nik, EnrollmentOptions? options = null)
    {
        Assert.False(Nik.TryValidate(nik, Today, options ?? Defaults, out var facts, out var problem));
        Assert.Equal(default, facts);
        if (!string.IsNullOrEmpty(nik)) Assert.DoesNotContain(nik, problem);
        return problem;
    }

    [Fact]
    public void A_mans_nik_gives_his_birth_date_and_sex()
    {
        Assert.Equal(new NikFacts(new DateOnly(1990, 3, 5), Sex.Male), Accepted(ManNik));
    }

    [Fact]
    public void A_womans_birth_day_has_forty_added_so_day_45_is_the_fifth()
    {
        Assert.Equal(new NikFacts(new DateOnly(1990, 3, 5), Sex.Female), Accepted(WomanNik));
    }

    [Theory]
    [InlineData("3510010103900001", 1, Sex.Male)]
    [InlineData("3510013103900001", 31, Sex.Male)]
    [InlineData("3510014103900001", 1, Sex.Female)]
    [InlineData("3510017103900001", 31, Sex.Female)]
    public void The_first_and_last_day_of_a_month_are_read_for_both_sexes(string nik, int day, Sex sex)
    {
        Assert.Equal(new NikFacts(new DateOnly(1990, 3, day), sex), Accepted(nik));
    }

    [Theory]
    [InlineData("351001050390001")]
    [InlineData("35100105039000012")]
    [InlineData("351001050390000A")]
    [InlineData("3510-01-050390-01")]
    [InlineData(" 3510010503900001")]
    [InlineData("3510010503900001 ")]
    [InlineData("３５１００１０５０３９０００１")]
    [InlineData("٣٥١٠٠١٠٥٠٣٩٠٠٠١")]
    public void Anything_but_sixteen_ascii_digits_is_refused(string nik)
    {
        Assert.Equal("A NIK is exactly 16 digits.", Refused(nik));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void A_missing_nik_is_refused(string? nik)
    {
        Assert.Equal("The NIK is required.", Refused(nik));
    }

    [Fact]
    public void Serial_0000_is_refused_because_serials_start_at_0001()
    {
        Assert.Contains("serial", Refused("3510010503900000"));
    }

    [Theory]
    [InlineData("3510013203900001")] // day 32
    [InlineData("3510017203900001")] // woman's day 32
    [InlineData("3510010003900001")] // day 00
    [InlineData("3510014003900001")] // day 40: neither a man's nor a woman's
    [InlineData("3510018103900001")] // a woman's day 41 + 40
    [InlineData("3510010500900001")] // month 00
    [InlineData("3510010513900001")] // month 13
    public void Digits_that_are_not_a_day_or_a_month_are_refused(string nik)
    {
        Assert.Contains("not a birth date", Refused(nik));
    }

    [Theory]
    [InlineData("3510013104900001")] // 31 April
    [InlineData("3510013002900001")] // 30 February
    [InlineData("3510012902890001")] // 29 February 1989
    [InlineData("3510016902890001")] // a woman born 29 February 1989
    public void A_date_that_is_not_on_the_calendar_is_refused(string nik)
    {
        Assert.Contains("not a real calendar date", Refused(nik));
    }

    [Theory]
    [InlineData("3510012902880001", Sex.Male)]
    [InlineData("3510016902880001", Sex.Female)]
    public void The_29th_of_february_is_accepted_in_a_leap_year(string nik, Sex sex)
    {
        Assert.Equal(new NikFacts(new DateOnly(1988, 2, 29), sex), Accepted(nik));
    }

    [Fact]
    public void The_29th_of_february_00_is_the_year_2000_which_was_a_leap_year()
    {
        Assert.Equal(new DateOnly(2000, 2, 29), Accepted("3510012902000001", AnyAge).BirthDate);
    }

    [Theory]
    [InlineData("3510010101050001", 2005, 1, 1)]   // 05: this century
    [InlineData("3510012511260001", 2026, 11, 25)] // born today
    [InlineData("3510012611260001", 1926, 11, 26)] // tomorrow in 2026 is in the future: 1926
    [InlineData("3510010112260001", 1926, 12, 1)]
    [InlineData("3510010101270001", 1927, 1, 1)]
    [InlineData("3510010101600001", 1960, 1, 1)]
    public void A_two_digit_year_is_the_most_recent_century_not_in_the_future(string nik, int year, int month, int day)
    {
        Assert.Equal(new DateOnly(year, month, day), Accepted(nik, AnyAge).BirthDate);
    }

    [Theory]
    [InlineData(1961, 11, 25)] // 65 today
    [InlineData(1960, 11, 26)] // 66 tomorrow: still 65 today
    [InlineData(2011, 11, 25)] // 15 today
    public void Workers_from_15_to_65_are_accepted(int year, int month, int day)
    {
        Accepted(NikOf(new DateOnly(year, month, day), female: true));
    }

    [Fact]
    public void A_worker_of_66_is_refused_with_the_age_and_the_limit()
    {
        Assert.Equal("The worker is 66 years old; enrolment is open up to age 65.", Refused(NikOf(new DateOnly(1960, 11, 25))));
    }

    [Fact]
    public void A_worker_of_14_is_refused_with_the_age_and_the_limit()
    {
        Assert.Equal("The worker is 14 years old; enrolment starts at age 15.", Refused(NikOf(new DateOnly(2011, 11, 26))));
    }

    [Fact]
    public void A_regency_with_other_age_limits_configures_them()
    {
        var regency = new EnrollmentOptions { MinimumAgeYears = 18, MaximumAgeYears = 60 };
        Assert.Contains("up to age 60", Refused(NikOf(new DateOnly(1965, 11, 25)), regency));
        Assert.Contains("starts at age 18", Refused(NikOf(new DateOnly(2010, 1, 1)), regency));
        Accepted(NikOf(new DateOnly(1966, 11, 25)), regency);
    }

    [Theory]
    [InlineData("2000-01-01", "2026-11-25", 26)]
    [InlineData("2000-11-25", "2026-11-25", 26)] // birthday today
    [InlineData("2000-11-26", "2026-11-25", 25)] // birthday tomorrow
    [InlineData("2008-02-29", "2026-03-01", 18)]
    [InlineData("2008-02-29", "2026-02-27", 17)]
    [InlineData("2008-02-29", "2028-02-29", 20)]
    public void Age_counts_whole_years_from_the_birth_date(string birth, string today, int age)
    {
        Assert.Equal(age, Nik.AgeOn(DateOnly.Parse(birth), DateOnly.Parse(today)));
    }

    [Fact]
    public void Mask_shows_only_the_first_four_and_the_last_four_digits()
    {
        Assert.Equal("3510********0001", Nik.Mask(WomanNik));
    }

    [Theory]
    [InlineData("")]
    [InlineData("351001450390001")]
    [InlineData("35100145039000012")]
    public void Mask_of_something_that_is_not_a_nik_shows_nothing_of_it(string text)
    {
        Assert.Equal("****************", Nik.Mask(text));
    }
}

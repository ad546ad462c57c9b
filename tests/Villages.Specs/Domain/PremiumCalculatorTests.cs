using Villages.Domain;
using Xunit;
using static Villages.Specs.Domain.TestData;

namespace Villages.Specs.Domain;

/// <summary>BPU contributions as PP 44/2015 (amended by PP 82/2019) and PP 46/2015 set them.</summary>
public class PremiumCalculatorTests
{
    private static PremiumQuote Price(long income, Programs? programs = null, PremiumOptions? options = null)
    {
        var calculator = new PremiumCalculator(options ?? new PremiumOptions());
        Assert.True(calculator.TryPrice(income, programs ?? Usual, out var quote, out var problem, out _), problem);
        return quote;
    }

    private static (string Problem, string Field) Refused(long income, Programs programs)
    {
        Assert.False(new PremiumCalculator(new PremiumOptions()).TryPrice(income, programs, out var quote, out var problem, out var field));
        Assert.Equal(default, quote);
        return (problem, field);
    }

    [Fact]
    public void The_usual_package_at_the_lowest_income_costs_16800_a_month()
    {
        var quote = Price(1_000_000);

        Assert.Equal(new PremiumQuote(Jkk: 10_000, Jkm: 6_800, Jht: 0), quote);
        Assert.Equal(16_800, quote.Monthly);
    }

    [Fact]
    public void A_year_of_the_usual_package_is_201600_a_worker_and_20160000_for_a_hundred()
    {
        var quote = Price(1_000_000);

        Assert.Equal(201_600, quote.For(12));
        Assert.Equal(20_160_000, 100 * quote.For(12));
        Assert.Equal(100_800, quote.For(6));
    }

    [Fact]
    public void Adding_jht_at_the_lowest_income_costs_36800_a_month()
    {
        var quote = Price(1_000_000, Usual | Programs.Jht);

        Assert.Equal(new PremiumQuote(Jkk: 10_000, Jkm: 6_800, Jht: 20_000), quote);
        Assert.Equal(36_800, quote.Monthly);
    }

    [Theory]
    [InlineData(1_500_000, 15_000)]
    [InlineData(2_500_000, 25_000)]
    [InlineData(20_600_000, 206_000)]
    [InlineData(20_700_000, 207_000)]
    [InlineData(20_750_000, 207_000)]
    [InlineData(50_000_000, 207_000)]
    [InlineData(100_000_000, 207_000)]
    public void Jkk_is_one_percent_of_the_declared_income_up_to_207000(long income, long jkk)
    {
        Assert.Equal(jkk, Price(income).Jkk);
    }

    [Fact]
    public void Jkm_is_flat_whatever_the_income()
    {
        Assert.Equal(6_800, Price(1_000_000).Jkm);
        Assert.Equal(6_800, Price(30_000_000).Jkm);
    }

    [Theory]
    [InlineData(1_234_550, 12_346)] // 12,345.50 rounds up
    [InlineData(1_234_549, 12_345)] // 12,345.49 rounds down
    [InlineData(1_000_050, 10_001)]
    public void Jkk_is_rounded_half_up_to_the_rupiah(long income, long jkk)
    {
        Assert.Equal(jkk, Price(income).Jkk);
    }

    [Theory]
    [InlineData(1_234_525, 24_691)] // 24,690.50 rounds up
    [InlineData(1_234_524, 24_690)] // 24,690.48 rounds down
    [InlineData(2_500_000, 50_000)]
    public void Jht_is_two_percent_rounded_half_up_to_the_rupiah(long income, long jht)
    {
        Assert.Equal(jht, Price(income, Usual | Programs.Jht).Jht);
    }

    [Theory]
    [InlineData(Programs.None)]
    [InlineData(Programs.Jkk)]
    [InlineData(Programs.Jkm)]
    [InlineData(Programs.Jht)]
    [InlineData(Programs.Jkk | Programs.Jht)]
    [InlineData(Programs.Jkm | Programs.Jht)]
    public void Jkk_and_jkm_are_always_taken_together(Programs programs)
    {
        Assert.Equal(("JKK and JKM are always taken together; JHT may be added.", "programs"), Refused(1_000_000, programs));
    }

    [Fact]
    public void A_programme_other_than_jkk_jkm_and_jht_is_refused()
    {
        Assert.Equal(("Only JKK, JKM and JHT can be chosen.", "programs"), Refused(1_000_000, Usual | (Programs)8));
    }

    [Theory]
    [InlineData(999_999)]
    [InlineData(500_000)]
    [InlineData(0)]
    public void An_income_below_one_million_is_assessed_at_one_million_never_refused(long income)
    {
        Assert.Equal(new PremiumQuote(Jkk: 10_000, Jkm: 6_800, Jht: 0), Price(income));
        Assert.Equal(new PremiumQuote(Jkk: 10_000, Jkm: 6_800, Jht: 20_000), Price(income, Usual | Programs.Jht));
    }

    [Fact]
    public void A_negative_income_is_refused()
    {
        Assert.Equal(("The monthly income cannot be negative.", "monthlyIncome"), Refused(-1_000_000, Usual));
    }

    [Theory]
    [InlineData(20_700_000)]
    [InlineData(30_000_000)]
    [InlineData(100_000_000)]
    public void Jht_shares_the_ceiling_of_jkk(long income)
    {
        // JKK reaches its Rp207,000 at Rp20,700,000 (1%): JHT is 2% of the same capped income.
        Assert.Equal(new PremiumQuote(Jkk: 207_000, Jkm: 6_800, Jht: 414_000), Price(income, Usual | Programs.Jht));
    }

    [Fact]
    public void Village_apparatus_are_priced_as_wage_earners_on_their_allowance()
    {
        var calculator = new PremiumCalculator(new PremiumOptions());

        Assert.True(calculator.TryPrice(Cohort.Apparatus, 2_000_000, Usual, out var quote, out _, out _));
        Assert.Equal(new PremiumQuote(Jkk: 4_800, Jkm: 6_000, Jht: 0), quote);
        Assert.True(calculator.TryPrice(Cohort.Apparatus, 2_000_000, Usual | Programs.Jht, out var withJht, out _, out _));
        Assert.Equal(114_000, withJht.Jht);
        // The BPU table would charge JKK 1% and JKM Rp6,800: about three times as much for JKK.
        Assert.True(calculator.TryPrice(Cohort.Vulnerable, 2_000_000, Usual, out var bpu, out _, out _));
        Assert.Equal(20_000, bpu.Jkk);
    }

    [Fact]
    public void The_apparatus_rates_are_configuration()
    {
        var calculator = new PremiumCalculator(new PremiumOptions { Apparatus = new ApparatusPremiumOptions { JkkRateBasisPoints = 54 } });

        Assert.True(calculator.TryPrice(Cohort.Apparatus, 2_000_000, Usual, out var quote, out _, out _));
        Assert.Equal(10_800, quote.Jkk);
    }

    [Fact]
    public void An_absurd_income_is_refused_as_a_likely_typing_error()
    {
        var (problem, field) = Refused(100_000_001, Usual);

        Assert.Equal("monthlyIncome", field);
        Assert.Contains("Rp100,000,000", problem);
        Assert.Contains("typing error", problem);
    }

    [Fact]
    public void A_new_regulation_is_a_settings_change()
    {
        var options = new PremiumOptions { JkmMonthly = 10_800, JkkRateBasisPoints = 150, MinimumDeclaredIncome = 500_000 };

        Assert.Equal(new PremiumQuote(Jkk: 7_500, Jkm: 10_800, Jht: 0), Price(500_000, options: options));
    }

    [Theory]
    [InlineData(1_000_000, 10_000)]
    [InlineData(1_500_000, 10_000)]  // the top of a bracket belongs to it
    [InlineData(1_500_001, 17_500)]
    [InlineData(2_000_000, 17_500)]
    [InlineData(2_000_001, 20_000)]  // above the table: the declared income itself
    public void With_a_bracket_table_the_income_is_assessed_at_its_brackets_nominal_income(long income, long jkk)
    {
        var options = new PremiumOptions
        {
            // Listed out of order on purpose: configuration files are not always sorted.
            IncomeBrackets =
            [
                new IncomeBracket { UpTo = 2_000_000, AssessedIncome = 1_750_000 },
                new IncomeBracket { UpTo = 1_500_000, AssessedIncome = 1_000_000 },
            ],
        };

        Assert.Equal(jkk, Price(income, options: options).Jkk);
        Assert.Equal(2 * jkk, Price(income, Usual | Programs.Jht, options).Jht);
    }
}

namespace Villages.Domain;

/// <summary>One worker's monthly contributions, in whole rupiah.</summary>
public readonly record struct PremiumQuote(long Jkk, long Jkm, long Jht)
{
    public long Monthly => Jkk + Jkm + Jht;

    /// <summary>What a village commits for a block of prepaid months.</summary>
    public long For(int months) => checked(Monthly * months);
}

/// <summary>Prices contributions from the configured rates: BPU for vulnerable workers, PU for village apparatus.</summary>
public sealed class PremiumCalculator(PremiumOptions options)
{
    public PremiumOptions Options => options;

    /// <summary>
    /// Checks the programme set and the declared income and prices them; JKK and JKM always go
    /// together, JHT is optional.
    /// </summary>
    public bool TryPrice(long declaredIncome, Programs programs, out PremiumQuote quote, out string problem, out string field) =>
        TryPrice(Cohort.Vulnerable, declaredIncome, programs, out quote, out problem, out field);

    /// <summary>
    /// Checks the programme set and the income and prices them for the cohort; JKK and JKM always go
    /// together, JHT is optional.
    /// </summary>
    public bool TryPrice(Cohort cohort, long income, Programs programs, out PremiumQuote quote, out string problem, out string field)
    {
        quote = default;
        field = "programs";
        if ((programs & (Programs.Jkk | Programs.Jkm)) != (Programs.Jkk | Programs.Jkm))
        {
            problem = "JKK and JKM are always taken together; JHT may be added.";
            return false;
        }
        if ((programs & ~(Programs.Jkk | Programs.Jkm | Programs.Jht)) != 0)
        {
            problem = "Only JKK, JKM and JHT can be chosen.";
            return false;
        }
        field = "monthlyIncome";
        if (income < 0)
        {
            problem = "The monthly income cannot be negative.";
            return false;
        }
        var withJht = (programs & Programs.Jht) != 0;
        if (cohort == Cohort.Apparatus)
        {
            var rates = options.Apparatus;
            if (income < 1 || income > rates.MaximumAllowance)
            {
                problem = $"The fixed allowance (siltap) is a positive amount up to {Rupiah.Format(rates.MaximumAllowance)}.";
                return false;
            }
            quote = new PremiumQuote(Percent(income, rates.JkkRateBasisPoints), Percent(income, rates.JkmRateBasisPoints),
                withJht ? Percent(income, rates.JhtRateBasisPoints) : 0);
            problem = "";
            return true;
        }
        if (income > options.MaximumDeclaredIncome)
        {
            problem = $"A declared monthly income above {Rupiah.Format(options.MaximumDeclaredIncome)} looks like a typing error.";
            return false;
        }
        var assessed = Assess(income);
        var jkk = Math.Min(Percent(assessed, options.JkkRateBasisPoints), options.JkkMaximum);
        var jht = withJht ? Percent(assessed, options.JhtRateBasisPoints) : 0;
        quote = new PremiumQuote(jkk, options.JkmMonthly, jht);
        problem = "";
        return true;
    }

    /// <summary>
    /// The income contributions are assessed on: its bracket's nominal income when brackets are
    /// configured, never below the lowest bracket (Rp1,000,000), never above the income at which
    /// JKK reaches its maximum (so JHT shares JKK's ceiling).
    /// </summary>
    public long Assess(long declaredIncome)
    {
        var assessed = declaredIncome;
        foreach (var bracket in options.IncomeBrackets.OrderBy(static b => b.UpTo))
        {
            if (declaredIncome <= bracket.UpTo)
            {
                assessed = bracket.AssessedIncome;
                break;
            }
        }
        var ceiling = options.JkkRateBasisPoints > 0 ? options.JkkMaximum * 10_000 / options.JkkRateBasisPoints : long.MaxValue;
        return Math.Clamp(assessed, options.MinimumDeclaredIncome, Math.Max(ceiling, options.MinimumDeclaredIncome));
    }

    /// <summary>Basis points of an amount, rounded half up to the rupiah.</summary>
    private static long Percent(long amount, int basisPoints) => (amount * basisPoints + 5_000) / 10_000;
}

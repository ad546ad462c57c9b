namespace Villages.Domain;

/// <summary>One worker's monthly contributions, in whole rupiah.</summary>
public readonly record struct PremiumQuote(long Jkk, long Jkm, long Jht)
{
    public long Monthly => Jkk + Jkm + Jht;

    /// <summary>What a village commits for a block of prepaid months.</summary>
    public long For(int months) => checked(Monthly * months);
}

/// <summary>Prices BPU contributions from the configured rates.</summary>
public sealed class PremiumCalculator(PremiumOptions options)
{
    public PremiumOptions Options => options;

    /// <summary>
    /// Checks the programme set and the declared income and prices them; JKK and JKM always go
    /// together, JHT is optional.
    /// </summary>
    public bool TryPrice(long declaredIncome, Programs programs, out PremiumQuote quote, out string problem, out string field)
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
        if (declaredIncome < options.MinimumDeclaredIncome)
        {
            problem = $"The declared monthly income must be at least {Rupiah.Format(options.MinimumDeclaredIncome)}.";
            return false;
        }
        if (declaredIncome > options.MaximumDeclaredIncome)
        {
            problem = $"A declared monthly income above {Rupiah.Format(options.MaximumDeclaredIncome)} looks like a typing error.";
            return false;
        }
        var assessed = Assess(declaredIncome);
        var jkk = Math.Min(Percent(assessed, options.JkkRateBasisPoints), options.JkkMaximum);
        var jht = (programs & Programs.Jht) != 0 ? Percent(assessed, options.JhtRateBasisPoints) : 0;
        quote = new PremiumQuote(jkk, options.JkmMonthly, jht);
        problem = "";
        return true;
    }

    private long Assess(long declaredIncome)
    {
        foreach (var bracket in options.IncomeBrackets.OrderBy(static b => b.UpTo))
        {
            if (declaredIncome <= bracket.UpTo) return bracket.AssessedIncome;
        }
        return declaredIncome;
    }

    /// <summary>Basis points of an amount, rounded half up to the rupiah.</summary>
    private static long Percent(long amount, int basisPoints) => (amount * basisPoints + 5_000) / 10_000;
}

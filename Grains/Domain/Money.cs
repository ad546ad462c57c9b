using System.Globalization;

namespace Villages.Domain;

/// <summary>Rupiah amounts in messages: whole rupiah, grouped the way API clients read them.</summary>
public static class Rupiah
{
    public static string Format(long amount) => "Rp" + amount.ToString("N0", CultureInfo.InvariantCulture);
}

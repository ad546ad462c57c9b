namespace Villages.Tests.Infrastructure;

/// <summary>Valid, unique workers for tests: NIKs with a real birth date, adults in 2026.</summary>
public static class Workers
{
    private static int _sequence;

    /// <summary>A fresh NIK: area 3510.01, born between 1970 and 1999, female every other one.</summary>
    public static string NewNik()
    {
        var n = Interlocked.Increment(ref _sequence);
        var day = 1 + n % 28 + (n % 2 == 0 ? 40 : 0);
        var month = 1 + n / 28 % 12;
        var year = 70 + n / 336 % 30;
        var serial = 1 + n / 10_080 % 9_999;
        return $"351001{day:D2}{month:D2}{year:D2}{serial:D4}";
    }

    public static EnrollmentRequest Worker(
        string? nik = null, string name = "Siti Aminah", string occupation = "nelayan",
        long income = 1_000_000, Programs programs = Programs.Jkk | Programs.Jkm, string? agentId = null) =>
        new() { Nik = nik ?? NewNik(), Name = name, Occupation = occupation, MonthlyIncome = income, Programs = ProgramNames.Of(programs), AgentId = agentId };

    /// <summary>JKK + JKM at the lowest income for 12 months: Rp201,600.</summary>
    public const long YearOfUsualPackage = 201_600;

    /// <summary>Villages of Kabupaten Banyuwangi (35.10) used across the tests.</summary>
    public static string TestVillage(int index) => RegionsForTests.BanyuwangiDesa[index];
}

public static class RegionsForTests
{
    public static readonly IReadOnlyList<string> Kelurahan = Regions.RegionCatalog.Default.AtLevel(Regions.RegionLevel.Village)
        .Where(v => v.Code.StartsWith("35.10.", StringComparison.Ordinal) && v.Kind == VillageKind.Kelurahan)
        .Select(v => v.Code).ToList();

    public static readonly IReadOnlyList<string> BanyuwangiDesa = Regions.RegionCatalog.Default.AtLevel(Regions.RegionLevel.Village)
        .Where(v => v.Code.StartsWith("35.10.", StringComparison.Ordinal) && v.Kind == VillageKind.Desa)
        .Select(v => v.Code).ToList();
}

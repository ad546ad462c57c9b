namespace Villages;

/// <summary>The BPJS Ketenagakerjaan programmes a BPU worker can join.</summary>
[Flags]
public enum Programs
{
    None = 0,
    /// <summary>Work accident (Jaminan Kecelakaan Kerja).</summary>
    Jkk = 1,
    /// <summary>Death (Jaminan Kematian).</summary>
    Jkm = 2,
    /// <summary>Old-age savings (Jaminan Hari Tua), optional for BPU.</summary>
    Jht = 4,
}

/// <summary>The programmes by the names BPJS and the API use: JKK, JKM, JHT.</summary>
public static class ProgramNames
{
    private static readonly (Programs Program, string Name)[] Names = [(Programs.Jkk, "JKK"), (Programs.Jkm, "JKM"), (Programs.Jht, "JHT")];

    /// <summary>The usual package when none is named: JKK and JKM.</summary>
    public const Programs Usual = Programs.Jkk | Programs.Jkm;

    public static string[] Of(Programs programs) => [.. Names.Where(p => programs.HasFlag(p.Program)).Select(static p => p.Name)];

    /// <summary>Reads names (any case, surrounding spaces ignored); null means the usual package.</summary>
    public static bool TryParse(IEnumerable<string?>? names, out Programs programs)
    {
        programs = names is null ? Usual : Programs.None;
        foreach (var name in names ?? [])
        {
            var match = Array.FindIndex(Names, p => string.Equals(p.Name, name?.Trim(), StringComparison.OrdinalIgnoreCase));
            if (match < 0) return false;
            programs |= Names[match].Program;
        }
        return true;
    }
}

/// <summary>
/// One worker to enrol, as an operator or agent sends it (the JSON body, a CSV row, an import row).
/// Everything is optional here so that a missing field is a clear problem from the rules, not an
/// unreadable body. Carries the NIK: never log it.
/// </summary>
[GenerateSerializer, Immutable, Alias("Villages.EnrollmentRequest")]
public sealed record EnrollmentRequest
{
    [Id(0)] public string? Nik { get; init; }
    [Id(1)] public string? Name { get; init; }
    [Id(2)] public string? Occupation { get; init; }
    [Id(3)] public long? MonthlyIncome { get; init; }
    /// <summary>JKK, JKM and optionally JHT; absent means JKK and JKM.</summary>
    [Id(4)] public string[]? Programs { get; init; }
    /// <summary>The PERISAI agent who recruited the worker, if any.</summary>
    [Id(5)] public string? AgentId { get; init; }
    /// <summary>The budget year of the programme that pays; this year (WIB) when left out.</summary>
    [Id(6)] public int? Year { get; init; }
    /// <summary>The programme's funder (SD, SA, SL) when the year has several; left out, the only one.</summary>
    [Id(7)] public string? FundingSource { get; init; }
    /// <summary>"vulnerable" (the default) or "apparatus" (perangkat desa, priced on their siltap).</summary>
    [Id(8)] public string? Cohort { get; init; }

    /// <summary>Never print the NIK, even by accident through a record's generated ToString.</summary>
    public override string ToString() => $"EnrollmentRequest {{ Occupation = {Occupation}, MonthlyIncome = {MonthlyIncome} }}";
}

using System.Globalization;

namespace Villages.Domain;

/// <summary>
/// A BPJS Ketenagakerjaan participant number (Kartu Peserta Jamsostek): digits, given by BPJS when it
/// registers a worker. Personal data like the NIK: sealed at rest, masked in views, never logged.
/// </summary>
public static class Kpj
{
    public const int MinimumLength = 8;
    public const int MaximumLength = 16;

    public static bool IsWellFormed(string? kpj) =>
        kpj is { Length: >= MinimumLength and <= MaximumLength } && kpj.All(char.IsAsciiDigit);

    /// <summary>Only the last four digits: *******5678.</summary>
    public static string Mask(string kpj) => string.Concat(new string('*', Math.Max(kpj.Length - 4, 0)), kpj.AsSpan(Math.Max(kpj.Length - 4, 0)));
}

/// <summary>Reading a row of a BPJS result file (nik, kpj, status, registeredOn, reason).</summary>
public static class ResultFileRules
{
    public const int MaximumReasonLength = 300;

    private static readonly string[] Registered = ["registered", "terdaftar", "aktif", "sukses", "berhasil", "diterima"];
    private static readonly string[] Refused = ["refused", "ditolak", "tolak", "gagal", "rejected"];

    public static bool TryRead(int line, string? nik, string? kpj, string? status, string? registeredOn, string? reason, DateOnly today,
        out ReconciliationRow row, out string problem)
    {
        row = null!;
        problem = "";
        nik = nik?.Trim();
        if (nik is not { Length: Nik.Length } || !nik.All(char.IsAsciiDigit))
        {
            problem = "nik must be 16 digits.";
            return false;
        }
        var word = status?.Trim().ToLowerInvariant();
        BpjsVerdict verdict;
        if (Registered.Contains(word)) verdict = BpjsVerdict.Registered;
        else if (Refused.Contains(word)) verdict = BpjsVerdict.Refused;
        else
        {
            problem = "status must be registered (terdaftar) or refused (ditolak).";
            return false;
        }
        reason = reason?.Trim();
        if (reason is { Length: > MaximumReasonLength }) reason = reason[..MaximumReasonLength];
        if (verdict == BpjsVerdict.Refused)
        {
            row = new ReconciliationRow(line, nik, null, verdict, null, string.IsNullOrEmpty(reason) ? null : reason);
            return true;
        }
        kpj = kpj?.Trim();
        if (!Kpj.IsWellFormed(kpj))
        {
            problem = $"kpj must be {Kpj.MinimumLength} to {Kpj.MaximumLength} digits for a registered worker.";
            return false;
        }
        if (!DateOnly.TryParseExact(registeredOn?.Trim(), ["yyyy-MM-dd", "dd/MM/yyyy", "dd-MM-yyyy"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            || day > today || day < today.AddYears(-10))
        {
            problem = "registeredOn must be the day BPJS registered the worker (yyyy-MM-dd or dd/MM/yyyy), not in the future.";
            return false;
        }
        row = new ReconciliationRow(line, nik, kpj, verdict, day, null);
        return true;
    }
}

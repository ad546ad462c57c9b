using System.Text.Json;
using Villages.Bench.Shared;

namespace Villages.Bench.National;

/// <summary>Everything a national run measured (written with --json).</summary>
public sealed record NationalResult(
    MachineInfo Machine, BenchOptions Options, string Target, int Seed, int Villages, int Workers, int Batch, int Clients, long Budget, bool Cancelled,
    SetupSummary Setup, EnrolSummary Enrolment, double TotalSeconds,
    List<ProcessMemory> Memory, long PeakRssBytes, DatabaseSize? Database, string? DatabaseProblem, NationalCheck? Check,
    ActivationMemory? IdleMemory, ActivationMemory? ProgrammesMemory, ActivationMemory? EnrolledMemory, RenewalSummary? Renewal = null)
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public void WriteJson(string path)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, JsonSerializer.Serialize(this, JsonOptions));
        Console.WriteLine($"JSON written to {full}");
    }
}

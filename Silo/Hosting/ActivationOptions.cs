using System.ComponentModel.DataAnnotations;

namespace Villages.Silo.Hosting;

/// <summary>
/// How long grains stay in memory (`Villages:Activations`). A village is written in bursts (an
/// operator's session, an agent's visit, an import) and then sits for days: it leaves memory after
/// <see cref="VillageIdleTimeout"/> and reloads from PostgreSQL on its next call. Under memory
/// pressure Orleans sheds the least recently used activations first, whatever their age.
/// </summary>
public sealed class ActivationOptions : IValidatableObject
{
    public const string Section = "Villages:Activations";

    /// <summary>A village not called for this long is deactivated (its state is already durable).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan VillageIdleTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Every other grain (rollups, import jobs): Orleans' own default.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan DefaultIdleTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often the collector looks for idle grains; idle timeouts are rounded up to it.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan CollectionQuantum { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Shed activations when the process's memory passes <see cref="MemoryLimitPercent"/> of what it may use.</summary>
    public bool ShedOnMemoryPressure { get; set; } = true;

    [Range(1, 100)]
    public double MemoryLimitPercent { get; set; } = 80;

    /// <summary>Shedding stops once memory is back under this.</summary>
    [Range(1, 100)]
    public double MemoryTargetPercent { get; set; } = 70;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MemoryTargetPercent >= MemoryLimitPercent)
        {
            yield return new ValidationResult("must be below MemoryLimitPercent.", [nameof(MemoryTargetPercent)]);
        }
    }
}

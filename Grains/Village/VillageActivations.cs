namespace Villages.Village;

/// <summary>What a host needs to know of village activations to configure their idle timeout.</summary>
public static class VillageActivations
{
    /// <summary>The grain class Orleans keys class-specific collection ages by.</summary>
    public static string GrainClass => typeof(VillageGrain).FullName!;
}

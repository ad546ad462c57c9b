namespace Villages;

/// <summary>
/// Grain references by key without resolving the interface type through attribute reflection on
/// every call (what IGrainFactory.GetGrain&lt;T&gt;(key) does): resolved once per interface, then
/// reused. Every enrolment makes two such calls (the village, its district).
/// </summary>
public static class GrainAddresses
{
    public static IVillageGrain Village(this IGrainFactory grains, string code) => Get<IVillageGrain>(grains, code);

    public static IRegionGrain Region(this IGrainFactory grains, string code) => Get<IRegionGrain>(grains, code);

    /// <summary>A regency's PERISAI agents: asked by every enrolment that names an agent.</summary>
    public static IAgentRegistryGrain AgentRegistry(this IGrainFactory grains, string regency) => Get<IAgentRegistryGrain>(grains, regency);

    private static T Get<T>(IGrainFactory grains, string key) where T : IGrainWithStringKey
    {
        var resolved = Types<T>.Resolved ??= Resolve<T>(grains);
        return (T)grains.GetGrain(GrainId.Create(resolved.Type, key), resolved.Interface);
    }

    private static Resolved Resolve<T>(IGrainFactory grains) where T : IGrainWithStringKey
    {
        var sample = (GrainReference)(object)grains.GetGrain<T>("-");
        return new Resolved(sample.GrainId.Type, sample.InterfaceType);
    }

    /// <summary>A class, not a struct: its reference is published whole, so a concurrent first call never reads half of it.</summary>
    private sealed record Resolved(GrainType Type, GrainInterfaceType Interface);

    private static class Types<T>
    {
        public static Resolved? Resolved;
    }
}

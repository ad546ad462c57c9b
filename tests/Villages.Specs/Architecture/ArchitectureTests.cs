using ArchUnitNET.Domain;
using ArchUnitNET.Fluent.Slices;
using ArchUnitNET.Loader;
using ArchUnitNET.xUnit;
using static ArchUnitNET.Fluent.ArchRuleDefinition;

namespace Villages.Specs.Architecture;

/// <summary>
/// The shape of the product, checked on its assemblies: namespaces never depend on each other in a
/// circle, and the rules (Domain, Regions, Privacy) stay plain C#, free of Orleans, Npgsql and ASP.NET.
/// </summary>
public sealed class ArchitectureTests
{
    private static readonly System.Reflection.Assembly[] Product =
    [
        typeof(IVillageGrain).Assembly,                       // Grains.Interfaces
        typeof(Villages.Domain.VillageLedger).Assembly,       // Grains
        typeof(Villages.Silo.Hosting.VillagesHosting).Assembly, // Silo
        typeof(Villages.WebApi.WebApiSetup).Assembly,         // WebApi
    ];

    private static readonly ArchUnitNET.Domain.Architecture Villages = new ArchLoader().LoadAssemblies(Product).Build();

    [Fact]
    public void No_namespace_depends_on_itself_through_another()
    {
        SliceRuleDefinition.Slices().Matching("Villages.(**)").Should().BeFreeOfCycles().Check(Villages);
    }

    /// <summary>Referenced types included (Types(true)): Orleans, Npgsql and ASP.NET are not loaded, only referenced.</summary>
    [Theory]
    [InlineData("Villages.Domain")]
    [InlineData("Villages.Regions")]
    [InlineData("Villages.Privacy")]
    public void The_rules_use_no_Orleans_Npgsql_or_AspNetCore_type(string rules)
    {
        Types().That().ResideInNamespaceMatching($"^{System.Text.RegularExpressions.Regex.Escape(rules)}(\\..*)?$")
            .Should().NotDependOnAny(Types(true).That().ResideInNamespaceMatching("^(Orleans|Npgsql|Microsoft\\.AspNetCore)(\\..*)?$"))
            .Check(Villages);
    }
}

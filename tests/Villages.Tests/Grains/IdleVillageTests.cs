using Villages.Tests.Infrastructure;
using static Villages.Tests.Infrastructure.Workers;

namespace Villages.Tests.Grains;

/// <summary>
/// Idle villages leave memory and come back whole. A cluster of its own, with a village idle
/// timeout of seconds instead of minutes (Villages:Activations).
/// </summary>
public sealed class IdleVillageTests : IAsyncLifetime
{
    private readonly VillageCluster _cluster = new()
    {
        InitialSilos = 1,
        Configuration = new Dictionary<string, string>
        {
            ["Villages:Activations:VillageIdleTimeout"] = "00:00:03",
            ["Villages:Activations:CollectionQuantum"] = "00:00:01",
        },
    };

    public Task InitializeAsync() => _cluster.InitializeAsync();

    public Task DisposeAsync() => _cluster.DisposeAsync();

    [Fact]
    public async Task An_idle_village_leaves_memory_and_its_next_call_finds_everything_it_had()
    {
        var code = TestVillage(1); // a database of its own: any village will do
        var village = _cluster.Grains.GetGrain<IVillageGrain>(code);
        await village.SetProgram(new ProgramTerms(100, 20_160_000, 12, FundingSource.SD), TestActors.Operator);
        var enrolled = await village.Enroll(Worker(), TestActors.Operator);
        var management = _cluster.Grains.GetGrain<IManagementGrain>(0);
        Assert.Equal(1, await management.GetGrainActivationCount((GrainReference)village));

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (await management.GetGrainActivationCount((GrainReference)village) > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "The village was still in memory 30 s after its last call (idle timeout 3 s).");
            await Task.Delay(250);
        }

        var snapshot = await village.GetVillage();
        Assert.Equal((1, enrolled.Enrollment!.Commitment), (snapshot.ActiveEnrollments, snapshot.Program!.BudgetCommitted));
        var listed = await village.ListEnrollments(0, 10);
        Assert.Equal(enrolled.Enrollment.EnrollmentId, Assert.Single(listed.Items).EnrollmentId);
    }
}

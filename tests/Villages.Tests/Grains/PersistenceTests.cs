using Villages.Tests.Infrastructure;
using static Villages.Tests.Infrastructure.Workers;

namespace Villages.Tests.Grains;

/// <summary>Every acknowledged write survives a restart of the whole service, and the loss of a silo.</summary>
public sealed class PersistenceTests : IAsyncLifetime
{
    private readonly VillageCluster _cluster = new();

    public Task InitializeAsync() => _cluster.InitializeAsync();

    public Task DisposeAsync() => _cluster.DisposeAsync();

    [Fact]
    public async Task Programmes_enrolments_and_claims_survive_a_restart_of_every_silo()
    {
        var code = TestVillage(0);
        var village = _cluster.Grains.GetGrain<IVillageGrain>(code);
        await village.SetProgram(new ProgramTerms(100, 150 * YearOfUsualPackage, 12, FundingSource.SD), TestActors.Operator);
        var workers = Enumerable.Range(0, 120).Select(_ => Worker()).ToList(); // three pages
        await village.EnrollBatch(workers.Take(60).ToList(), TestActors.Operator);
        foreach (var worker in workers.Skip(60)) await village.Enroll(worker, TestActors.Operator);
        var withdrawn = (await village.Enroll(workers[7], TestActors.Operator)).Enrollment!.EnrollmentId;
        await village.Withdraw(withdrawn, TestActors.Operator);
        var before = await village.GetVillage();

        await _cluster.RestartAsync();

        village = _cluster.Grains.GetGrain<IVillageGrain>(code);
        var after = await village.GetVillage();
        Assert.Equal(before with { Program = before.Program! with { UpdatedAt = after.Program!.UpdatedAt } }, after);
        Assert.Equal(119, after.ActiveEnrollments);
        var list = await village.ListEnrollments(0, 500);
        Assert.Equal(120, list.Total);
        Assert.Equal(EnrollmentStatus.Withdrawn, (await village.GetEnrollment(withdrawn))!.Status);
        Assert.Equal(EnrollmentResult.Unchanged, (await village.Enroll(workers[100], TestActors.Operator)).Result);
        var other = _cluster.Grains.GetGrain<IVillageGrain>(TestVillage(1));
        await other.SetProgram(new ProgramTerms(100, 20_160_000, 12, FundingSource.SD), TestActors.Operator);
        Assert.Equal(FailureCode.EnrolledElsewhere, (await other.Enroll(workers[0], TestActors.Operator)).Failure?.Code);
    }

    [Fact]
    public async Task Losing_a_silo_loses_no_acknowledged_enrolment()
    {
        var codes = Enumerable.Range(10, 20).Select(TestVillage).ToList();
        foreach (var code in codes)
        {
            var village = _cluster.Grains.GetGrain<IVillageGrain>(code);
            await village.SetProgram(new ProgramTerms(100, 20_160_000, 12, FundingSource.SD), TestActors.Operator);
            await village.EnrollBatch([Worker(), Worker(), Worker()], TestActors.Operator);
        }

        await _cluster.Cluster.KillSiloAsync(_cluster.Cluster.Silos[^1]);

        foreach (var code in codes)
        {
            var snapshot = await _cluster.Grains.GetGrain<IVillageGrain>(code).GetVillage();
            Assert.Equal((3, 3 * YearOfUsualPackage), (snapshot.ActiveEnrollments, snapshot.Program!.BudgetCommitted));
        }
    }
}

using Villages.Tests.Infrastructure;
using static Villages.Tests.Infrastructure.Workers;

namespace Villages.Tests.Grains;

/// <summary>One worker in one village nationwide, and the budget, under concurrency and crashes.</summary>
[Collection(GrainCollection.Name)]
public sealed class OneVillageRuleTests(GrainFixture fixture)
{
    private async Task<IVillageGrain> OpenVillage(string code, long budget = 20_160_000)
    {
        var village = fixture.Grains.GetGrain<IVillageGrain>(code);
        Assert.Null((await village.SetProgram(new ProgramTerms(100, budget, 12, FundingSource.SD), TestActors.Operator)).Failure);
        return village;
    }

    [Fact]
    public async Task Fifty_concurrent_enrolments_racing_for_the_last_slot_commit_exactly_what_fits()
    {
        var village = await OpenVillage(fixture.NextVillage());
        var prefill = await village.EnrollBatch([.. Enumerable.Range(0, 99).Select(_ => Worker())], TestActors.Operator);
        Assert.All(prefill, o => Assert.Equal(EnrollmentResult.Created, o.Result));

        var racers = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() => village.Enroll(Worker(), TestActors.Operator))));

        Assert.Single(racers, o => o.Result == EnrollmentResult.Created);
        Assert.All(racers.Where(o => o.Result != EnrollmentResult.Created), o => Assert.Equal(FailureCode.BudgetExceeded, o.Failure?.Code));
        var snapshot = await village.GetVillage();
        Assert.Equal((100, 20_160_000L, 0L), (snapshot.ActiveEnrollments, snapshot.Program!.BudgetCommitted, snapshot.Program!.BudgetRemaining));
    }

    [Fact]
    public async Task Twenty_concurrent_claims_of_one_worker_in_twenty_villages_give_one_winner()
    {
        var codes = Enumerable.Range(0, 20).Select(_ => fixture.NextVillage()).ToList();
        var villages = await Task.WhenAll(codes.Select(c => OpenVillage(c)));
        var worker = Worker();

        var outcomes = await Task.WhenAll(villages.Select(v => Task.Run(() => v.Enroll(worker, TestActors.Operator))));

        var winner = Assert.Single(outcomes, o => o.Result == EnrollmentResult.Created);
        Assert.All(outcomes.Where(o => o != winner), o =>
        {
            Assert.Equal(FailureCode.EnrolledElsewhere, o.Failure?.Code);
            Assert.Equal(winner.Enrollment!.VillageCode, o.Failure!.OtherVillage);
        });
        Assert.Equal(winner.Enrollment!.VillageCode, await fixture.Cluster.RegistryHolderAsync(worker.Nik!));
        var active = await Task.WhenAll(villages.Select(v => v.GetVillage()));
        Assert.Equal(1, active.Sum(s => s.ActiveEnrollments));
    }

    [Fact]
    public async Task A_claim_left_by_a_crash_before_the_enrolment_was_saved_is_repaired_by_a_retry_elsewhere()
    {
        var crashed = fixture.NextVillage();
        var elsewhere = await OpenVillage(fixture.NextVillage());
        await OpenVillage(crashed);
        var worker = Worker();
        // The first step of the protocol happened (the registry names the village), the second never did.
        await fixture.Cluster.LeaveClaimAsync(worker.Nik!, crashed);

        var retried = await elsewhere.Enroll(worker, TestActors.Operator);

        Assert.Equal(EnrollmentResult.Created, retried.Result);
        Assert.Equal(elsewhere.GetPrimaryKeyString(), await fixture.Cluster.RegistryHolderAsync(worker.Nik!));
    }

    [Fact]
    public async Task A_claim_left_by_a_crash_is_completed_by_a_retry_in_the_same_village()
    {
        var code = fixture.NextVillage();
        var village = await OpenVillage(code);
        var worker = Worker();
        await fixture.Cluster.LeaveClaimAsync(worker.Nik!, code);

        Assert.Equal(EnrollmentResult.Created, (await village.Enroll(worker, TestActors.Operator)).Result);
        Assert.Equal(code, await fixture.Cluster.RegistryHolderAsync(worker.Nik!));
        Assert.Equal(1, (await village.GetVillage()).ActiveEnrollments);
    }

    [Fact]
    public async Task A_withdrawn_worker_whose_release_was_lost_can_enrol_elsewhere()
    {
        var first = fixture.NextVillage();
        var village = await OpenVillage(first);
        var other = await OpenVillage(fixture.NextVillage());
        var worker = Worker();
        var enrolled = await village.Enroll(worker, TestActors.Operator);
        await village.Withdraw(enrolled.Enrollment!.EnrollmentId, TestActors.Operator);
        // As if the release after the withdrawal never reached the registry.
        await fixture.Cluster.LeaveClaimAsync(worker.Nik!, first);

        Assert.Equal(EnrollmentResult.Created, (await other.Enroll(worker, TestActors.Operator)).Result);
        Assert.Equal(FailureCode.EnrolledElsewhere, (await village.Enroll(worker, TestActors.Operator)).Failure?.Code);
    }

    [Fact]
    public async Task A_worker_withdrawn_from_one_village_can_move_to_another()
    {
        var from = await OpenVillage(fixture.NextVillage());
        var to = await OpenVillage(fixture.NextVillage());
        var worker = Worker();
        var enrolled = await from.Enroll(worker, TestActors.Operator);
        Assert.Equal(FailureCode.EnrolledElsewhere, (await to.Enroll(worker, TestActors.Operator)).Failure?.Code);
        await from.Withdraw(enrolled.Enrollment!.EnrollmentId, TestActors.Operator);
        Assert.Equal(EnrollmentResult.Created, (await to.Enroll(worker, TestActors.Operator)).Result);
    }
}

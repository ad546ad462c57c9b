using Villages.Domain;
using Villages.Specs.Domain;
using static Villages.Specs.Money.MoneyData;

namespace Villages.Specs.Agents;

/// <summary>
/// Contributions collected, an agent's commission base: each worker's premium for each month, in
/// the proportion the month was paid, in whole rupiah that add up exactly.
/// </summary>
public class AgentContributionsTests
{
    private static readonly FigureOptions Options = new();

    [Fact]
    public void A_month_paid_in_part_is_shared_by_premium_and_the_rupiah_left_go_to_the_largest_remainders()
    {
        Assert.Equal([3_334L, 3_333, 3_333], AgentContributions.Apportion(10_000, [16_800, 16_800, 16_800]));
        // 40,000 of 80,400: exactly 8,358.2, 13,333.3 and 18,308.5; the one rupiah left goes to the largest remainder.
        Assert.Equal([8_358L, 13_333, 18_309], AgentContributions.Apportion(40_000, [16_800, 26_800, 36_800]));
    }

    [Fact]
    public void A_month_paid_in_full_or_more_gives_each_worker_their_premium_and_an_unpaid_one_nothing()
    {
        Assert.Equal([16_800L, 26_800], AgentContributions.Apportion(43_600, [16_800, 26_800]));
        Assert.Equal([16_800L, 26_800], AgentContributions.Apportion(100_000, [16_800, 26_800])); // overpaid: shown on the dues, not a contribution
        Assert.Equal([0L, 0], AgentContributions.Apportion(0, [16_800, 26_800]));
    }

    [Fact]
    public void Shares_always_add_up_to_what_was_paid_and_each_is_within_a_rupiah_of_its_exact_share()
    {
        var random = new Random(20_261_129);
        for (var trial = 0; trial < 2_000; trial++)
        {
            var premiums = Enumerable.Range(0, 1 + random.Next(120)).Select(_ => 16_800L + random.Next(0, 2_200_000)).ToArray();
            var due = premiums.Sum();
            var paid = random.NextInt64(0, due + due / 5);

            var parts = AgentContributions.Apportion(paid, premiums);

            Assert.Equal(Math.Min(paid, due), parts.Sum());
            for (var i = 0; i < parts.Length; i++)
            {
                var exactFloor = (long)((Int128)premiums[i] * Math.Min(paid, due) / due);
                Assert.InRange(parts[i], exactFloor, exactFloor + 1);
            }
        }
    }

    [Fact]
    public void An_agent_collects_their_workers_share_of_each_payment_in_the_figures()
    {
        var ledger = Ledger();
        ledger.Enroll(TestData.Request(TestData.Worker(1), agent: "PRS-A"), At(2026, 1, 5));
        ledger.Enroll(TestData.Request(TestData.Worker(2), agent: "PRS-A"), At(2026, 1, 5));
        ledger.Enroll(TestData.Request(TestData.Worker(3)), At(2026, 1, 5));
        ledger.Pay("SP2D-1", At(2026, 1, 10), 30_000, Month(2026, 1));     // 30,000 of 50,400: 10,000 a worker
        ledger.Pay("SP2D-2", At(2026, 1, 10), 50_400, Month(2026, 2));     // in full

        var agent = Assert.Single(Figures.Report(TestData.VillageCode, ledger, Day(2026, 1, 10), 1, Options).Figures.TopAgents);

        Assert.Equal(("PRS-A", 2, 33_600L, 2 * 10_000L + 33_600), (agent.AgentId, agent.Enrollments, agent.MonthlyPremiums, agent.ContributionsCollected));
    }

    [Fact]
    public void Every_workers_share_adds_up_to_what_the_programme_was_paid_for_its_months()
    {
        var ledger = Ledger();
        for (var serial = 1; serial <= 7; serial++) ledger.Enroll(TestData.Request(TestData.Worker(serial), income: 1_000_000 + serial * 137_000, agent: serial % 3 == 0 ? null : $"PRS-{serial % 2}"), At(2026, 1, 5));
        ledger.Pay("SP2D-1", At(2026, 1, 10), 100_001, Month(2026, 1));
        ledger.Pay("SP2D-2", At(2026, 1, 10), 77_777, Month(2026, 2), Month(2026, 3));
        ledger.Pay("SP2D-3", At(2026, 1, 10), 5_000_000, Month(2026, 4)); // overpaid

        var dues = ledger.Dues();
        var shares = AgentContributions.Shares(ledger.Enrollments, new Dictionary<ProgramKey, ProgrammeDues> { [TestData.Year2026()] = dues });
        var byAgent = AgentContributions.ByAgent([.. ledger.Enrollments], new Dictionary<ProgramKey, ProgrammeDues> { [TestData.Year2026()] = dues });
        var withoutAgent = ledger.Enrollments.Where(static e => e.AgentId is null).Sum(e => shares[e.Id]);

        var collected = dues.Months.Sum(static m => Math.Min(m.AmountPaid, m.AmountDue));
        Assert.Equal(100_001 + 77_777 + dues.Month(Month(2026, 4))!.AmountDue, collected);
        Assert.Equal(collected, shares.Values.Sum());
        Assert.Equal(collected, byAgent.Values.Sum() + withoutAgent);
        Assert.Equal(["PRS-0", "PRS-1"], byAgent.Keys.Order());
    }

    [Fact]
    public void A_prepaid_programme_of_the_first_release_counts_every_month_owed_as_collected()
    {
        var ledger = Ledger(prepaid: true);
        ledger.Enroll(TestData.Request(TestData.Worker(1), agent: "PRS-A"), At(2026, 1, 5));

        var agent = Assert.Single(Figures.OfVillage(TestData.VillageCode, ledger, Day(2026, 1, 10), Options).TopAgents);

        Assert.Equal(12 * 16_800L, agent.ContributionsCollected);
    }

    [Fact]
    public void A_worker_withdrawn_keeps_what_was_collected_for_their_agent_who_stays_in_the_list()
    {
        var ledger = Ledger();
        ledger.Enroll(TestData.Request(TestData.Worker(1), agent: "PRS-A"), At(2026, 1, 5));
        ledger.Pay("SP2D-1", At(2026, 1, 10), 16_800, Month(2026, 1));
        ledger.Withdraw(TestData.Worker(1), At(2026, 2, 3));

        var agent = Assert.Single(Figures.OfVillage(TestData.VillageCode, ledger, Day(2026, 2, 3), Options).TopAgents);

        Assert.Equal(("PRS-A", 0, 0L, 16_800L), (agent.AgentId, agent.Enrollments, agent.MonthlyPremiums, agent.ContributionsCollected));
    }

    [Fact]
    public void A_region_adds_up_its_villages_contributions_per_agent()
    {
        RegionFigures Village(params AgentResult[] agents) => RegionFigures.Zero with { TopAgents = [.. agents] };

        var sum = Figures.Sum([Village(new AgentResult("PRS-A", 2, 33_600, 50_000)), Village(new AgentResult("PRS-A", 1, 16_800, 7), new AgentResult("PRS-B", 1, 16_800, 16_800))],
            Day(2026, 1, 10), Options);

        Assert.Equal([new AgentResult("PRS-A", 3, 50_400, 50_007), new AgentResult("PRS-B", 1, 16_800, 16_800)], sum.TopAgents.ToArray());
    }
}

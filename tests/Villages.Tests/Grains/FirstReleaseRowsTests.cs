using System.Text.Json;
using Npgsql;
using Villages.Privacy;
using Villages.Tests.Infrastructure;
using Villages.Tests.Progress;

namespace Villages.Tests.Grains;

/// <summary>
/// The rows the first release wrote (Fixtures/first-release-rows.json, made by its own code at commit
/// 29d080c: two villages, enrolments made one by one and in a batch, a re-pricing, a withdrawal, a
/// worker who came back, a programme change, an import job, its rollups) read by today's code.
/// </summary>
public sealed class FirstReleaseRowsTests : IAsyncLifetime
{
    private const string A = "35.10.01.2001", B = "35.10.16.1001";
    private static readonly JsonElement Fixture = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "first-release-rows.json"))).RootElement;
    private VillageCluster _cluster = null!;

    private static JsonElement Expected(string name) => Fixture.GetProperty("expected").GetProperty(name);

    /// <summary>
    /// A worker the first release's rows never held. Their NIKs came from the same generator as
    /// <see cref="Workers.NewNik"/> (its first 20), so a test that runs before others have drawn
    /// 20 would otherwise get a stored worker back.
    /// </summary>
    private static EnrollmentRequest NewWorker(string? agentId = null)
    {
        var stored = Expected("workers").EnumerateArray().Select(static w => w.GetString()).ToHashSet(StringComparer.Ordinal);
        string nik;
        do nik = Workers.NewNik(); while (stored.Contains(nik));
        return Workers.Worker(nik: nik, agentId: agentId);
    }

    private static string Secret => Fixture.GetProperty("privacySecret").GetString()!;

    public async Task InitializeAsync()
    {
        var database = await TestPostgres.CreateDatabaseAsync("firstrelease");
        await LoadRowsAsync(database);
        _cluster = new VillageCluster { Database = database, ServiceIdOf = Fixture.GetProperty("serviceId").GetString(), Secret = Secret };
        await _cluster.InitializeAsync();
    }

    public Task DisposeAsync() => _cluster.DisposeAsync();

    [Fact]
    public async Task The_programme_is_its_years_and_the_money_is_what_it_was()
    {
        var a = await _cluster.Grains.Village(A).GetVillage();
        var old = Expected("a.snapshot");

        var program = a.Program!;
        Assert.Equal((2026, FundingSource.SD, Cohort.Vulnerable), (program.Year, program.FundingSource, program.Cohort));
        Assert.Equal(old.GetProperty("Program").GetProperty("TargetWorkers").GetInt32(), program.TargetWorkers);
        Assert.Equal(old.GetProperty("Program").GetProperty("BudgetAllocated").GetInt64(), program.BudgetAllocated);
        Assert.Equal(old.GetProperty("BudgetCommitted").GetInt64(), program.BudgetCommitted);
        Assert.Equal(old.GetProperty("ActiveEnrollments").GetInt32(), a.ActiveEnrollments);
        Assert.Equal(old.GetProperty("MonthlyPremiums").GetInt64(), a.MonthlyPremiums);
        var b = await _cluster.Grains.Village(B).GetVillage();
        Assert.Equal((2026, FundingSource.SA, 6, Expected("b.snapshot").GetProperty("ActiveEnrollments").GetInt32()),
            (b.Program!.Year, b.Program.FundingSource, b.Program.CoverageMonths, b.ActiveEnrollments));
    }

    [Fact]
    public async Task A_programme_of_the_first_release_was_prepaid_its_months_count_as_paid_and_nobody_ends_for_arrears()
    {
        var dues = (await _cluster.Grains.Village(A).GetDues(2026, null, null)).Dues!;

        Assert.True(dues.Prepaid);
        Assert.NotEmpty(dues.Months);
        Assert.All(dues.Months, static m => Assert.Equal(MonthStatus.Paid, m.Status));
        Assert.Equal((0, 0L), (dues.InArrears, dues.AmountInArrears));
        Assert.DoesNotContain((await _cluster.Grains.Village(A).ListEnrollments(0, 100)).Items, static e => e.Status == EnrollmentStatus.Terminated);
    }

    [Fact]
    public async Task Every_enrolment_keeps_its_money_and_is_covered_from_its_registration_day()
    {
        var old = Expected("a.enrollments").GetProperty("Items").EnumerateArray().ToDictionary(static e => e.GetProperty("EnrollmentId").GetString()!);
        var now = (await _cluster.Grains.Village(A).ListEnrollments(0, 100)).Items;

        Assert.Equal(old.Count, now.Count);
        foreach (var e in now)
        {
            var before = old[e.EnrollmentId];
            Assert.Equal(before.GetProperty("Commitment").GetInt64(), e.Commitment);
            Assert.Equal(DateOnly.FromDateTime(before.GetProperty("EnrolledAt").GetDateTimeOffset().ToOffset(TimeSpan.FromHours(7)).DateTime), e.CoverageStart);
            Assert.Equal(before.GetProperty("CoverageEnd").GetString(), e.Status == EnrollmentStatus.Withdrawn ? before.GetProperty("CoverageEnd").GetString() : e.CoverageEnd.ToString("yyyy-MM-dd"));
            Assert.Equal(before.GetProperty("Status").GetInt32() == 2, e.Status == EnrollmentStatus.Withdrawn);
            Assert.Equal((2026, FundingSource.SD), (e.Year, e.FundingSource));
        }
        Assert.Equal(Expected("a.history.total").GetInt32(), (await _cluster.Grains.Village(A).GetHistory(0, 1000)).Total);
        Assert.Equal(Expected("b.history.total").GetInt32(), (await _cluster.Grains.Village(B).GetHistory(0, 1000)).Total);
    }

    [Fact]
    public async Task The_import_job_and_the_registry_still_answer()
    {
        var job = await _cluster.Grains.GetGrain<IImportJobGrain>(Guid.Parse(Expected("job").GetProperty("Id").GetString()!)).GetStatus();
        Assert.Equal((3, 1, 1, 1), (job!.Rows, job.Created, job.Unchanged, job.Rejected));

        var workers = Expected("workers").EnumerateArray().Select(static w => w.GetString()!).ToList();
        var other = _cluster.Grains.Village(RegionsForTests.BanyuwangiDesa[40]);
        await other.SetProgram(new ProgramTerms(100, 20_160_000, 12, FundingSource.SD), TestActors.Operator);
        var elsewhere = await other.Enroll(Workers.Worker(nik: workers[0]), TestActors.Operator);
        Assert.Equal((FailureCode.EnrolledElsewhere, A), (elsewhere.Failure?.Code, elsewhere.Failure?.OtherVillage));
        // Withdrawn on 15 July 2026: free to enrol elsewhere.
        Assert.Equal(EnrollmentResult.Created, (await other.Enroll(Workers.Worker(nik: workers[3]), TestActors.Operator)).Result);
    }

    [Fact]
    public async Task Enrolments_stored_with_an_agent_the_registry_never_knew_keep_it_count_for_it_and_stay_idempotent()
    {
        // The first release accepted any agent code; the registry (empty here) judges new enrolments only.
        var a = _cluster.Grains.Village(A);
        var theirs = Expected("a.enrollments").GetProperty("Items").EnumerateArray().Where(static e => e.GetProperty("AgentId").GetString() == "PRS-3510-1").ToList();
        var agent = Assert.Single((await a.GetReport()).Figures.TopAgents, static t => t.AgentId == "PRS-3510-1");
        // A prepaid programme of the first release: every month its workers owe counts as collected.
        Assert.Equal((theirs.Count(static e => e.GetProperty("Status").GetInt32() == 1), theirs.Sum(static e => e.GetProperty("Commitment").GetInt64())),
            (agent.Enrollments, agent.ContributionsCollected));

        var keys = new WorkerKeys(new PrivacyOptions { Secret = Secret });
        var active = theirs.Where(static e => e.GetProperty("Status").GetInt32() == 1).Select(static e => e.GetProperty("EnrollmentId").GetString()).ToHashSet();
        var nik = Expected("workers").EnumerateArray().Select(static w => w.GetString()!).First(n => active.Contains(keys.EnrollmentId(A, n)));
        var held = (await a.GetEnrollment(keys.EnrollmentId(A, nik)))!;
        var again = await a.Enroll(new EnrollmentRequest
        {
            Nik = nik, Name = held.Name, Occupation = held.Occupation, MonthlyIncome = held.MonthlyIncome, Programs = held.Programs, AgentId = "PRS-3510-1",
        }, TestActors.Operator);
        Assert.Equal((EnrollmentResult.Unchanged, "PRS-3510-1"), (again.Result, again.Enrollment?.AgentId));
        Assert.Equal(FailureCode.AgentNotRegistered, (await a.Enroll(NewWorker(agentId: "PRS-3510-1"), TestActors.Operator)).Failure?.Code);
    }

    [Fact]
    public async Task A_worker_withdrawn_before_the_registry_kept_its_history_is_found_by_a_coverage_question()
    {
        var nik = Expected("workers")[3].GetString()!; // withdrawn on 15 July 2026
        await _cluster.Grains.Village(A).GetVillage(); // the village records its workers in the history when it wakes

        var answer = await Rollups.PollAsync(
            () => _cluster.Grains.GetGrain<ICoverageLookupGrain>(0).Lookup(nik, new DateOnly(2026, 7, 1), TestActors.Operator),
            static a => a.Covered, TimeSpan.FromSeconds(20));

        Assert.Equal((A, 2026, FundingSource.SD), (answer.VillageCode, answer.Year, answer.FundingSource));
        Assert.False((await _cluster.Grains.GetGrain<ICoverageLookupGrain>(0).Lookup(nik, new DateOnly(2026, 8, 1), TestActors.Operator)).Covered);
    }

    [Fact]
    public async Task The_rollups_of_the_first_release_are_rebuilt_to_the_villages_figures()
    {
        var covered = Expected("a.snapshot").GetProperty("ActiveEnrollments").GetInt32() + Expected("b.snapshot").GetProperty("ActiveEnrollments").GetInt32();
        var nation = await Rollups.PollAsync(() => _cluster.Grains.Region("ID").GetProgress(),
            p => p.Complete && p.Figures.Workers.WorkersCovered == covered, TimeSpan.FromSeconds(60));

        Assert.Equal((2, covered), (nation.Figures.Workers.VillagesWithProgram, nation.Figures.Workers.WorkersCovered));
        Assert.Equal(2, nation.Figures.Years[2026].VillagesWithProgram);
    }

    [Fact]
    public async Task A_village_written_by_today_s_code_reads_back_its_old_and_new_rows_after_a_restart()
    {
        var a = _cluster.Grains.Village(A);
        await a.Enroll(NewWorker(), TestActors.Operator);
        var before = await a.ListEnrollments(0, 100);

        await _cluster.RestartAsync();

        var after = await _cluster.Grains.Village(A).ListEnrollments(0, 100);
        Assert.Equal(before.Items.Select(static e => (e.EnrollmentId, e.Commitment, e.CoverageStart, e.CoverageEnd, e.Status)),
            after.Items.Select(static e => (e.EnrollmentId, e.Commitment, e.CoverageStart, e.CoverageEnd, e.Status)));
    }

    private static async Task LoadRowsAsync(string database)
    {
        await using var db = new NpgsqlConnection(database);
        await db.OpenAsync();
        foreach (var row in Fixture.GetProperty("rows").EnumerateArray())
        {
            await using var insert = new NpgsqlCommand("""
                INSERT INTO orleansstorage (grainkey, grainidn0, grainidn1, version, serviceid, graintypestring, grainidextensionstring, payloadbinary)
                VALUES (orleansstorage_key(@s, @t, @n0, @n1, @e), @n0, @n1, @v, @s, @t, @e, @p)
                """, db);
            insert.Parameters.AddWithValue("s", row.GetProperty("serviceId").GetString()!);
            insert.Parameters.AddWithValue("t", row.GetProperty("stateName").GetString()!);
            insert.Parameters.AddWithValue("n0", row.GetProperty("grainIdN0").GetInt64());
            insert.Parameters.AddWithValue("n1", row.GetProperty("grainIdN1").GetInt64());
            insert.Parameters.AddWithValue("e", (object?)row.GetProperty("extension").GetString() ?? DBNull.Value);
            insert.Parameters.AddWithValue("v", row.GetProperty("version").GetInt32());
            insert.Parameters.AddWithValue("p", Convert.FromBase64String(row.GetProperty("payload").GetString()!));
            await insert.ExecuteNonQueryAsync();
        }
        foreach (var row in Fixture.GetProperty("registry").EnumerateArray())
        {
            await using var insert = new NpgsqlCommand("INSERT INTO nik_registry (service_id, nik_key, village_code, version) VALUES (@s, @k, @v, @n)", db);
            insert.Parameters.AddWithValue("s", row.GetProperty("serviceId").GetString()!);
            insert.Parameters.AddWithValue("k", Convert.FromBase64String(row.GetProperty("nikKey").GetString()!));
            insert.Parameters.AddWithValue("v", row.GetProperty("village").GetString()!);
            insert.Parameters.AddWithValue("n", row.GetProperty("version").GetInt32());
            await insert.ExecuteNonQueryAsync();
        }
        // The release's registry had no history: as the migration does, today's holders start it.
        await using var history = new NpgsqlCommand("INSERT INTO nik_history (service_id, nik_key, village_code) SELECT service_id, nik_key, village_code FROM nik_registry ON CONFLICT DO NOTHING", db);
        await history.ExecuteNonQueryAsync();
    }
}

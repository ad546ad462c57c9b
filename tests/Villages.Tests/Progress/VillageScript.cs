using Villages.Domain;
using Villages.Regions;
using Villages.Tests.Infrastructure;

namespace Villages.Tests.Progress;

/// <summary>A worker as the driver knows them in one village: what was last accepted, and the enrolment id.</summary>
internal sealed class KnownWorker(string nik)
{
    public string Nik => nik;
    public EnrollmentRequest? Accepted { get; set; }
    public string? Id { get; set; }
    public bool Active { get; set; }
}

/// <summary>
/// What an operator does in one village, drawn from the village's own seeded random source: open
/// or change the programme (target, budget, coverage), enrol, enrol the same worker again, re-price,
/// edit, withdraw, bring a worker back, send a batch. Only this village's outcomes steer it, so the
/// script is the same however villages interleave.
/// </summary>
internal sealed class VillageScript(string code, int index, int seed)
{
    private static readonly string[] Occupations = [.. EnrollmentOptions.DefaultOccupations];
    private static readonly long[] Incomes = [1_000_000, 1_000_000, 1_000_000, 1_250_000, 1_750_000, 2_500_000, 4_000_000];
    /// <summary>The PERISAI agents of a regency the scripts name (registered there by the workload).</summary>
    public static IEnumerable<string> AgentsOf(string regency) => Enumerable.Range(1, 12).Select(i => $"PERISAI-{regency}-{i:D2}");

    private readonly Random _random = new(seed * 7_919 + index);
    private readonly List<KnownWorker> _workers = [];

    public string Code => code;
    public ProgramTerms? Terms { get; private set; }
    public IEnumerable<KnownWorker> Active => _workers.Where(static w => w.Active);

    /// <summary>A valid NIK unique to this village's index and worker number (born 1970-99, women every other one).</summary>
    public static string Nik(int village, int worker) =>
        $"737101{1 + village % 28 + (worker % 2 == 0 ? 40 : 0):D2}{1 + village / 28 % 12:D2}{70 + village / 336 % 30:D2}{worker + 1:D4}";

    public async Task StepAsync(IVillageGrain village, Action<string> count)
    {
        if (Terms is null)
        {
            if (_random.Next(12) == 0) count("early:" + Outcome(await Enroll(village, NewWorker(), Request())));
            else await SetProgramAsync(village, "open", Open(), count);
            return;
        }
        var roll = _random.Next(100);
        var active = Active.ToList();
        var inactive = _workers.Where(static w => !w.Active).ToList();
        KnownWorker Pick(List<KnownWorker> from) => from[_random.Next(from.Count)];
        switch (roll)
        {
            case < 8 when active.Count > 0:
                var same = Pick(active);
                count("same:" + Outcome(await Enroll(village, same, same.Accepted!)));
                break;
            case < 18 when active.Count > 0:
                var repriced = Pick(active);
                var income = repriced.Accepted!.MonthlyIncome + 250_000 * (1 + _random.Next(8));
                ProgramNames.TryParse(repriced.Accepted.Programs, out var accepted);
                var programs = ProgramNames.Of(accepted ^ (_random.Next(2) == 0 ? Programs.Jht : Programs.None));
                count("reprice:" + Outcome(await Enroll(village, repriced, repriced.Accepted with { MonthlyIncome = income, Programs = programs })));
                break;
            case < 23 when active.Count > 0:
                var edited = Pick(active);
                var edit = edited.Accepted! with { Occupation = Occupations[_random.Next(Occupations.Length)], AgentId = Agent() ?? edited.Accepted.AgentId };
                count("edit:" + Outcome(await Enroll(village, edited, edit)));
                break;
            case < 35 when active.Count > 0:
                var leaving = Pick(active);
                var withdrawal = await village.Withdraw(leaving.Id!, Infrastructure.TestActors.Operator);
                if (withdrawal.Failure is null) leaving.Active = false;
                count("withdraw:" + (withdrawal.Failure?.Code.ToString() ?? "Withdrawn"));
                break;
            case < 40 when inactive.Count > 0:
                var back = Pick(inactive);
                count("return:" + Outcome(await Enroll(village, back, Request())));
                break;
            case < 48:
                await SetProgramAsync(village, "change", Change(), count);
                break;
            case < 56:
                await BatchAsync(village, count);
                break;
            default:
                count("enrol:" + Outcome(await Enroll(village, NewWorker(), Request())));
                break;
        }
    }

    /// <summary>Takes in a worker who left another village: a known worker here from now on.</summary>
    public async Task<EnrollmentOutcome> TakeInAsync(IVillageGrain village, string nik) =>
        await Enroll(village, Adopt(nik), Request());

    private async Task SetProgramAsync(IVillageGrain village, string what, ProgramTerms terms, Action<string> count)
    {
        var outcome = await village.SetProgram(terms, Infrastructure.TestActors.Operator);
        if (outcome.Failure is null) Terms = terms;
        count($"{what}:" + (outcome.Failure?.Code.ToString() ?? (outcome.Created ? "Created" : "Changed")));
    }

    private async Task BatchAsync(IVillageGrain village, Action<string> count)
    {
        var rows = Enumerable.Range(0, 2 + _random.Next(5)).Select(_ => (Worker: NewWorker(), Request: Request())).ToList();
        if (Active.FirstOrDefault() is { } again) rows.Add((again, again.Accepted!)); // unchanged
        if (_random.Next(3) == 0) rows.Add(rows[0]);                                // the same row twice in one batch
        if (_random.Next(3) == 0) rows.Add((NewWorker(), Request() with { Occupation = "astronot" })); // refused, blocks nothing
        var outcomes = await village.EnrollBatch([.. rows.Select(static r => r.Request with { Nik = r.Worker.Nik })], Infrastructure.TestActors.Operator);
        for (var i = 0; i < rows.Count; i++) Record(rows[i].Worker, rows[i].Request, outcomes[i]);
        foreach (var outcome in outcomes) count("batch:" + Outcome(outcome));
    }

    private async Task<EnrollmentOutcome> Enroll(IVillageGrain village, KnownWorker worker, EnrollmentRequest request)
    {
        var outcome = await village.Enroll(request with { Nik = worker.Nik }, Infrastructure.TestActors.Operator);
        Record(worker, request, outcome);
        return outcome;
    }

    private static void Record(KnownWorker worker, EnrollmentRequest request, EnrollmentOutcome outcome)
    {
        if (outcome.Enrollment is not { } view) return;
        (worker.Accepted, worker.Id, worker.Active) = (request with { Nik = worker.Nik, AgentId = view.AgentId }, view.EnrollmentId, true);
    }

    private static string Outcome(EnrollmentOutcome outcome) => outcome.Failure?.Code.ToString() ?? outcome.Result.ToString();

    private KnownWorker NewWorker() => Adopt(Nik(index, _workers.Count));

    private KnownWorker Adopt(string nik)
    {
        var worker = new KnownWorker(nik);
        _workers.Add(worker);
        return worker;
    }

    private EnrollmentRequest Request() => new()
    {
        Nik = "", Name = $"Pekerja {_random.Next(10_000)}", Occupation = Occupations[_random.Next(Occupations.Length)],
        MonthlyIncome = Incomes[_random.Next(Incomes.Length)],
        Programs = ProgramNames.Of(_random.Next(4) == 0 ? Programs.Jkk | Programs.Jkm | Programs.Jht : Programs.Jkk | Programs.Jkm), AgentId = Agent(),
    };

    private string? Agent() => _random.Next(3) == 0 ? $"PERISAI-{code[..5]}-{1 + _random.Next(12):D2}" : null;

    private ProgramTerms Open()
    {
        var target = 3 + _random.Next(20);
        var months = _random.Next(3) == 0 ? 6 : 12;
        return new ProgramTerms(target, Budget(target * 16_800L * months * (50 + _random.Next(110)) / 100), months, Funding());
    }

    private ProgramTerms Change() => _random.Next(3) switch
    {
        0 => Terms! with { TargetWorkers = 1 + _random.Next(30) },
        1 => Terms! with { BudgetAllocated = Budget(Terms.BudgetAllocated * (50 + _random.Next(130)) / 100) }, // sometimes below what is committed
        // A funder is a programme of its own: another funder opens a second programme, not a change of this one.
        _ => Terms! with { CoverageMonths = 1 + _random.Next(12) },
    };

    private static long Budget(long amount) => Math.Max(1_000, amount / 1_000 * 1_000);

    private FundingSource Funding() => RegionCode.KindOf(code) == VillageKind.Kelurahan
        ? (_random.Next(2) == 0 ? FundingSource.SA : FundingSource.SL)
        : (_random.Next(3) == 0 ? FundingSource.SL : FundingSource.SD);
}

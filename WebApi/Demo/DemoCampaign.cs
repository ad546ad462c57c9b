using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Villages.Regions;
using Villages.WebApi.Security;

namespace Villages.WebApi.Demo;

/// <summary>The demo mode (`Villages:Demo`): a live campaign in one regency for newcomers and screens, in the Development environment only.</summary>
public sealed class DemoOptions
{
    public const string Section = "Villages:Demo";

    public bool Enabled { get; set; }

    /// <summary>Kabupaten Banyuwangi by default.</summary>
    [Required, RegularExpression(@"^\d{2}\.\d{2}$")]
    public string Regency { get; set; } = "35.10";

    [Range(0.1, 1000)]
    public double EnrollmentsPerSecond { get; set; } = 2;
}

/// <summary>
/// Opens programmes in every village of the regency, then keeps enrolling synthetic workers (valid
/// NIKs of the regency's districts, Indonesian names, the campaign's occupations, some through
/// PERISAI agents) at a steady rate, withdrawing one now and then, so the dashboard moves at once.
/// Only in Development, whatever the flag says: synthetic workers must never enter a real ledger.
/// </summary>
public sealed partial class DemoCampaign(IGrainFactory grains, RegionCatalog catalog, IOptions<DemoOptions> options, IHostEnvironment environment,
    ILogger<DemoCampaign> logger) : BackgroundService
{
    private static readonly Actor Demo = new("demo", Roles.VillageOperator, null);
    private const int AgentsPerDistrict = 5;
    private static readonly string[] Given = ["Siti", "Ahmad", "Dewi", "Budi", "Sri", "Agus", "Nur", "Wayan", "Ketut", "Rina", "Slamet", "Endang", "Made", "Yanti", "Joko", "Lestari"];
    private static readonly string[] Family = ["Aminah", "Santoso", "Rahayu", "Wibowo", "Hartini", "Setiawan", "Kusuma", "Susanti", "Pratama", "Wati", "Hidayat", "Purnomo"];
    private static readonly string[] Occupations = ["nelayan", "nelayan", "petani", "buruh-tani", "buruh-tani", "pedagang-kecil", "pemulung", "marbot", "peternak", "ojek", "buruh-harian", "guru-ngaji"];

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        if (!options.Value.Enabled) return;
        if (!environment.IsDevelopment())
        {
            LogIgnored(environment.EnvironmentName);
            return;
        }
        if (!catalog.TryGet(options.Value.Regency, out var regency)) return;
        var villages = regency.Children.SelectMany(static d => d.Children).ToList();
        var random = new Random();
        await OpenProgrammesAsync(villages, random, stopping);
        await RegisterAgentsAsync(regency);
        LogStarted(regency.Name, villages.Count, options.Value.EnrollmentsPerSecond);
        var enrolled = new List<(string Village, string Id)>();
        using var pace = new PeriodicTimer(TimeSpan.FromSeconds(1 / Math.Max(0.1, options.Value.EnrollmentsPerSecond)));
        while (await pace.WaitForNextTickAsync(stopping))
        {
            try
            {
                // Some villages run ahead of others: that is what the lagging list is for.
                var village = villages[(int)(villages.Count * Math.Pow(random.NextDouble(), 1.8))];
                if (random.Next(50) == 0 && enrolled.Count > 0)
                {
                    var (code, id) = enrolled[random.Next(enrolled.Count)];
                    await grains.Village(code).Withdraw(id, Demo);
                    continue;
                }
                var outcome = await grains.Village(village.Code).Enroll(Worker(village, random), Demo);
                if (outcome.Enrollment is { } e && enrolled.Count < 10_000) enrolled.Add((village.Code, e.EnrollmentId));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(ex);
                await Task.Delay(TimeSpan.FromSeconds(2), stopping);
            }
        }
    }

    private async Task OpenProgrammesAsync(List<Region> villages, Random random, CancellationToken stopping)
    {
        foreach (var village in villages)
        {
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    var grain = grains.Village(village.Code);
                    if ((await grain.GetVillage()).Program is null)
                    {
                        var budget = 201_600L * random.Next(60, 160);
                        await grain.SetPrograms(null, [new ProgramRequest(100, budget, 12, Domain.ProgramRules.DefaultFunding(village.Kind!.Value).ToString())], Demo);
                    }
                    break;
                }
                catch (Exception ex) when (ex is not OperationCanceledException && attempt < 30)
                {
                    LogWaiting(ex.GetType().Name);
                    await Task.Delay(TimeSpan.FromSeconds(1), stopping); // the cluster may still be starting
                }
            }
        }
    }

    /// <summary>The agents the demo's enrolments name, five per district, registered there (again: nothing changes).</summary>
    private async Task RegisterAgentsAsync(Region regency)
    {
        for (var d = 0; d < regency.Children.Count; d++)
        {
            var district = regency.Children[d];
            for (var n = 1; n <= AgentsPerDistrict; n++)
            {
                var request = new AgentRequest { Name = $"{Given[(d + n) % Given.Length]} {Family[(d * AgentsPerDistrict + n) % Family.Length]}", Region = district.Code, Status = "active" };
                try
                {
                    await grains.GetGrain<IAgentGrain>(AgentCode(district, n)).Register(request, Demo);
                }
                catch (Exception ex)
                {
                    LogFailed(ex); // its enrolments are refused as agent-not-registered until the next start
                }
            }
        }
    }

    private static string AgentCode(Region district, int n) => $"PERISAI-{district.Code.Replace(".", "", StringComparison.Ordinal)}-{n}";

    private static EnrollmentRequest Worker(Region village, Random random)
    {
        var female = random.Next(2) == 0;
        var birth = new DateOnly(random.Next(1965, 2006), random.Next(1, 13), random.Next(1, 29));
        var area = village.Parent!.Code.Replace(".", "", StringComparison.Ordinal);
        var nik = $"{area}{birth.Day + (female ? 40 : 0):D2}{birth.Month:D2}{birth.Year % 100:D2}{random.Next(1, 10_000):D4}";
        var name = $"{Given[random.Next(Given.Length)]} {Family[random.Next(Family.Length)]}";
        var programs = random.Next(7) == 0 ? Programs.Jkk | Programs.Jkm | Programs.Jht : Programs.Jkk | Programs.Jkm;
        var agent = random.Next(10) < 7 ? AgentCode(village.Parent, random.Next(1, AgentsPerDistrict + 1)) : null;
        return new EnrollmentRequest
        {
            Nik = nik, Name = name, Occupation = Occupations[random.Next(Occupations.Length)],
            MonthlyIncome = 1_000_000 + 250_000L * random.Next(0, 9), Programs = ProgramNames.Of(programs), AgentId = agent,
        };
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo: programmes open in {Regency} ({Villages} villages); enrolling {Rate} workers a second.")]
    private partial void LogStarted(string regency, int villages, double rate);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Demo: Villages:Demo:Enabled is ignored in the {Environment} environment; the demo runs in Development only.")]
    private partial void LogIgnored(string environment);

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo: waiting for the cluster ({Reason}).")]
    private partial void LogWaiting(string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Demo: an enrolment failed; carrying on.")]
    private partial void LogFailed(Exception exception);
}

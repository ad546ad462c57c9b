using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Orleans.Serialization;
using Villages.Bench.Shared;
using Villages.Privacy;
using Villages.Regions;
using Villages.WebApi.Http;
using Villages.WebApi.Security;

namespace Villages.Bench.Stages;

/// <summary>
/// Where an enrolment's CPU goes, stage by stage. The silo side (grain call, ledger, sealing,
/// storage serialisation, the storage write and the registry claim) is driven through the grains of
/// a silo in this process at the bench's concurrency, with this process's CPU and PostgreSQL's per
/// enrolment; the HTTP side's own steps (JSON, the token, the access check) and the silo's
/// sealing and serialisation are then timed one by one on one thread. The single mode's service
/// total minus the silo side is what HTTP costs all told (Kestrel, routing, middleware, telemetry
/// included). It prints figures; it never asserts.
/// </summary>
public static class StagesBench
{
    private const int Iterations = 50_000;

    public static async Task<int> RunAsync(BenchOptions options, Cleanup cleanup, CancellationToken ct)
    {
        var silo = await SiloSide.RunAsync(options, cleanup, ct);
        Console.WriteLine();
        Console.WriteLine($"Stages, one thread, {Iterations:N0} times each, the report {Iterations / 10:N0} (CPU of that thread, bytes it allocated):");
        var stages = new List<StageCost>
        {
            Json(silo.View),
            Token(),
            Access(),
            Sealing(),
            GrainMessage(silo.Outcome),
            VillageReport(),
        };
        Print(stages, silo);
        return 0;
    }

    private static readonly EnrollmentRequest Request = new()
    {
        Nik = "3510010101900001", Name = "Pekerja Bench", Occupation = "nelayan", MonthlyIncome = 1_000_000,
    };

    /// <summary>The body read with the API's JSON options and the answer written, as the endpoint does.</summary>
    private static StageCost Json(EnrollmentView view)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        ApiJson.Configure(options);
        var body = JsonSerializer.SerializeToUtf8Bytes(new { nik = Request.Nik, name = Request.Name, occupation = Request.Occupation, monthlyIncome = Request.MonthlyIncome });
        var output = new ArrayBufferWriterStream();
        return StageClock.Measure("HTTP JSON", "request read, answer written (API options)", Iterations, i =>
        {
            _ = JsonSerializer.Deserialize<EnrollmentRequest>(body, options);
            output.Reset();
            JsonSerializer.Serialize(output, view, options);
        });
    }

    /// <summary>A village operator's development token validated as the service's JWT bearer handler does, then read into a caller.</summary>
    private static StageCost Token()
    {
        var key = new byte[32];
        Random.Shared.NextBytes(key);
        var token = DevelopmentJwt.Operator(key, "35.10.01.2001");
        var parameters = new TokenValidationParameters
        {
            ValidAudience = "villages-api", ValidIssuers = ["villages-development"], ValidateIssuer = true,
            IssuerSigningKeys = [new SymmetricSecurityKey(key)], RoleClaimType = "role", NameClaimType = "sub",
            ClockSkew = TimeSpan.FromSeconds(30),
        };
        var handler = new JsonWebTokenHandler { MapInboundClaims = false };
        var auth = new AuthOptions();
        return StageClock.Measure("Token", "JWT validated (HS256), caller read from its claims", Iterations, i =>
        {
            var result = handler.ValidateTokenAsync(token, parameters).GetAwaiter().GetResult();
            if (!result.IsValid) throw new InvalidOperationException("The bench's token did not validate.", result.Exception);
            _ = Caller.From(new ClaimsPrincipal(result.ClaimsIdentity), auth);
        });
    }

    private static StageCost Access()
    {
        var caller = new Caller("operator-35.10.01.2001", new HashSet<string>(StringComparer.Ordinal) { Roles.VillageOperator }, ["35.10.01.2001"], null);
        return StageClock.Measure("Access check", "policy decision and the recorded agent", Iterations, i =>
        {
            if (AccessPolicy.Decide(caller, VillageAction.Enroll, "35.10.01.2001") != WebApi.Security.Access.Allowed) throw new InvalidOperationException("Refused.");
            _ = AccessPolicy.TryRecordedAgent(caller, "35.10.01.2001", null, out _);
        });
    }

    /// <summary>What the grain seals and derives for one worker: the sealed NIK and name, the enrolment id and the registry key.</summary>
    private static StageCost Sealing()
    {
        var privacy = new PrivacyOptions { Secret = PrivacyOptions.NewSecret() };
        var protector = new PersonalDataProtector(privacy);
        var keys = new WorkerKeys(privacy);
        return StageClock.Measure("Sealing", "NIK and name sealed (AES-GCM), id and registry key (HMAC)", Iterations, i =>
        {
            _ = protector.Protect(Request.Nik + "\n" + Request.Name, "35.10.01.2001");
            _ = keys.EnrollmentId("35.10.01.2001", Request.Nik!);
            _ = keys.RegistryKey(Request.Nik!);
        });
    }

    /// <summary>The grain call's request and answer through Orleans' serializer, as between a WebApi node and a silo.</summary>
    private static StageCost GrainMessage(EnrollmentOutcome outcome)
    {
        var serializer = new ServiceCollection().AddSerializer(b => b.AddAssembly(typeof(EnrollmentRequest).Assembly))
            .BuildServiceProvider().GetRequiredService<Serializer>();
        var actor = new Actor("operator-35.10.01.2001", "village-operator", "0af7651916cd43dd8448eb211c80319c");
        return StageClock.Measure("Grain message", "request, actor and answer serialised and read back (Orleans)", Iterations, i =>
        {
            _ = serializer.Deserialize<EnrollmentRequest>(serializer.SerializeToArray(Request));
            _ = serializer.Deserialize<Actor>(serializer.SerializeToArray(actor));
            _ = serializer.Deserialize<EnrollmentOutcome>(serializer.SerializeToArray(outcome));
        });
    }

    /// <summary>
    /// What a village computes for its district at every write: its figures today and on every later
    /// day they change, with the terminations to come. A village of 50 workers enrolled the same day,
    /// nothing paid yet (every one of them projected to end for arrears), the ledger changed before
    /// each report as a write changes it.
    /// </summary>
    private static StageCost VillageReport()
    {
        const int workers = 50;
        const string village = "35.10.01.2001";
        var now = new DateTimeOffset(2026, 11, 25, 3, 0, 0, TimeSpan.Zero);
        var key = new ProgramKey(2026, FundingSource.SD, Cohort.Vulnerable);
        var programme = new Domain.Programme(key, new ProgramTerms(100, 20_160_000, 12, FundingSource.SD), now, now);
        var ledger = new Domain.VillageLedger(village, [programme], [], Silo.Configuration.HolidayFiles.Rules(new Domain.MoneyOptions()));
        var rules = new Domain.EnrollmentRules(new Domain.EnrollmentOptions(), new Domain.PremiumCalculator(new Domain.PremiumOptions()));
        var keys = new WorkerKeys(new PrivacyOptions { Secret = PrivacyOptions.NewSecret() });
        var actor = new Actor("operator-" + village, "village-operator", null);
        for (var w = 1; w <= workers; w++)
        {
            var nik = $"351001050390{w:0000}";
            var request = Request with { Nik = nik };
            if (!rules.TryValidate(request, Domain.CoverageCalendar.LocalDate(now), out var valid, out var failure)
                || !ledger.TryPlan(valid, key, false, keys.EnrollmentId(village, nik), keys.RegistryKey(nik), now, actor, out var change, out failure))
            {
                throw new InvalidOperationException($"The bench's worker was refused: {failure.Detail}");
            }
            ledger.Reserve(change);
            ledger.Apply(change);
        }
        var today = Domain.CoverageCalendar.LocalDate(now);
        var figures = new Domain.FigureOptions();
        return StageClock.Measure("Village report", $"a village's figures for its district at each write ({workers} workers, nothing paid)", Iterations / 10, i =>
        {
            ledger.Apply(programme); // as a write does: the projection is computed again
            _ = Domain.Figures.Report(village, ledger, today, i, figures);
        });
    }

    private static void Print(List<StageCost> stages, SiloSide.Figures silo)
    {
        foreach (var s in stages) Console.WriteLine($"  {s.Stage,-14} {s.CpuMicros,8:0.0} us {s.Bytes,9:N0} B   {s.Note}");
        Console.WriteLine();
        Console.WriteLine($"Silo side, {silo.Clients} callers through the grains for {silo.Seconds} s: {silo.Rate:N0} enrolments/s");
        Console.WriteLine($"  this process   {silo.ProcessMicros,8:0} us {silo.ProcessBytes,9:N0} B   grain call, ledger, sealing, storage serialisation, Npgsql, registry");
        Console.WriteLine($"  PostgreSQL     {silo.PostgresMicros,8:0} us              {silo.Transactions:0.00} transactions an enrolment");
        var sealing = stages.Single(s => s.Stage == "Sealing").CpuMicros;
        var report = stages.Single(s => s.Stage == "Village report").CpuMicros;
        Console.WriteLine($"  of which sealing {sealing:0} us and the village's report about {report:0} us (at 50 workers); the rest is Orleans' scheduling and messaging,");
        Console.WriteLine("  the ledger, the district's sums, the page's serialisation and the database client");
        Console.WriteLine();
        var http = stages.Where(s => s.Stage is "HTTP JSON" or "Token" or "Access check").Sum(s => s.CpuMicros);
        Console.WriteLine($"HTTP side: its own steps above come to {http:0} us; the single mode's service CPU per enrolment minus the silo side's {silo.ProcessMicros:0} us");
        Console.WriteLine("  is what the rest of the request costs (Kestrel, routing, middleware, rate limit, telemetry, the client's call into the silo).");
    }

    /// <summary>A writable stream that reuses its buffer: the answer's bytes without a new array each time.</summary>
    private sealed class ArrayBufferWriterStream : MemoryStream
    {
        public void Reset() => SetLength(0);
    }
}

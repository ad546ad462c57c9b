using System.Runtime.InteropServices;
using Villages.Bench.Memory;
using Villages.Bench.Money;
using Villages.Bench.National;
using Villages.Bench.Shared;
using Villages.Bench.Single;
using Villages.Bench.Stages;

// The benchmark prints figures; it never asserts. See bench/README.md.
BenchOptions options;
try { options = BenchOptions.Parse(args); }
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}
if (options.Help) { Console.WriteLine(BenchOptions.Usage); return 0; }

using var cts = new CancellationTokenSource();
var cleanup = new Cleanup();
void OnSignal(PosixSignalContext context)
{
    if (cts.IsCancellationRequested) { cleanup.Run(); return; }   // second signal: clean up and die
    context.Cancel = true;
    Console.Error.WriteLine($"{context.Signal}: stopping (again to abort at once)...");
    cts.Cancel();
}
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
AppDomain.CurrentDomain.ProcessExit += (_, _) => cleanup.Run();
var ct = cts.Token;

var repoRoot = Cleanup.FindRepoRoot();
var machine = MachineInfo.Describe(repoRoot);
Console.WriteLine(machine);
try
{
    return options.Mode switch
    {
        "memory" => await MemoryBench.RunAsync(options, cleanup, ct),
        "money" => await MoneyBench.RunAsync(options, cleanup, ct),
        "stages" => await StagesBench.RunAsync(options, cleanup, ct),
        "national" => await NationalBench.RunAsync(options, cleanup, repoRoot, machine, ct),
        _ => await SingleBench.RunAsync(options, cleanup, repoRoot, machine, ct),
    };
}
catch (OperationCanceledException) when (ct.IsCancellationRequested)
{
    Console.Error.WriteLine("Cancelled.");
    return 130;
}
// national and memory report an ArgumentException as a failure (--workers too many for unique NIKs in a
// district, say); the single mode never caught one, and still does not.
catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or FileNotFoundException or HttpRequestException
    || (ex is ArgumentException && options.Mode != "single"))
{
    Console.Error.WriteLine($"bench failed: {ex.Message}");
    return 1;
}
finally
{
    cleanup.Run();
}

using System.Diagnostics;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace Villages.Tests.Api;

/// <summary>
/// The OpenAPI document the service serves is the committed one (docs/openapi/v1.json, which the
/// generated client is built from), and it passes Redocly's recommended rules with no error.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class OpenApiDocumentTests(ApiFixture api, ITestOutputHelper output)
{
    /// <summary>Set to 1 to rewrite the snapshot from the running service (scripts/openapi does).</summary>
    public const string RefreshVariable = "VILLAGES_OPENAPI_REFRESH";

    [Fact]
    public async Task The_served_document_is_the_committed_snapshot()
    {
        var live = JsonNode.Parse(await api.Host.Anonymous.GetStringAsync("/openapi/v1.json"))!;
        var path = OpenApiFiles.Snapshot;
        var committed = File.Exists(path) ? JsonNode.Parse(await File.ReadAllTextAsync(path)) : null;
        if (JsonNode.DeepEquals(live, committed)) return;
        if (Environment.GetEnvironmentVariable(RefreshVariable) == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllTextAsync(path, OpenApiFiles.Normalise(live));
            output.WriteLine($"Rewrote {path}.");
            return;
        }
        var differences = committed is null ? ["(no snapshot)"] : OpenApiFiles.Differences(committed, live, "#").Take(20).ToList();
        Assert.Fail($"The OpenAPI document served at /openapi/v1.json differs from the committed {Path.GetRelativePath(OpenApiFiles.Root, path)} at:\n  "
            + string.Join("\n  ", differences)
            + $"\nIf the change is meant, refresh the snapshot with scripts/openapi (or {RefreshVariable}=1 dotnet test --filter {nameof(OpenApiDocumentTests)}),"
            + " review its diff and commit it: the generated client is built from it.");
    }

    [NodeFact]
    public async Task Redocly_recommended_rules_find_no_error()
    {
        var file = Path.Combine(Path.GetTempPath(), $"villages-openapi-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, await api.Host.Anonymous.GetStringAsync("/openapi/v1.json"));
        try
        {
            var (exit, stdout, stderr) = await OpenApiFiles.RedoclyAsync($"lint \"{file}\" --extends recommended --format json");
            var report = JsonNode.Parse(stdout[stdout.IndexOf('{')..])!;
            var problems = report["problems"]!.AsArray()
                .Select(p => $"{p!["severity"]} {p["ruleId"]}: {p["message"]} at {p["location"]?[0]?["pointer"]}").ToList();
            foreach (var problem in problems) output.WriteLine(problem);
            var errors = report["totals"]!["errors"]!.GetValue<int>();
            Assert.True(errors == 0 && exit == 0, $"redocly lint --extends recommended: {errors} error(s), exit {exit}:\n{string.Join("\n", problems)}\n{stderr}");
        }
        finally
        {
            File.Delete(file);
        }
    }
}

/// <summary>Where the OpenAPI files live, how the snapshot is written, and the Redocly CLI (tests/openapi, installed by npm ci).</summary>
public static class OpenApiFiles
{
    public static string Root { get; } = FindRoot();

    public static string Snapshot => Path.Combine(Root, "docs", "openapi", "v1.json");

    private static string LintTool => Path.Combine(Root, "tests", "openapi");

    private static readonly JsonSerializerOptions Written = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Normalise(JsonNode document) => document.ToJsonString(Written) + "\n";

    /// <summary>JSON pointers where two documents differ, for a message a person can act on.</summary>
    public static IEnumerable<string> Differences(JsonNode? expected, JsonNode? actual, string at)
    {
        if (expected is JsonObject a && actual is JsonObject b)
        {
            foreach (var key in a.Select(static p => p.Key).Union(b.Select(static p => p.Key)))
            {
                var pointer = $"{at}/{key.Replace("~", "~0").Replace("/", "~1")}";
                if (!a.ContainsKey(key)) yield return $"{pointer}: added";
                else if (!b.ContainsKey(key)) yield return $"{pointer}: removed";
                else foreach (var d in Differences(a[key], b[key], pointer)) yield return d;
            }
        }
        else if (expected is JsonArray x && actual is JsonArray y && x.Count == y.Count)
        {
            for (var i = 0; i < x.Count; i++) foreach (var d in Differences(x[i], y[i], $"{at}/{i}")) yield return d;
        }
        else if (!JsonNode.DeepEquals(expected, actual))
        {
            yield return $"{at}: {Short(expected)} -> {Short(actual)}";
        }
    }

    private static string Short(JsonNode? node) => node?.ToJsonString(Compact) is { } text ? (text.Length > 80 ? text[..80] + "..." : text) : "null";

    public static bool NodeInstalled() => FindOnPath("node") is not null;

    /// <summary>Runs the pinned Redocly CLI, installing it from the lock file first when it is missing or another version.</summary>
    public static async Task<(int Exit, string Stdout, string Stderr)> RedoclyAsync(string arguments)
    {
        var installed = Path.Combine(LintTool, "node_modules", "@redocly", "cli");
        var cli = Path.Combine(installed, "bin", "cli.js");
        var pinned = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(LintTool, "package.json")))!["devDependencies"]!["@redocly/cli"]!.GetValue<string>();
        var present = File.Exists(Path.Combine(installed, "package.json"))
            ? JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(installed, "package.json")))!["version"]?.GetValue<string>()
            : null;
        if (!File.Exists(cli) || present != pinned)
        {
            var npm = FindOnPath("npm") ?? throw new InvalidOperationException("npm is needed to install the Redocly CLI (tests/openapi).");
            var install = await RunAsync(npm, "ci --no-audit --no-fund", LintTool);
            Assert.True(install.Exit == 0, $"npm ci in tests/openapi failed:\n{install.Stdout}\n{install.Stderr}");
        }
        return await RunAsync(FindOnPath("node")!, $"\"{cli}\" {arguments}", LintTool);
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(string program, string arguments, string directory)
    {
        var start = new ProcessStartInfo(program, arguments)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Offline and quiet: no telemetry, no update notice.
        start.Environment["REDOCLY_TELEMETRY"] = "off";
        start.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
        start.Environment["NO_COLOR"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, name)).FirstOrDefault(File.Exists);

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Villages.sln"))) return folder.FullName;
        }
        throw new InvalidOperationException($"No Villages.sln above {AppContext.BaseDirectory}.");
    }
}

/// <summary>A test that needs Node.js: skipped, saying why, only where node is not installed (CI has it: the dashboard's build needs it).</summary>
public sealed class NodeFactAttribute : FactAttribute
{
    public NodeFactAttribute()
    {
        if (!OpenApiFiles.NodeInstalled()) Skip = "Node.js is not installed: the Redocly lint of the OpenAPI document needs node and npm (apt-get install -y nodejs npm).";
    }
}

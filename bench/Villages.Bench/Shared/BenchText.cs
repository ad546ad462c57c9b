namespace Villages.Bench.Shared;

/// <summary>Answer bodies and error messages cut short, to fit a line of the report.</summary>
internal static class BenchText
{
    internal static string Truncate(string text, int max = 300) =>
        text.Length <= max ? text : text[..max] + "...";
}

namespace Villages.Tests.Cluster;

/// <summary>
/// How soon a cluster serves again after a silo is killed: acknowledgements per second before the
/// kill, and the first second after it that reaches half that rate. A figure to print, not a check.
/// </summary>
internal static class Recovery
{
    public static string Describe(IEnumerable<DateTime> acks, DateTime killedAt)
    {
        var times = acks.ToList();
        var before = times.Count(t => t >= killedAt.AddSeconds(-5) && t < killedAt) / 5.0;
        var seconds = Enumerable.Range(0, 12).Select(s => times.Count(t => t >= killedAt.AddSeconds(s) && t < killedAt.AddSeconds(s + 1))).ToList();
        var each = $" (per second after it: {string.Join(", ", seconds)})";
        for (var second = 0; second < 12; second++)
        {
            var rate = seconds[second];
            if (rate >= before / 2) return $"recovery: {before:0}/s before the kill; half that rate or more within {second + 1} s{each}";
        }
        return $"recovery: {before:0}/s before the kill; not back to half that rate within 12 s{each}";
    }
}

using System.ComponentModel.DataAnnotations;

namespace Villages.Progress;

/// <summary>How rollups coalesce and reach screens (`Villages:Progress`; what they keep: <see cref="Domain.FigureOptions"/>).</summary>
public sealed class ProgressOptions
{
    public const string Section = "Villages:Progress";

    /// <summary>
    /// A region pushes its figures to its parent (and to screens) at most once per interval: at once
    /// when its last push is an interval old, else one interval after it. From an acknowledged write
    /// to the national figures a change crosses district, regency and province (and the nation
    /// notifies screens): at most four intervals plus call latency, about one in practice when the
    /// levels are quiet. 250 ms keeps the bound at one second.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:10:00")]
    public TimeSpan PushInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// A push dies with a region that stops (a restart, a lost silo) before its timer fires, and its
    /// parent would keep the older figures until that region changed again. So a province, regency
    /// or the nation asks its children for their figures again at this interval, and at once when it
    /// comes back from a saved row: after a lost silo every level is right again within about this
    /// interval plus the pushes above.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00")]
    public TimeSpan ResyncInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A village tells its district before it acknowledges a write, so an acknowledged change is
    /// already on its way up; but a district that is unreachable (its silo just died) must not hold
    /// enrolments: past this wait the write is acknowledged and the report goes on retrying behind it.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:10:00")]
    public TimeSpan ReportWait { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A rollup moves its figures at WIB midnight; it checks the domain clock at the next midnight
    /// and at least this often, so that a clock that jumped (or a test moving it) is seen soon.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan DayCheck { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a screen's subscription lives without being renewed.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan SubscriptionLifetime { get; set; } = TimeSpan.FromMinutes(2);
}

using System.ComponentModel.DataAnnotations;

namespace Villages.Silo.Hosting;

/// <summary>
/// How a process joins the cluster (`Villages:Cluster`). Every silo and client of one deployment
/// shares ClusterId and ServiceId and one PostgreSQL membership table.
/// </summary>
public sealed class ClusterSettings : IValidatableObject
{
    public const string Section = "Villages:Cluster";

    [Required, RegularExpression("^[A-Za-z0-9._-]{1,100}$")]
    public string ClusterId { get; set; } = "villages";

    /// <summary>Part of every grain-state key: keep it stable for the life of the data.</summary>
    [Required, RegularExpression("^[A-Za-z0-9._-]{1,100}$")]
    public string ServiceId { get; set; } = "villages";

    /// <summary>Silo-to-silo port; 0 picks a free one at start (several silos on one machine).</summary>
    [Range(0, 65535)]
    public int SiloPort { get; set; } = 11111;

    /// <summary>Port WebApi nodes (cluster clients) connect to; 0 picks a free one.</summary>
    [Range(0, 65535)]
    public int GatewayPort { get; set; } = 30000;

    /// <summary>The address other silos and clients reach this silo on (a pod IP in Kubernetes).</summary>
    public string AdvertisedAddress { get; set; } = "127.0.0.1";

    /// <summary>Listen on all interfaces instead of only the advertised address (containers).</summary>
    public bool ListenOnAnyAddress { get; set; }

    /// <summary>The silo's name in the membership table (a pod name in Kubernetes); the machine's by default.</summary>
    public string? SiloName { get; set; }

    /// <summary>How long a stopping silo may take to hand its grains over and leave the cluster.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(45);

    /// <summary>
    /// How long a silo waits for a peer's answer to a liveness probe. With <see cref="MissedProbesLimit"/>
    /// it bounds how soon a killed silo is declared dead and its villages served elsewhere:
    /// 2 s x 2 on a LAN or in one Kubernetes cluster (Orleans' defaults, 5 s x 3, suit wide networks).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "00:01:00")]
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Probes a peer may miss in a row before this silo votes it dead.</summary>
    [Range(1, 10)]
    public int MissedProbesLimit { get; set; } = 2;

    /// <summary>
    /// Whether a busy silo stretches <see cref="ProbeTimeout"/> (up to 4x, by its own health score).
    /// Orleans does by default; on 2 cores under load that made a killed silo take 10 s or more to
    /// be declared dead. Off: a live but busy peer is still protected by its connection's recent
    /// traffic (Orleans' connection liveness check) and by needing two silos' votes.
    /// </summary>
    public bool ExtendProbeTimeoutWhenBusy { get; set; }

    /// <summary>
    /// How long a call waits for its answer. A call to a grain on a silo that died waits this long
    /// unless its connection fails first; well above any real answer (a regency export), far below
    /// Orleans' 30 s, so clients do not pile up on dead activations.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// A WebApi node's (a cluster client's) <see cref="ResponseTimeout"/>. A request the node sent
    /// through a gateway to a silo that then died is failed by nobody: it waits this long, then its
    /// caller gets a 503 and retries. A village answers in milliseconds (p99 under 0.3 s at 64
    /// clients; a batch of 100 too), so 3 s leaves room for a GC pause and keeps a lost silo's
    /// in-flight requests from holding their clients for 10 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan ClientResponseTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>WebApi only: run a silo in the same process (the single-machine default) or be a pure client.</summary>
    public bool CoHostSilo { get; set; } = true;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!System.Net.IPAddress.TryParse(AdvertisedAddress, out _))
        {
            yield return new ValidationResult("must be an IP address (the pod IP in Kubernetes).", [nameof(AdvertisedAddress)]);
        }
    }
}

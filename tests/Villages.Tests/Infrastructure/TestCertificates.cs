using Villages.Silo.Tls;

namespace Villages.Tests.Infrastructure;

/// <summary>
/// The cluster certificate of the test run: one self-signed pair, made as the single-machine run
/// makes its own (<see cref="ClusterTlsOptions.SelfSignedPath"/>), beside the test PostgreSQL.
/// </summary>
public static class TestCertificates
{
    public static string SelfSignedPath { get; } = Path.Combine(TestPostgres.RootDirectory, "cluster-tls.pfx");

    /// <summary>The settings that give a node the test run's certificate.</summary>
    public static IEnumerable<KeyValuePair<string, string?>> Settings =>
        [new($"{ClusterTlsOptions.Section}:{nameof(ClusterTlsOptions.SelfSignedPath)}", SelfSignedPath)];
}

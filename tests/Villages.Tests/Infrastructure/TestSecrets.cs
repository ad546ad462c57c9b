using Villages.Privacy;

namespace Villages.Tests.Infrastructure;

/// <summary>One privacy secret for the whole test run, so tests can compute the keys the grains use.</summary>
public static class TestSecrets
{
    public static readonly string Secret = PrivacyOptions.NewSecret();

    public static readonly PrivacyOptions Options = new() { Secret = Secret };

    public static readonly WorkerKeys Keys = new(Options);
}

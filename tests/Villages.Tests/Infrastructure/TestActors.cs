namespace Villages.Tests.Infrastructure;

/// <summary>Who the tests act as when they call grains directly (the API derives actors from tokens).</summary>
public static class TestActors
{
    public static readonly Actor Operator = new("test-operator", "village-operator", null);
}

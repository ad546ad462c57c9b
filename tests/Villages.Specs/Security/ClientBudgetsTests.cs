using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Villages.WebApi.Security;
using Villages.WebApi.Http;

namespace Villages.Specs.Security;

/// <summary>Each client's budget: a burst at once, then its rate; its own, whoever else is spending.</summary>
public sealed class ClientBudgetsTests
{
    private static readonly IServiceProvider Services = new ServiceCollection().AddOptions<AuthOptions>().Services.BuildServiceProvider();

    [Fact]
    public void A_client_spends_its_burst_then_waits_for_its_rate_and_another_client_is_not_affected()
    {
        var clock = new TickClock();
        var budgets = new ClientBudgets(new RateLimitOptions { AnonymousPerSecond = 5, BurstSeconds = 2 }, clock);

        Assert.Equal(10, Granted(budgets, "203.0.113.1", 20));   // 5 a second, 2 seconds' worth at once
        using var refused = budgets.AttemptAcquire(Request("203.0.113.1"));
        Assert.False(refused.IsAcquired);
        Assert.True(refused.TryGetMetadata(MetadataName.RetryAfter, out var wait) && wait > TimeSpan.Zero && wait <= TimeSpan.FromSeconds(1));
        Assert.Equal(10, Granted(budgets, "203.0.113.2", 20));   // another address: a budget of its own

        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(5, Granted(budgets, "203.0.113.1", 20));    // a second later: that second's five
        clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(10, Granted(budgets, "203.0.113.1", 20));   // idle for long: never more than the burst
    }

    [Fact]
    public void Probes_and_scrapes_are_never_counted()
    {
        var budgets = new ClientBudgets(new RateLimitOptions { AnonymousPerSecond = 1, BurstSeconds = 1 }, new TickClock());
        Assert.Equal(20, Granted(budgets, "203.0.113.1", 20, "/health/ready"));
        Assert.Equal(20, Granted(budgets, "203.0.113.1", 20, "/metrics"));
        Assert.Equal(1, Granted(budgets, "203.0.113.1", 20));
    }

    private static int Granted(ClientBudgets budgets, string address, int requests, string path = "/api/progress")
    {
        var granted = 0;
        for (var i = 0; i < requests; i++)
        {
            using var lease = budgets.AttemptAcquire(Request(address, path));
            if (lease.IsAcquired) granted++;
        }
        return granted;
    }

    private static DefaultHttpContext Request(string address, string path = "/api/progress")
    {
        var context = new DefaultHttpContext { RequestServices = Services };
        context.Request.Path = path;
        context.Connection.RemoteIpAddress = IPAddress.Parse(address);
        return context;
    }

    /// <summary>A clock whose timestamps move only when told.</summary>
    private sealed class TickClock : TimeProvider
    {
        private long _ticks = 1_000_000;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }
}

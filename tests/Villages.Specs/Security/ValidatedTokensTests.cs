using System.Security.Claims;
using Villages.WebApi.Auth;

namespace Villages.Specs.Security;

/// <summary>A token checked once is honoured again without the full check, never past its expiry or five minutes.</summary>
public sealed class ValidatedTokensTests
{
    private static readonly ClaimsPrincipal Operator = new(new ClaimsIdentity([new Claim("sub", "operator-35.10.01.2001")], "Bearer"));

    [Fact]
    public void A_kept_token_is_found_by_its_exact_text_until_it_expires()
    {
        var clock = new StepClock(new DateTimeOffset(2026, 12, 8, 1, 0, 0, TimeSpan.Zero));
        var tokens = new ValidatedTokens(clock);
        tokens.Keep("header.payload.signature", Operator, clock.GetUtcNow().UtcDateTime.AddMinutes(2));

        Assert.Same(Operator, tokens.Find("header.payload.signature"));
        Assert.Null(tokens.Find("header.payload.signaturf")); // another signature is another token
        clock.Now += TimeSpan.FromMinutes(2);
        Assert.Null(tokens.Find("header.payload.signature")); // expired: the full check decides (and refuses)
    }

    [Fact]
    public void A_long_lived_token_is_checked_again_after_five_minutes_and_an_expired_one_is_not_kept()
    {
        var clock = new StepClock(new DateTimeOffset(2026, 12, 8, 1, 0, 0, TimeSpan.Zero));
        var tokens = new ValidatedTokens(clock);
        tokens.Keep("long", Operator, clock.GetUtcNow().UtcDateTime.AddHours(8));
        tokens.Keep("gone", Operator, clock.GetUtcNow().UtcDateTime.AddSeconds(-1));

        Assert.Null(tokens.Find("gone"));
        clock.Now += ValidatedTokens.MaxAge - TimeSpan.FromSeconds(1);
        Assert.Same(Operator, tokens.Find("long"));
        clock.Now += TimeSpan.FromSeconds(1);
        Assert.Null(tokens.Find("long"));
    }

    [Fact]
    public void A_full_set_starts_again_empty()
    {
        var clock = new StepClock(new DateTimeOffset(2026, 12, 8, 1, 0, 0, TimeSpan.Zero));
        var tokens = new ValidatedTokens(clock);
        var expires = clock.GetUtcNow().UtcDateTime.AddHours(1);
        for (var i = 0; i < ValidatedTokens.Capacity; i++) tokens.Keep($"token-{i}", Operator, expires);
        Assert.NotNull(tokens.Find("token-0"));

        tokens.Keep("one-more", Operator, expires);
        Assert.Null(tokens.Find("token-0"));
        Assert.NotNull(tokens.Find("one-more"));
    }

    private sealed class StepClock(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}

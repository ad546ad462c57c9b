using Villages.Privacy;
using Xunit;

namespace Villages.Specs.Domain;

/// <summary>The one secret behind every keyed hash and every sealed value.</summary>
public class PrivacyOptionsTests
{
    private static string Refusal(string? secret) =>
        Assert.Throws<InvalidOperationException>(() => new WorkerKeys(new PrivacyOptions { Secret = secret })).Message;

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void A_missing_secret_is_refused_saying_what_to_set(string? secret)
    {
        var message = Refusal(secret);

        Assert.Contains("Villages:Privacy:Secret", message);
        Assert.Contains("at least 32 random bytes", message);
    }

    [Fact]
    public void A_secret_that_is_not_base64_is_refused()
    {
        Assert.Equal("Villages:Privacy:Secret is not base64.", Refusal("not base64 at all!"));
    }

    [Fact]
    public void A_secret_shorter_than_32_bytes_is_refused()
    {
        Assert.Equal("Villages:Privacy:Secret must hold at least 32 bytes.", Refusal(Convert.ToBase64String(new byte[31])));
    }

    [Fact]
    public void The_sealing_of_personal_data_refuses_a_short_secret_too()
    {
        Assert.Throws<InvalidOperationException>(() => new PersonalDataProtector(new PrivacyOptions { Secret = Convert.ToBase64String(new byte[16]) }));
    }

    [Fact]
    public void A_new_secret_is_32_random_bytes_in_base64()
    {
        var secret = PrivacyOptions.NewSecret();

        Assert.Equal(32, new PrivacyOptions { Secret = secret }.SecretBytes().Length);
        Assert.NotEqual(secret, PrivacyOptions.NewSecret());
    }
}

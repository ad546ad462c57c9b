using System.Security.Cryptography;
using System.Text;
using Villages.Privacy;
using Xunit;
using static Villages.Specs.Domain.TestData;

namespace Villages.Specs.Domain;

/// <summary>NIKs and names are sealed before they reach storage, bound to their village.</summary>
public class PersonalDataProtectorTests
{
    private static readonly PersonalDataProtector Protector = new(Secret());

    [Theory]
    [InlineData(WomanNik)]
    [InlineData("Siti Aminah")]
    [InlineData("Ni Luh Putu Ayu Kadek Dewi Ṣūfī 🌾")]
    [InlineData("")]
    public void A_sealed_value_opens_again_in_its_own_village(string value)
    {
        Assert.Equal(value, Protector.Unprotect(Protector.Protect(value, VillageCode), VillageCode));
    }

    [Fact]
    public void Another_process_with_the_same_secret_can_open_it()
    {
        var sealedNik = Protector.Protect(WomanNik, VillageCode);

        Assert.Equal(WomanNik, new PersonalDataProtector(Secret()).Unprotect(sealedNik, VillageCode));
    }

    [Fact]
    public void The_sealed_form_does_not_show_the_value()
    {
        var sealedNik = Protector.Protect(WomanNik, VillageCode);

        Assert.DoesNotContain(WomanNik, Encoding.Latin1.GetString(sealedNik));
        Assert.Equal(1 + 12 + 16 + WomanNik.Length, sealedNik.Length);
    }

    [Fact]
    public void A_value_copied_into_another_villages_row_does_not_open()
    {
        var sealedNik = Protector.Protect(WomanNik, VillageCode);

        Assert.ThrowsAny<CryptographicException>(() => Protector.Unprotect(sealedNik, OtherVillageCode));
    }

    [Fact]
    public void A_value_sealed_under_another_secret_does_not_open()
    {
        var sealedNik = new PersonalDataProtector(Secret(seed: 100)).Protect(WomanNik, VillageCode);

        Assert.ThrowsAny<CryptographicException>(() => Protector.Unprotect(sealedNik, VillageCode));
    }

    [Fact]
    public void Sealing_the_same_value_twice_gives_different_bytes()
    {
        Assert.NotEqual(Protector.Protect(WomanNik, VillageCode), Protector.Protect(WomanNik, VillageCode));
    }

    [Fact]
    public void A_tampered_value_is_refused()
    {
        var sealedNik = Protector.Protect(WomanNik, VillageCode);
        sealedNik[^1] ^= 1;

        Assert.ThrowsAny<CryptographicException>(() => Protector.Unprotect(sealedNik, VillageCode));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(28)]
    public void A_value_too_short_to_be_sealed_is_refused(int length)
    {
        var ex = Assert.Throws<CryptographicException>(() => Protector.Unprotect(new byte[length], VillageCode));
        Assert.Contains("unknown format", ex.Message);
    }

    [Fact]
    public void A_value_of_an_unknown_format_version_is_refused()
    {
        var sealedNik = Protector.Protect(WomanNik, VillageCode);
        sealedNik[0] = 2;

        Assert.Throws<CryptographicException>(() => Protector.Unprotect(sealedNik, VillageCode));
    }
}

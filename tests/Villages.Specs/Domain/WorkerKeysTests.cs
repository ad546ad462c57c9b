using Villages.Privacy;
using Xunit;
using static Villages.Specs.Domain.TestData;

namespace Villages.Specs.Domain;

/// <summary>Keyed hashes that name a worker without carrying the NIK.</summary>
public class WorkerKeysTests
{
    [Fact]
    public void The_registry_key_of_a_nik_is_the_same_every_time_and_in_every_process()
    {
        Assert.Equal(Keys.RegistryKey(WomanNik), new WorkerKeys(Secret()).RegistryKey(WomanNik));
    }

    [Fact]
    public void Different_workers_have_different_registry_keys()
    {
        Assert.NotEqual(Keys.RegistryKey(WomanNik), Keys.RegistryKey(ManNik));
    }

    [Fact]
    public void The_enrolment_id_is_stable_for_a_village_and_a_nik()
    {
        Assert.Equal(Keys.EnrollmentId(VillageCode, WomanNik), new WorkerKeys(Secret()).EnrollmentId(VillageCode, WomanNik));
    }

    [Fact]
    public void The_same_worker_has_different_enrolment_ids_in_different_villages()
    {
        Assert.NotEqual(Keys.EnrollmentId(VillageCode, WomanNik), Keys.EnrollmentId(OtherVillageCode, WomanNik));
    }

    [Fact]
    public void The_enrolment_id_has_the_public_shape_and_carries_no_nik()
    {
        var id = Keys.EnrollmentId(VillageCode, WomanNik);

        Assert.True(WorkerKeys.IsEnrollmentIdShape(id), id);
        Assert.Equal(24, id.Length);
        Assert.DoesNotContain(WomanNik, id);
        Assert.DoesNotContain(WomanNik[12..], id);
    }

    [Fact]
    public void The_registry_key_carries_no_nik_and_differs_from_the_enrolment_id()
    {
        var key = Keys.RegistryKey(WomanNik);

        Assert.DoesNotContain(WomanNik, key);
        Assert.NotEqual(Keys.EnrollmentId(VillageCode, WomanNik), key);
        Assert.Equal(22, key.Length);
    }

    [Fact]
    public void Another_secret_gives_other_keys()
    {
        var other = new WorkerKeys(Secret(seed: 100));

        Assert.NotEqual(Keys.RegistryKey(WomanNik), other.RegistryKey(WomanNik));
        Assert.NotEqual(Keys.EnrollmentId(VillageCode, WomanNik), other.EnrollmentId(VillageCode, WomanNik));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("3510014503900001")]
    [InlineData("abcdefghijklmnopqrstuvw")]    // 23
    [InlineData("abcdefghijklmnopqrstuvwxy")]  // 25
    [InlineData("ABCDEFGHIJKLMNOPQRSTUVWX")]
    [InlineData("abcdefghijklmnopqrstuvw1")]   // 1 is not in base32
    [InlineData("abcdefghijklmnopqrstuv/.")]
    public void Anything_else_is_not_an_enrolment_id(string? id)
    {
        Assert.False(WorkerKeys.IsEnrollmentIdShape(id));
    }
}

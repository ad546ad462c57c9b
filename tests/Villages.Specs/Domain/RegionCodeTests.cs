using Villages.Regions;
using Xunit;

namespace Villages.Specs.Domain;

/// <summary>Kemendagri area codes: PP, PP.RR, PP.RR.DD, PP.RR.DD.VVVV.</summary>
public class RegionCodeTests
{
    [Theory]
    [InlineData("ID", RegionLevel.Nation)]
    [InlineData("35", RegionLevel.Province)]
    [InlineData("35.10", RegionLevel.Regency)]
    [InlineData("35.10.01", RegionLevel.District)]
    [InlineData("35.10.01.2001", RegionLevel.Village)]
    public void Each_level_has_its_own_shape(string code, RegionLevel level)
    {
        Assert.True(RegionCode.TryParseLevel(code, out var parsed));
        Assert.Equal(level, parsed);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" 35")]
    [InlineData("35 ")]
    [InlineData("3")]
    [InlineData("351")]
    [InlineData("35.")]
    [InlineData("35.1")]
    [InlineData("35.10.")]
    [InlineData("35.10.1")]
    [InlineData("35.10.01.200")]
    [InlineData("35.10.01.20011")]
    [InlineData("35.10.01.200a")]
    [InlineData("35-10-01-2001")]
    [InlineData("3510012001")]
    [InlineData("../etc")]
    [InlineData("id")]
    [InlineData("IDN")]
    [InlineData("٣٥.١٠")]
    [InlineData("35.10.01.2001\n")]
    public void Anything_else_is_refused(string? code)
    {
        Assert.False(RegionCode.TryParseLevel(code, out _));
    }

    [Theory]
    [InlineData("35.10.01.2001", true)]
    [InlineData("35.10.01", false)]
    [InlineData("ID", false)]
    [InlineData(null, false)]
    public void Only_a_full_four_part_code_is_a_village_code(string? code, bool village)
    {
        Assert.Equal(village, RegionCode.IsVillageCode(code));
    }

    [Theory]
    [InlineData("35.10.01.1001", VillageKind.Kelurahan)]
    [InlineData("35.10.01.2001", VillageKind.Desa)]
    [InlineData("91.03.01.3007", VillageKind.DesaAdat)]
    public void The_first_digit_of_the_village_part_tells_its_kind(string code, VillageKind kind)
    {
        Assert.Equal(kind, RegionCode.KindOf(code));
    }

    [Theory]
    [InlineData("35.10.01.2001", "35.10.01")]
    [InlineData("35.10.01", "35.10")]
    [InlineData("35.10", "35")]
    [InlineData("35", "ID")]
    public void The_parent_is_the_code_one_level_up(string code, string parent)
    {
        Assert.Equal(parent, RegionCode.Parent(code));
    }
}

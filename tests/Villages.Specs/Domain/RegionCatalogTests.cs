using System.Text;
using Villages.Regions;
using Xunit;

namespace Villages.Specs.Domain;

/// <summary>The shipped reference data (Kepmendagri 300.2.2-2138/2025) and how it is read.</summary>
public class RegionCatalogTests
{
    private static readonly RegionCatalog Catalog = RegionCatalog.Default;

    private static Region Get(string code)
    {
        Assert.True(Catalog.TryGet(code, out var region), code);
        return region;
    }

    [Theory]
    [InlineData(RegionLevel.Province, 38)]
    [InlineData(RegionLevel.Regency, 514)]
    [InlineData(RegionLevel.District, 7_285)]
    [InlineData(RegionLevel.Village, 83_762)]
    public void The_catalogue_has_every_region_of_the_kepmendagri(RegionLevel level, int count)
    {
        Assert.Equal(count, Catalog.AtLevel(level).Count());
    }

    [Theory]
    [InlineData(VillageKind.Kelurahan, 8_496)]
    [InlineData(VillageKind.Desa, 75_252)]
    [InlineData(VillageKind.DesaAdat, 14)]
    public void Villages_are_kelurahan_desa_or_desa_adat_by_their_code(VillageKind kind, int count)
    {
        Assert.Equal(count, Catalog.AtLevel(RegionLevel.Village).Count(v => v.Kind == kind));
    }

    [Fact]
    public void The_nation_counts_all_83762_villages()
    {
        Assert.Equal(83_762, Catalog.Nation.VillageCount);
        Assert.Equal(38, Catalog.Nation.Children.Count);
        Assert.Same(Catalog.Nation, Get("ID"));
        Assert.Equal(1 + 38 + 514 + 7_285 + 83_762, Catalog.Count);
    }

    [Fact]
    public void A_regency_counts_the_villages_of_all_its_districts()
    {
        var banyuwangi = Get("35.10");

        Assert.Equal("Kabupaten Banyuwangi", banyuwangi.Name);
        Assert.Equal(217, banyuwangi.VillageCount);
        Assert.Equal(banyuwangi.VillageCount, banyuwangi.Children.Sum(d => d.VillageCount));
        Assert.Equal(5, Get("35.10.01").VillageCount);
    }

    [Fact]
    public void A_village_knows_its_district_regency_and_province()
    {
        var village = Get("35.10.01.2001");

        Assert.Equal("Sarongan", village.Name);
        Assert.Equal(VillageKind.Desa, village.Kind);
        Assert.Equal(1, village.VillageCount);
        Assert.Equal("Pesanggaran", village.Ancestor(RegionLevel.District)!.Name);
        Assert.Equal("Kabupaten Banyuwangi", village.Ancestor(RegionLevel.Regency)!.Name);
        Assert.Equal("35", village.Ancestor(RegionLevel.Province)!.Code);
        Assert.Same(village, village.Ancestor(RegionLevel.Village));
        Assert.Null(Get("35.10").Ancestor(RegionLevel.Village));
        Assert.Null(Get("35.10").Kind);
    }

    [Fact]
    public void A_quoted_name_with_a_comma_is_read_whole()
    {
        var village = Get("12.07.28.1007");

        Assert.Equal("Lubuk Pakam I,II", village.Name);
        Assert.Equal(VillageKind.Kelurahan, village.Kind);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("35.10.01.9999")]
    [InlineData("99")]
    [InlineData("35.10.1")]
    public void Unknown_codes_are_not_found(string? code)
    {
        Assert.False(Catalog.TryGet(code, out _));
        Assert.Null(Catalog.Find(code));
    }

    private static Stream Csv(string text) => new MemoryStream(Encoding.UTF8.GetBytes(text));

    private static RegionCatalog Load(string villages, string districts = "code,regency_code,name\n35.10.01,35.10,Pesanggaran\n") =>
        RegionCatalog.Load(
            Csv("code,name\n35,Jawa Timur\n"),
            Csv("code,province_code,name\n35.10,35,Kabupaten Banyuwangi\n"),
            Csv(districts),
            Csv(villages));

    [Fact]
    public void A_small_catalogue_loads_from_its_four_files()
    {
        var catalog = Load("code,district_code,name\n35.10.01.2001,35.10.01,Sarongan\n35.10.01.1002,35.10.01,\"Kota, Lama\"\n");

        Assert.Equal(2, catalog.Nation.VillageCount);
        Assert.Equal("Kota, Lama", catalog.Find("35.10.01.1002")!.Name);
    }

    [Theory]
    [InlineData("code,district_code,name\n35.10.02.2001,35.10.02,Nowhere\n", "unknown parent")]
    [InlineData("code,district_code,name\n35.10.01.2001,35.10.01,A\n35.10.01.2001,35.10.01,B\n", "appears twice")]
    [InlineData("code,district_code,name\n35.10.01,35.10,Not a village\n", "not a valid Village code")]
    public void Broken_reference_data_is_refused_with_the_reason(string villages, string reason)
    {
        var ex = Assert.Throws<InvalidDataException>(() => Load(villages));
        Assert.Contains(reason, ex.Message);
    }
}

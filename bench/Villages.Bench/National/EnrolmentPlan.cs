using System.Globalization;
using System.Text.Json;
using Villages.Bench.Shared;
using Villages.Domain;
using Villages.Regions;

namespace Villages.Bench.National;

/// <summary>Who gets which NIKs: a village's workers are numbered in its district from the village's place among the district's villages.</summary>
public sealed class EnrolmentPlan
{
    private readonly string[] _areas;
    private readonly long[] _firstIndex;
    private readonly NikFactory _niks;

    private EnrolmentPlan(string[] villages, string[] areas, long[] firstIndex, int workers, int batch, NikFactory niks)
    {
        Villages = villages;
        _areas = areas;
        _firstIndex = firstIndex;
        Workers = workers;
        Batch = batch;
        _niks = niks;
    }

    public string[] Villages { get; }
    public int Workers { get; }
    public int Batch { get; }
    public int RequestsPerVillage => (Workers + Batch - 1) / Batch;
    public long Requests => (long)Villages.Length * RequestsPerVillage;
    public long Enrolments => (long)Villages.Length * Workers;

    public static EnrolmentPlan For(RegionCatalog catalog, string[] villages, int workers, int batch, NikFactory niks)
    {
        var place = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var district in catalog.AtLevel(RegionLevel.District))
        {
            for (var j = 0; j < district.Children.Count; j++) place[district.Children[j].Code] = j;
        }
        var areas = new string[villages.Length];
        var first = new long[villages.Length];
        for (var v = 0; v < villages.Length; v++)
        {
            areas[v] = RegionCode.Parent(villages[v]).Replace(".", "", StringComparison.Ordinal);   // the village's district, PPRRDD
            first[v] = (long)place[villages[v]] * workers;
            if (first[v] + workers > niks.AreaCapacity) throw new ArgumentException($"--workers {workers} is too many for unique NIKs in district {areas[v]}.");
        }
        return new EnrolmentPlan(villages, areas, first, workers, batch, niks);
    }

    /// <summary>Request k: village k / RequestsPerVillage, its workers from (k mod RequestsPerVillage) x Batch. A village's batches follow each other.</summary>
    public (int Village, int From, int Count) Request(long k)
    {
        var village = (int)(k / RequestsPerVillage);
        var from = (int)(k % RequestsPerVillage) * Batch;
        return (village, from, Math.Min(Batch, Workers - from));
    }

    public void WriteBody(Utf8JsonWriter json, int village, int from, int count)
    {
        var occupations = EnrollmentOptions.DefaultOccupations;
        json.WriteStartArray();
        for (var w = from; w < from + count; w++)
        {
            json.WriteStartObject();
            json.WriteString("nik"u8, _niks.InArea(_areas[village], _firstIndex[village] + w));
            json.WriteString("name"u8, string.Create(CultureInfo.InvariantCulture, $"Pekerja {_areas[village]} {_firstIndex[village] + w + 1}"));
            json.WriteString("occupation"u8, occupations[w % occupations.Count]);
            json.WriteNumber("monthlyIncome"u8, 1_000_000);
            json.WriteStartArray("programs"u8);
            json.WriteStringValue("JKK"u8);
            json.WriteStringValue("JKM"u8);
            json.WriteEndArray();
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.Flush();
    }
}

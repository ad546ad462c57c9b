using Npgsql;
using Villages.Tests.Infrastructure;
using static Villages.Tests.Infrastructure.Workers;

namespace Villages.Tests.Grains;

/// <summary>What a write costs in storage: bounded whatever the village's size, one row per batch.</summary>
[Collection(GrainCollection.Name)]
public sealed class StorageCostTests(GrainFixture fixture)
{
    [Fact]
    public async Task A_single_enrolment_rewrites_a_small_page_however_many_workers_the_village_has()
    {
        var code = fixture.NextVillage();
        var village = fixture.Grains.GetGrain<IVillageGrain>(code);
        await village.SetProgram(new ProgramTerms(300, 300 * YearOfUsualPackage, 12, FundingSource.SD), TestActors.Operator);
        for (var i = 0; i < 300; i++) await village.Enroll(Worker(), TestActors.Operator);

        var pages = await PagesAsync(code);

        Assert.Equal(50, pages.Count); // 300 workers, 6 to a page
        Assert.All(pages, p => Assert.True(p.Bytes < 1_900, $"{p.Name} holds {p.Bytes} bytes: a write would be TOASTed"));
    }

    [Fact]
    public async Task A_batch_of_a_hundred_workers_is_one_row_write()
    {
        var code = fixture.NextVillage();
        var village = fixture.Grains.GetGrain<IVillageGrain>(code);
        await village.SetProgram(new ProgramTerms(100, 100 * YearOfUsualPackage, 12, FundingSource.SD), TestActors.Operator);
        await village.Enroll(Worker(), TestActors.Operator);

        var outcomes = await village.EnrollBatch([.. Enumerable.Range(0, 99).Select(_ => Worker())], TestActors.Operator);

        Assert.All(outcomes, o => Assert.Equal(EnrollmentResult.Created, o.Result));
        var pages = await PagesAsync(code);
        Assert.Equal(2, pages.Count);                  // the single one's small page, and the batch's
        Assert.Equal(1, pages[1].Version);             // written once
    }

    private async Task<List<(string Name, int Bytes, int Version)>> PagesAsync(string code)
    {
        await using var connection = new NpgsqlConnection(fixture.Cluster.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT graintypestring, octet_length(payloadbinary), version FROM orleansstorage
             WHERE serviceid = @service AND grainidextensionstring = @code AND graintypestring LIKE 'enrollments-%'
             ORDER BY length(graintypestring), graintypestring
            """, connection);
        command.Parameters.AddWithValue("service", fixture.Cluster.ServiceId);
        command.Parameters.AddWithValue("code", code);
        var pages = new List<(string, int, int)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) pages.Add((reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2)));
        return pages;
    }
}

using System.Text;
using Villages.WebApi.Endpoints;
using Xunit;
using static Villages.Specs.Domain.TestData;

namespace Villages.Specs.Domain;

/// <summary>Workers uploaded as a spreadsheet export by a village operator.</summary>
public class EnrollmentCsvTests
{
    private static async Task<(List<EnrollmentCsv.Row> Rows, string? Problem)> Read(string csv, int maximumRows = 1000, bool bom = false)
    {
        var bytes = Encoding.UTF8.GetBytes(csv);
        if (bom) bytes = [.. Encoding.UTF8.Preamble, .. bytes];
        return await EnrollmentCsv.ReadAsync(new MemoryStream(bytes), maximumRows, CancellationToken.None);
    }

    private static async Task<List<EnrollmentRequest>> ReadBodies(string csv, bool bom = false)
    {
        var (rows, problem) = await Read(csv, bom: bom);
        Assert.Null(problem);
        Assert.All(rows, r => Assert.Null(r.Problem));
        return [.. rows.Select(r => r.Request!)];
    }

    [Fact]
    public async Task An_english_header_reads_every_field()
    {
        var bodies = await ReadBodies(
            "nik,name,occupation,monthlyIncome,programs,agentId\n" +
            $"{WomanNik},Siti Aminah,nelayan,1000000,JKK;JKM;JHT,PRS-001\n");

        var body = Assert.Single(bodies);
        Assert.Equal((WomanNik, "Siti Aminah", "nelayan", (long?)1_000_000, "PRS-001"), (body.Nik, body.Name, body.Occupation, body.MonthlyIncome, body.AgentId));
        Assert.Equal(["JKK", "JKM", "JHT"], body.Programs!);
    }

    [Fact]
    public async Task An_indonesian_header_with_semicolons_from_a_spreadsheet_is_read()
    {
        var bodies = await ReadBodies(
            "NIK;Nama;Pekerjaan;Penghasilan;Program;Agen\r\n" +
            $"{WomanNik};Siti Aminah;Buruh Tani;1500000;JKK+JKM;PRS-001\r\n" +
            $"{ManNik};Budi Santoso;nelayan;1000000;;\r\n", bom: true);

        Assert.Equal(2, bodies.Count);
        Assert.Equal((WomanNik, "Siti Aminah", "Buruh Tani", (long?)1_500_000), (bodies[0].Nik, bodies[0].Name, bodies[0].Occupation, bodies[0].MonthlyIncome));
        Assert.Equal(["JKK", "JKM"], bodies[0].Programs!);
        Assert.Null(bodies[1].Programs);
    }

    [Fact]
    public async Task A_quoted_name_with_a_comma_stays_whole()
    {
        var bodies = await ReadBodies(
            "nik,name,occupation,income\n" +
            $"{WomanNik},\"Aminah, S.Pd.\",guru-ngaji,1000000\n");

        Assert.Equal("Aminah, S.Pd.", Assert.Single(bodies).Name);
    }

    [Theory]
    [InlineData(';')]
    [InlineData('\t')]
    public async Task In_a_semicolon_or_tab_file_a_comma_in_a_name_needs_no_quotes(char delimiter)
    {
        var bodies = await ReadBodies(
            string.Join(delimiter, "nik", "nama", "pekerjaan", "penghasilan", "program") + "\n" +
            string.Join(delimiter, WomanNik, "Aminah, S.Pd.", "guru-ngaji", "1000000", "JKK,JKM,JHT") + "\n" +
            string.Join(delimiter, ManNik, "Budi", "nelayan", "1000000", "") + "\n");

        Assert.Equal(["Aminah, S.Pd.", "Budi"], bodies.Select(b => b.Name));
        Assert.Equal(["JKK", "JKM", "JHT"], bodies[0].Programs!);
    }

    [Fact]
    public async Task Columns_may_come_in_any_order_and_spaces_around_values_are_trimmed()
    {
        var bodies = await ReadBodies(
            "penghasilan, nama ,nik,pekerjaan\n" +
            $" 2000000 , Siti Aminah ,{WomanNik}, nelayan \n");

        var body = Assert.Single(bodies);
        Assert.Equal((WomanNik, "Siti Aminah", "nelayan", (long?)2_000_000), (body.Nik, body.Name, body.Occupation, body.MonthlyIncome));
    }

    [Fact]
    public async Task A_row_with_an_income_that_is_not_a_number_is_reported_and_the_others_are_read()
    {
        var (rows, problem) = await Read(
            "nik,name,occupation,monthlyIncome\n" +
            $"{Worker(1)},Ani,nelayan,1000000\n" +
            $"{Worker(2)},Budi,nelayan,Rp1.000.000\n" +
            $"{Worker(3)},Citra,nelayan,\n" +
            $"{Worker(4)},Dewi,nelayan,1000000\n");

        Assert.Null(problem);
        Assert.Equal([2, 3, 4, 5], rows.Select(r => r.Number));
        Assert.Equal([false, true, true, false], rows.Select(r => r.Problem is not null));
        Assert.Equal("monthlyIncome must be a whole number of rupiah, digits only.", rows[1].Problem);
        Assert.Null(rows[1].Request);
        Assert.Equal("Dewi", rows[3].Request!.Name);
    }

    [Fact]
    public async Task A_short_row_is_read_with_its_missing_fields_empty()
    {
        var bodies = await ReadBodies(
            "nik,name,occupation,monthlyIncome,programs,agentId\n" +
            $"{WomanNik},Siti Aminah,nelayan,1000000\n");

        Assert.Equal((null, null), (Assert.Single(bodies).Programs, bodies[0].AgentId));
    }

    [Fact]
    public async Task A_header_without_the_required_columns_names_what_is_missing()
    {
        var (rows, problem) = await Read("nik,nama,umur\n" + $"{WomanNik},Siti,30\n");

        Assert.Empty(rows);
        Assert.NotNull(problem);
        Assert.StartsWith("The CSV header lacks occupation, monthlyIncome", problem);
    }

    [Fact]
    public async Task An_empty_file_asks_for_a_header()
    {
        var (rows, problem) = await Read("");

        Assert.Empty(rows);
        Assert.Contains("empty", problem);
    }

    [Fact]
    public async Task A_header_alone_gives_no_rows_and_no_problem()
    {
        var (rows, problem) = await Read("nik,name,occupation,monthlyIncome\n");

        Assert.Empty(rows);
        Assert.Null(problem);
    }

    private static string Workers(int count) =>
        "nik,name,occupation,monthlyIncome\n" +
        string.Concat(Enumerable.Range(1, count).Select(i => $"{Worker(i)},Pekerja {i},petani,1000000\n"));

    [Fact]
    public async Task The_maximum_number_of_rows_is_allowed()
    {
        var (rows, problem) = await Read(Workers(3), maximumRows: 3);

        Assert.Null(problem);
        Assert.Equal(3, rows.Count);
    }

    [Fact]
    public async Task More_rows_than_the_maximum_are_reported()
    {
        var (_, problem) = await Read(Workers(4), maximumRows: 3);

        Assert.Equal("The CSV holds more than 3 rows; split it or use the regency import.", problem);
    }
}

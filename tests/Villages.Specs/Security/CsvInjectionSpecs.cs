using System.Globalization;
using CsvHelper;
using Villages.WebApi.Http;

namespace Villages.Specs.Security;

/// <summary>
/// Every CSV the service writes goes through CsvDownload.Writer: a text cell that a spreadsheet
/// would run as a formula comes out as text; numbers, NIKs, codes and dates come out as they are.
/// </summary>
public sealed class CsvInjectionSpecs
{
    [Theory]
    [InlineData("=HYPERLINK(\"http://x\",\"y\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"")]
    [InlineData("=1+2", "\"'=1+2\"")]
    [InlineData("+1+2", "\"'+1+2\"")]
    [InlineData("-1-1", "\"'-1-1\"")]
    [InlineData("@SUM(A1:A2)", "\"'@SUM(A1:A2)\"")]
    [InlineData("\tcmd", "\"'\tcmd\"")]
    [InlineData("\r=1", "\"'\r=1\"")]
    [InlineData("=cmd|' /C calc'!A0", "\"'=cmd|' /C calc'!A0\"")]
    public void A_text_cell_that_starts_a_formula_is_written_as_text(string cell, string written)
    {
        Assert.Equal(written, Write(csv => csv.WriteField(cell)));
        Assert.Equal("'" + cell, ReadBack(written));
    }

    [Theory]
    [InlineData("Siti Aminah")]
    [InlineData("3510014503900001")]
    [InlineData("3510********0001")]
    [InlineData("35.10.01.2001")]
    [InlineData("2027-03-14")]
    [InlineData("JKK+JKM")]
    [InlineData("Nur = cahaya")]
    [InlineData("")]
    public void Other_text_is_left_alone(string cell) => Assert.Equal(cell, Write(csv => csv.WriteField(cell)));

    [Fact]
    public void Numbers_stay_numbers_even_negative()
    {
        Assert.Equal("-16800,0,1000000,12,-2.5", Write(csv =>
        {
            csv.WriteField(-16_800L);
            csv.WriteField(0);
            csv.WriteField(1_000_000L);
            csv.WriteField(12);
            csv.WriteField(-2.5m);
        }));
        // and the next text cell after a number is escaped again
        Assert.Equal("-1,\"'-1\"", Write(csv =>
        {
            csv.WriteField(-1);
            csv.WriteField("-1");
        }));
    }

    private static string Write(Action<CsvWriter> write)
    {
        var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var csv = CsvDownload.Writer(text)) write(csv);
        return text.ToString();
    }

    private static string ReadBack(string line)
    {
        using var csv = new CsvParser(new StringReader(line + "\n"), CultureInfo.InvariantCulture);
        Assert.True(csv.Read());
        return csv.Record![0];
    }
}

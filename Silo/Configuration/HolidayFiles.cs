using Microsoft.Extensions.Options;
using Villages.Domain;

namespace Villages.Silo.Configuration;

/// <summary>
/// The holiday calendar's files (Villages:Money:HolidayFiles), read once on start: a path is
/// relative to the application's directory, where data/holidays/indonesia.csv ships.
/// </summary>
public static class HolidayFiles
{
    public static string Resolve(string path) => Path.IsPathRooted(path) ? path : Path.Combine(AppContext.BaseDirectory, path);

    public static IReadOnlyList<DateOnly> Load(MoneyOptions options)
    {
        var days = new List<DateOnly>();
        foreach (var file in options.Files)
        {
            using var reader = File.OpenText(Resolve(file));
            days.AddRange(HolidayFile.Read(reader, file));
        }
        return days;
    }

    public static DuesRules Rules(MoneyOptions options) => DuesRules.From(options, Load(options));
}

/// <summary>Stops start-up when a holiday file is missing or unreadable, naming it and the line.</summary>
public sealed class HolidayFilesValidator : IValidateOptions<MoneyOptions>
{
    public ValidateOptionsResult Validate(string? name, MoneyOptions options)
    {
        try
        {
            HolidayFiles.Load(options);
            return ValidateOptionsResult.Success;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            return ValidateOptionsResult.Fail($"{MoneyOptions.Section}:HolidayFiles: {ex.Message}");
        }
    }
}

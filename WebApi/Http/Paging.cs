using System.Globalization;

namespace Villages.WebApi.Http;

/// <summary>offset and limit in a query string: whole numbers, offset from 0, limit from 1 to <see cref="MaximumLimit"/>.</summary>
public static class Paging
{
    public const int DefaultLimit = 50;
    public const int MaximumLimit = 500;

    public static bool TryRead(string? offset, string? limit, out int from, out int take) =>
        TryInt(offset, 0, int.MaxValue, 0, out from) & TryInt(limit, 1, MaximumLimit, DefaultLimit, out take);

    public static IResult Problem(HttpContext context) =>
        Problems.Result(ProblemType.InvalidQuery, $"offset is a whole number from 0; limit from 1 to {MaximumLimit}.", context);

    private static bool TryInt(string? text, int min, int max, int fallback, out int value)
    {
        value = fallback;
        if (string.IsNullOrEmpty(text)) return true;
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max;
    }
}

using Villages.Regions;

namespace Villages.Bench.Shared;

/// <summary>
/// Valid, unique NIKs from a counter: the counter is mapped over serial (0001-9999), birth date
/// (DDMMYY, +40 on the day for women) and area (a real district code, PPRRDD). Birth years 1967-2005,
/// so every holder is between 20 and 60 in 2026. About 2 * 10^12 distinct values before a repeat.
/// Thread-safe; the seed moves the start so runs against a long-lived service do not collide.
/// </summary>
public sealed class NikFactory
{
    private const int Serials = 9999;
    private const int FirstBirthYear = 1967;
    private const int LastBirthYear = 2005;

    private readonly string[] _areas;
    private readonly string[] _dates;
    private readonly long _start;
    private readonly long _areaStart;
    private long _next;

    public NikFactory(RegionCatalog catalog, long seed = 0)
    {
        _areas = [.. catalog.AtLevel(RegionLevel.District).Select(d => d.Code.Replace(".", "", StringComparison.Ordinal))];
        var dates = new List<string>();
        for (var day = new DateOnly(FirstBirthYear, 1, 1); day.Year <= LastBirthYear; day = day.AddDays(1))
        {
            var yy = day.Year % 100;
            dates.Add($"{day.Day:00}{day.Month:00}{yy:00}");       // man
            dates.Add($"{day.Day + 40:00}{day.Month:00}{yy:00}");  // woman
        }
        _dates = [.. dates];
        _start = _next = seed * 1_000_000_000L;
        _areaStart = seed * 10_000_000L;
    }

    /// <summary>How many NIKs one area holds (serials x birth dates): about 2.8 * 10^8.</summary>
    public long AreaCapacity => (long)Serials * _dates.Length;

    /// <summary>
    /// The NIK number <paramref name="index"/> (from 0) of one area, e.g. the district code of the
    /// village that enrols the worker (PPRRDD, no dots): serial and birth date come from the index,
    /// moved by the seed. Unique per (area, index) for indexes below <see cref="AreaCapacity"/>;
    /// lock-free, so callers can number their workers themselves. Independent of <see cref="Next"/>.
    /// </summary>
    public string InArea(string area, long index)
    {
        if (area.Length != 6) throw new ArgumentException("An area is six digits.", nameof(area));
        var i = (_areaStart + index) % AreaCapacity;
        var serial = (int)(i % Serials) + 1;
        var date = _dates[i / Serials];
        return string.Create(16, (area, date, serial), static (span, s) =>
        {
            s.area.AsSpan().CopyTo(span);
            s.date.AsSpan().CopyTo(span[6..]);
            s.serial.TryFormat(span[12..], out _, "0000");
        });
    }

    /// <summary>How many NIKs can be made before the sequence repeats.</summary>
    public long Capacity => (long)Serials * _dates.Length * _areas.Length;

    /// <summary>How many NIKs were handed out so far.</summary>
    public long Issued => Interlocked.Read(ref _next) - _start;

    public string Next()
    {
        var i = (Interlocked.Increment(ref _next) - 1) % Capacity;
        var serial = (int)(i % Serials) + 1;
        var rest = i / Serials;
        var area = _areas[rest % _areas.Length];
        var date = _dates[(rest / _areas.Length) % _dates.Length];
        return string.Create(16, (area, date, serial), static (span, s) =>
        {
            s.area.AsSpan().CopyTo(span);
            s.date.AsSpan().CopyTo(span[6..]);
            s.serial.TryFormat(span[12..], out _, "0000");
        });
    }
}

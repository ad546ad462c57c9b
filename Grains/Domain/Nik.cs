namespace Villages.Domain;

public enum Sex
{
    Male = 1,
    Female = 2,
}

/// <summary>What a valid NIK says about its holder.</summary>
public readonly record struct NikFacts(DateOnly BirthDate, Sex Sex);

/// <summary>
/// The 16-digit national identity number: digits 1-6 the area of first registration, 7-12 the
/// birth date DDMMYY with 40 added to the day for women, 13-16 a serial from 0001; no checksum.
/// Messages never repeat the NIK: they are shown to callers and may reach logs.
/// </summary>
public static class Nik
{
    public const int Length = 16;

    /// <summary>
    /// Checks the shape (the common validator ^\d{6}[0-7]\d(0[1-9]|1[0-2])\d{2}(?!0000)\d{4}$), a real
    /// calendar date, and the age limits on <paramref name="today"/>.
    /// </summary>
    public static bool TryValidate(string? nik, DateOnly today, EnrollmentOptions options, out NikFacts facts, out string problem)
    {
        facts = default;
        if (string.IsNullOrEmpty(nik)) { problem = "The NIK is required."; return false; }
        if (nik.Length != Length || !nik.All(char.IsAsciiDigit))
        {
            problem = "A NIK is exactly 16 digits.";
            return false;
        }
        var day = Digits(nik, 6);
        var month = Digits(nik, 8);
        var year = Digits(nik, 10);
        if (nik.AsSpan(12) is "0000") { problem = "The NIK's serial (digits 13-16) cannot be 0000."; return false; }
        var sex = day > 40 ? Sex.Female : Sex.Male;
        if (sex == Sex.Female) day -= 40;
        if (month is < 1 or > 12 || day < 1 || day > 31)
        {
            problem = "Digits 7-12 of the NIK are not a birth date (DDMMYY, 40 added to the day for women).";
            return false;
        }
        // Two-digit year: the most recent century that does not put the birth in the future.
        var fullYear = 2000 + year;
        if (!IsDate(fullYear, month, day) || new DateOnly(fullYear, month, day) > today) fullYear -= 100;
        if (!IsDate(fullYear, month, day))
        {
            problem = "Digits 7-12 of the NIK are not a real calendar date.";
            return false;
        }
        var birth = new DateOnly(fullYear, month, day);
        var age = AgeOn(birth, today);
        if (age > options.MaximumAgeYears)
        {
            problem = $"The worker is {age} years old; enrolment is open up to age {options.MaximumAgeYears}.";
            return false;
        }
        if (age < options.MinimumAgeYears)
        {
            problem = $"The worker is {age} years old; enrolment starts at age {options.MinimumAgeYears}.";
            return false;
        }
        facts = new NikFacts(birth, sex);
        problem = "";
        return true;
    }

    /// <summary>Shows only the area code's first four and the serial: 3510********0001.</summary>
    public static string Mask(string? nik) =>
        nik?.Length == Length ? string.Concat(nik.AsSpan(0, 4), "********", nik.AsSpan(12, 4)) : new string('*', Length);

    public static int AgeOn(DateOnly birth, DateOnly today)
    {
        var age = today.Year - birth.Year;
        return birth.AddYears(age) > today ? age - 1 : age;
    }

    private static int Digits(string s, int at) => (s[at] - '0') * 10 + (s[at + 1] - '0');

    private static bool IsDate(int year, int month, int day) =>
        year is >= 1 and <= 9999 && day <= DateTime.DaysInMonth(year, month);
}

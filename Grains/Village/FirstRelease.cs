using Villages.Domain;

namespace Villages.Village;

/// <summary>
/// Rows written by the first release, read by this one. It kept one programme per village and one
/// block per enrolment (its start was the first day of the month of registration):
/// - the programme becomes the programme of the budget year it was opened in (WIB), for vulnerable
///   workers, with its funding source; it committed its budget as prepaid, so its months count as
///   paid (<see cref="Programme.Prepaid"/>) and its workers are never taken for arrears;
/// - an enrolment's block belongs to that programme; its coverage starts on the registration day
///   (a returning worker's too: the month it came back in was paid already), pays its months from
///   the stored first month, and a withdrawal stops it on the day it was made;
/// - the months a withdrawal kept as begun were added to SettledEarlier in that release: they move
///   back into the block, and SettledEarlier keeps only the periods before it.
/// Nothing is rewritten on load: a row takes the new shape the next time its village writes it.
/// </summary>
internal static class FirstRelease
{
    public static IEnumerable<Programme> Programmes(VillageProgramState header)
    {
        if (header.Programmes is { } programmes) return programmes.Select(VillageStore.Programme);
        return header.Program is { } terms
            ? [new Programme(ProgramOf(header)!, terms, header.OpenedAt ?? DateTimeOffset.UnixEpoch, header.UpdatedAt ?? header.OpenedAt ?? DateTimeOffset.UnixEpoch)
                { Prepaid = true }]
            : [];
    }

    /// <summary>The first release's programme, as a programme of its year.</summary>
    public static ProgramKey? ProgramOf(VillageProgramState header) =>
        header.Program is { } terms
            ? new ProgramKey(CoverageCalendar.Year(header.OpenedAt ?? DateTimeOffset.UnixEpoch), terms.FundingSource, Cohort.Vulnerable)
            : null;

    public static (IReadOnlyList<CoverageBlock> Blocks, long SettledEarlier) Blocks(StoredEnrollment s, ProgramKey program)
    {
        var block = new CoverageBlock
        {
            Program = program, Start = CoverageCalendar.LocalDate(s.EnrolledAt), FirstMonth = s.CoverageStart, Months = s.CoverageMonths,
            MonthlyPremium = s.MonthlyPremium,
        };
        if (s.Status != EnrollmentStatus.Withdrawn || s.WithdrawnAt is not { } withdrawn) return ([block], s.SettledEarlier);
        var begun = CoverageCalendar.MonthsBegun(s.CoverageStart, s.CoverageMonths, withdrawn);
        block = block with
        {
            Stop = BlockStop.Withdrawn, StoppedOn = CoverageCalendar.LocalDate(withdrawn), MonthsRefunded = s.CoverageMonths - begun,
        };
        return ([block], s.SettledEarlier - s.MonthlyPremium * begun);
    }
}

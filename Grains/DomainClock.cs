namespace Villages;

/// <summary>
/// The clock of the domain (coverage months, enrolment times, the figures' "today"): a keyed
/// TimeProvider, so tests move it without moving Orleans' own timers.
/// </summary>
public static class DomainClock
{
    public const string Key = "villages";
}

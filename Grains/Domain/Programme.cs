namespace Villages.Domain;

/// <summary>One programme of a village: a budget year, a cohort and a funder, with its terms.</summary>
public sealed record Programme(ProgramKey Key, ProgramTerms Terms, DateTimeOffset OpenedAt, DateTimeOffset UpdatedAt);

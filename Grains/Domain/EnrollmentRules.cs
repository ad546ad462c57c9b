namespace Villages.Domain;

/// <summary>A request that passed every check that does not depend on the village's state.</summary>
public sealed record ValidEnrollment(
    string Nik,
    NikFacts Facts,
    string Name,
    string Occupation,
    long MonthlyIncome,
    Programs Programs,
    PremiumQuote Quote,
    string? AgentId,
    Cohort Cohort = Cohort.Vulnerable)
{
    public override string ToString() => $"ValidEnrollment {{ Occupation = {Occupation}, Monthly = {Quote.Monthly} }}";
}

/// <summary>The checks on one worker's data: the NIK, the name, the occupation, the income and the programmes.</summary>
public sealed class EnrollmentRules(EnrollmentOptions options, PremiumCalculator premiums)
{
    public EnrollmentOptions Options => options;

    public PremiumCalculator Premiums => premiums;

    public bool TryValidate(EnrollmentRequest? request, DateOnly today, out ValidEnrollment valid, out Failure failure)
    {
        valid = null!;
        failure = null!;
        if (request is null)
        {
            failure = Invalid("The worker's data is missing.", null);
            return false;
        }
        if (!Nik.TryValidate(request.Nik, today, options, out var facts, out var nikProblem))
        {
            failure = new Failure(FailureCode.InvalidNik, nikProblem, "nik");
            return false;
        }
        var name = request.Name?.Trim() ?? "";
        if (name.Length == 0 || name.Length > options.MaximumNameLength || name.Any(char.IsControl))
        {
            failure = Invalid($"The name is required: 1 to {options.MaximumNameLength} characters, no control characters.", "name");
            return false;
        }
        if (!ProgramRules.TryCohort(request.Cohort, out var cohort))
        {
            failure = Invalid("cohort must be vulnerable or apparatus.", "cohort");
            return false;
        }
        if (request.Occupation is null)
        {
            failure = Invalid("occupation is required.", "occupation");
            return false;
        }
        var occupation = request.Occupation.Trim().ToLowerInvariant().Replace(' ', '-');
        var allowed = cohort == Cohort.Apparatus ? options.AllowedPositions : options.AllowedOccupations;
        if (!allowed.Contains(occupation))
        {
            failure = Invalid($"Unknown {(cohort == Cohort.Apparatus ? "position" : "occupation")}; use one of: {string.Join(", ", allowed)}.", "occupation");
            return false;
        }
        if (request.MonthlyIncome is not { } income)
        {
            failure = Invalid("monthlyIncome is required (whole rupiah).", "monthlyIncome");
            return false;
        }
        if (!ProgramNames.TryParse(request.Programs, out var programs))
        {
            failure = Invalid("programs may list only JKK, JKM and JHT (JKK and JKM together).", "programs");
            return false;
        }
        if (!premiums.TryPrice(cohort, income, programs, out var quote, out var priceProblem, out var field))
        {
            failure = Invalid(priceProblem, field);
            return false;
        }
        var agent = string.IsNullOrWhiteSpace(request.AgentId) ? null : request.AgentId.Trim();
        if (agent is not null && !IsAgentId(agent))
        {
            failure = Invalid("An agentId is 1 to 40 letters, digits, '.', '_' or '-'.", "agentId");
            return false;
        }
        valid = new ValidEnrollment(request.Nik!, facts, name, occupation, income, programs, quote, agent, cohort);
        return true;
    }

    public static bool IsAgentId(string id) =>
        id.Length is >= 1 and <= 40 && id.All(static c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');

    private static Failure Invalid(string detail, string? field) => new(FailureCode.InvalidEnrollment, detail, field);
}

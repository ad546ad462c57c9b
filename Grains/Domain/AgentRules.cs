using Villages.Regions;

namespace Villages.Domain;

/// <summary>A PERISAI agent record that passed the checks: a name, a regency or district of the reference data, a status.</summary>
public sealed record ValidAgent(string Code, string Name, Region Region, AgentStatus Status)
{
    /// <summary>The regency whose registry holds the agent.</summary>
    public Region Regency => Region.Level == RegionLevel.Regency ? Region : Region.Parent!;
}

/// <summary>
/// The PERISAI registry's rules: what an agent record must be, and which agents an enrolment may
/// name. The rule applies to enrolments made from now on: an enrolment stored with an agent code
/// the registry does not know (the first releases accepted any) keeps it, and its figures count.
/// </summary>
public static class AgentRules
{
    public const int MaximumNameLength = 100;

    public static bool TryValidate(string code, AgentRequest? request, RegionCatalog regions, out ValidAgent valid, out Failure failure)
    {
        valid = null!;
        failure = null!;
        if (!EnrollmentRules.IsAgentId(code))
        {
            failure = Invalid("An agent code is 1 to 40 letters, digits, '.', '_' or '-', e.g. PRS-3510-001.", "code");
            return false;
        }
        var name = request?.Name?.Trim() ?? "";
        if (name.Length == 0 || name.Length > MaximumNameLength || name.Any(char.IsControl))
        {
            failure = Invalid($"name is required: 1 to {MaximumNameLength} characters, no control characters.", "name");
            return false;
        }
        var regionCode = request!.Region?.Trim();
        if (!RegionCode.TryParseLevel(regionCode, out var level) || level is not (RegionLevel.Regency or RegionLevel.District))
        {
            failure = Invalid("region is the regency (PP.RR) or district (PP.RR.DD) the agent works in, e.g. 35.10.", "region");
            return false;
        }
        if (!regions.TryGet(regionCode, out var region))
        {
            failure = Invalid($"No region {regionCode} in the reference data (Kepmendagri 300.2.2-2138/2025).", "region");
            return false;
        }
        if (!TryStatus(request.Status, out var status))
        {
            failure = Invalid("status is active or inactive.", "status");
            return false;
        }
        valid = new ValidAgent(code, name, region, status);
        return true;
    }

    public static bool TryStatus(string? text, out AgentStatus status)
    {
        status = default;
        switch (text?.Trim().ToLowerInvariant())
        {
            case "active": status = AgentStatus.Active; return true;
            case "inactive": status = AgentStatus.Inactive; return true;
            default: return false;
        }
    }

    /// <summary>
    /// Whether a new enrolment in a village may name the agent: registered (region and status known,
    /// null when not in the registry) for the village's regency or district, and active.
    /// </summary>
    public static Failure? MayEnrol(string code, string? registeredFor, AgentStatus? status, string villageCode)
    {
        if (registeredFor is null)
        {
            return new Failure(FailureCode.AgentNotRegistered,
                $"No PERISAI agent {code} is registered for the region of village {villageCode}: register the agent first (PUT /api/agents/{code}) or correct agentId.", "agentId");
        }
        if (!Contains(registeredFor, villageCode))
        {
            return new Failure(FailureCode.AgentNotRegistered,
                $"PERISAI agent {code} is registered for {registeredFor}, which does not contain village {villageCode}: an agent enrols in the villages of their own region.", "agentId");
        }
        return status == AgentStatus.Active ? null
            : new Failure(FailureCode.AgentInactive, $"PERISAI agent {code} is inactive: new enrolments may not name them.", "agentId");
    }

    /// <summary>Whether a region (regency or district) contains the village.</summary>
    public static bool Contains(string region, string villageCode) =>
        villageCode.Length > region.Length && villageCode.StartsWith(region, StringComparison.Ordinal) && villageCode[region.Length] == '.';

    private static Failure Invalid(string detail, string field) => new(FailureCode.InvalidAgent, detail, field);
}

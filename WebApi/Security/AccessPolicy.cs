using Villages.Regions;

namespace Villages.WebApi.Security;

/// <summary>What a caller asks to do with a village (or, for exports and region jobs, a region).</summary>
public enum VillageAction
{
    /// <summary>Enrolments and their history: names and masked NIKs.</summary>
    ReadPersonal,
    ChangeProgram,
    Enroll,
    Withdraw,
    /// <summary>The NIKs in full, for a BPJS collective registration.</summary>
    ExportPersonal,
    /// <summary>Renew a village's workers into a year's programme.</summary>
    Renew,
    /// <summary>Start the renewal of every village of a region (a regency's job).</summary>
    RenewRegion,
    /// <summary>Be told whether a worker was covered on a day, and where (claims: deaths, work accidents).</summary>
    LookupCoverage,
    /// <summary>Read the audit of coverage questions: who asked about whom, nationwide.</summary>
    AuditLookups,
    /// <summary>A programme's months, what is due to BPJS and what was paid: money, no personal data.</summary>
    ReadDues,
    /// <summary>Record a payment to BPJS (and only for the programmes the role pays: <see cref="AccessPolicy.MayPay"/>).</summary>
    RecordPayment,
    /// <summary>Restore memberships that ended for arrears (a BPJS branch).</summary>
    Reinstate,
    /// <summary>Match a BPJS result file to a regency's enrolments (a BPJS branch).</summary>
    Reconcile,
    /// <summary>Register a PERISAI agent for a regency or district, or change one (asked on the agent's region, both of them for a move).</summary>
    RegisterAgent,
    /// <summary>Read PERISAI agents: names, regions, statuses (asked on the agent's, or the listed, region).</summary>
    ReadAgents,
}

/// <summary>The policy's answer: allowed, not signed in (401), or outside one's role or region (403).</summary>
public enum Access
{
    Allowed,
    Unauthenticated,
    Forbidden,
}

/// <summary>
/// Who may do what, and where, in one place (the table of the README's "Who may do what"; checked
/// role x action x scope in the specs' AccessPolicySpecs). A role allows its actions only within
/// its scope: the region codes of the token at the role's level or narrower (<see cref="Roles.ScopeLevel"/>),
/// so a village operator acts on exactly the villages its token names and a token naming a regency
/// gives it nothing. Anyone, even anonymous, reads aggregated progress and a village's programme
/// figures: those endpoints ask nothing. The HTTP side asks once per request, in the access filter
/// (Http/AccessFilter.cs), and the few checks that depend on a body (an import's rows, an agent
/// code, the village a coverage answer names) ask here too.
/// </summary>
public static class AccessPolicy
{
    /// <summary>What each role may do within its scope.</summary>
    private static readonly Dictionary<string, VillageAction[]> Table = new(StringComparer.Ordinal)
    {
        [Roles.VillageOperator] = [VillageAction.ReadPersonal, VillageAction.ChangeProgram, VillageAction.Enroll, VillageAction.Withdraw,
            VillageAction.Renew, VillageAction.ExportPersonal, VillageAction.LookupCoverage, VillageAction.ReadDues, VillageAction.RecordPayment],
        [Roles.PerisaiAgent] = [VillageAction.ReadPersonal, VillageAction.Enroll],
        [Roles.DistrictOfficer] = [VillageAction.ReadPersonal, VillageAction.LookupCoverage, VillageAction.ReadDues, VillageAction.ReadAgents],
        [Roles.RegencyOfficer] = [VillageAction.ReadPersonal, VillageAction.LookupCoverage, VillageAction.RenewRegion, VillageAction.ReadDues,
            VillageAction.RecordPayment, VillageAction.RegisterAgent, VillageAction.ReadAgents],
        [Roles.ProvinceOfficer] = [VillageAction.ReadPersonal, VillageAction.LookupCoverage, VillageAction.RenewRegion, VillageAction.ReadDues,
            VillageAction.RecordPayment, VillageAction.RegisterAgent, VillageAction.ReadAgents],
        [Roles.BpjsBranch] = [VillageAction.ReadPersonal, VillageAction.ExportPersonal, VillageAction.LookupCoverage, VillageAction.ReadDues,
            VillageAction.Reinstate, VillageAction.Reconcile, VillageAction.ReadAgents],
        [Roles.NationalMonitor] = [VillageAction.ReadPersonal, VillageAction.LookupCoverage, VillageAction.AuditLookups, VillageAction.ReadDues,
            VillageAction.ReadAgents],
        [Roles.NationalAdmin] = [VillageAction.ReadPersonal, VillageAction.LookupCoverage, VillageAction.AuditLookups, VillageAction.ReadDues,
            VillageAction.RegisterAgent, VillageAction.ReadAgents],
    };

    /// <summary>
    /// Whether the caller pays for a programme of this funder (once allowed to record payments in the
    /// village): the village operator for the village's own budget (SD) and other sources (SL), a
    /// regency or province officer for the regional budget (SA).
    /// </summary>
    public static bool MayPay(Caller caller, FundingSource funder) => funder == FundingSource.SA
        ? caller.HasAny([Roles.RegencyOfficer, Roles.ProvinceOfficer])
        : caller.Has(Roles.VillageOperator);

    /// <summary>The roles, most specific scope first: the one a change is recorded under when several allow it.</summary>
    private static readonly string[] BySpecificity = [.. Roles.All.OrderByDescending(Roles.ScopeLevel)];

    /// <summary>Whether the role may do this anywhere at all (before its scope is asked).</summary>
    public static bool Grants(string role, VillageAction action) => Table.TryGetValue(role, out var actions) && actions.Contains(action);

    /// <summary>
    /// The regions the caller's token gives one of its roles: its codes at the role's level or
    /// narrower; the nation for a national role; nothing for a role it lacks, or for an agent
    /// without its agent code (it could only act under someone else's).
    /// </summary>
    public static IReadOnlyList<string> Scope(Caller caller, string role)
    {
        if (!caller.Has(role) || (role == Roles.PerisaiAgent && caller.AgentId is null)) return [];
        var widest = Roles.ScopeLevel(role);
        if (widest == RegionLevel.Nation) return [RegionCode.Nation];
        return [.. caller.Regions.Where(r => RegionCode.TryParseLevel(r, out var level) && level >= widest)];
    }

    public static Access Decide(Caller caller, VillageAction action, string code) =>
        !caller.Authenticated ? Access.Unauthenticated : Allows(caller, action, code) ? Access.Allowed : Access.Forbidden;

    /// <summary>For an endpoint whose region is in its body (an import, a coverage question): allowed somewhere at all.</summary>
    public static Access DecideAnywhere(Caller caller, VillageAction action) =>
        !caller.Authenticated ? Access.Unauthenticated : AllowsAnywhere(caller, action) ? Access.Allowed : Access.Forbidden;

    /// <summary>Whether a signed-in caller may do this in this village or region.</summary>
    public static bool Allows(Caller caller, VillageAction action, string code) => RoleFor(caller, action, code) is not null;

    /// <summary>Whether a signed-in caller may do this in at least one region.</summary>
    public static bool AllowsAnywhere(Caller caller, VillageAction action) => RoleFor(caller, action, null) is not null;

    /// <summary>An import or a renewal job is visible to whoever started it and to the national roles.</summary>
    public static bool MaySeeImport(Caller caller, string owner) => owner == caller.Subject || caller.HasAny(Roles.National);

    /// <summary>
    /// The role a change is recorded under: the most specific one that allows it here (anywhere
    /// when code is null). The access filter has let the caller through, so one does.
    /// </summary>
    public static string ActingRole(Caller caller, VillageAction action, string? code = null) =>
        RoleFor(caller, action, code) ?? caller.Roles.Order(StringComparer.Ordinal).FirstOrDefault() ?? "none";

    /// <summary>
    /// The agent code an enrolment by this caller in this village is recorded under: its token's
    /// when it enrols there as a PERISAI agent, else the one the row names. False when an agent
    /// names another agent: an agent's work counts only under its own code.
    /// </summary>
    public static bool TryRecordedAgent(Caller caller, string village, string? named, out string? recorded)
    {
        if (RoleFor(caller, VillageAction.Enroll, village) != Roles.PerisaiAgent)
        {
            recorded = named;
            return true;
        }
        recorded = caller.AgentId;
        return string.IsNullOrWhiteSpace(named) || named.Trim() == caller.AgentId;
    }

    /// <summary>Why a signed-in caller was refused, in words: the role it lacks, or the scope its token does not give.</summary>
    public static string Explain(Caller caller, VillageAction action, string? code)
    {
        var where = code is null ? "" : $" in {code}";
        var granted = BySpecificity.Where(r => caller.Has(r) && Grants(r, action)).ToList();
        if (granted.Count == 0)
        {
            return $"Your role ({Describe(caller)}) may not {Verb(action)}{where}: that is for {string.Join(", ", Roles.All.Where(r => Grants(r, action)))}.";
        }
        var role = granted[0];
        if (role == Roles.PerisaiAgent && caller.AgentId is null && granted.Count == 1)
        {
            return $"Your token carries no PERISAI agent code (claim agent_id): an agent may {Verb(action)} only under its own code.";
        }
        var scope = Scope(caller, role);
        var given = scope.Count == 0 ? "names no region it may use" : $"gives it {string.Join(", ", scope)}";
        return $"You may not {Verb(action)}{where}: your token, as {role}, {given}. A {role} acts on the {Plural(Roles.ScopeLevel(role))} "
            + "its token names (or narrower regions within them); a wider region gives it nothing.";
    }

    private static string? RoleFor(Caller caller, VillageAction action, string? code) =>
        Array.Find(BySpecificity, role => Grants(role, action) && Scope(caller, role) is { Count: > 0 } scope && (code is null || scope.Any(r => Within(code, r))));

    /// <summary>Whether the code is the region or lies inside it.</summary>
    private static bool Within(string code, string region) =>
        region == RegionCode.Nation || code == region
        || (code.Length > region.Length && code.StartsWith(region, StringComparison.Ordinal) && code[region.Length] == '.');

    private static string Describe(Caller caller) => caller.Roles.Count == 0 ? "none" : string.Join(", ", caller.Roles.Order(StringComparer.Ordinal));

    private static string Plural(RegionLevel level) => level switch
    {
        RegionLevel.Village => "villages",
        RegionLevel.District => "districts",
        RegionLevel.Regency => "regencies",
        RegionLevel.Province => "provinces",
        _ => "nation",
    };

    private static string Verb(VillageAction action) => action switch
    {
        VillageAction.ReadPersonal => "read enrolments",
        VillageAction.ChangeProgram => "change the programme",
        VillageAction.Enroll => "enrol workers",
        VillageAction.Withdraw => "withdraw workers",
        VillageAction.ExportPersonal => "export NIKs",
        VillageAction.Renew => "renew workers",
        VillageAction.RenewRegion => "renew a region's workers",
        VillageAction.LookupCoverage => "see a worker's coverage",
        VillageAction.AuditLookups => "read the audit of coverage questions",
        VillageAction.ReadDues => "read the programme's dues",
        VillageAction.RecordPayment => "record payments",
        VillageAction.Reinstate => "reinstate memberships",
        VillageAction.Reconcile => "reconcile BPJS result files",
        VillageAction.RegisterAgent => "register PERISAI agents",
        VillageAction.ReadAgents => "read PERISAI agents",
        _ => action.ToString(),
    };
}

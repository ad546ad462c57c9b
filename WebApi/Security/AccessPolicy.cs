namespace Villages.WebApi.Security;

/// <summary>What a caller asks to do with a village (or, for reads and exports, a region).</summary>
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
    /// <summary>A programme's months, what is due to BPJS and what was paid: money, no personal data.</summary>
    ReadDues,
    /// <summary>Record a payment to BPJS (who may, for which funder: <see cref="AccessPolicy.MayPay"/>).</summary>
    RecordPayment,
    /// <summary>Restore memberships that ended for arrears (a BPJS branch).</summary>
    Reinstate,
    /// <summary>Match a BPJS result file to a regency's enrolments (a BPJS branch).</summary>
    Reconcile,
}

/// <summary>The policy's answer: allowed, not signed in (401), or outside one's role or region (403).</summary>
public enum Access
{
    Allowed,
    Unauthenticated,
    Forbidden,
}

/// <summary>
/// Who may do what, in one place (tested as a table in AccessPolicyTests):
/// - anyone, even anonymous: aggregated progress and a village's programme figures, no personal data;
/// - village operator: its own village's programme and enrolments (enrol, re-price, withdraw);
/// - PERISAI agent: enrol in the villages of its districts, recorded under the agent code of its token;
/// - district, regency and province officers: read their region (NIKs always masked);
/// - national monitor and national admin: read everything; the admin also sees the Orleans dashboard;
/// - BPJS branch: reads its region and exports it with full NIKs, as does a village's own operator.
/// The HTTP side asks it once per request, in the access filter (Http/AccessFilter.cs).
/// </summary>
public static class AccessPolicy
{
    /// <summary>The roles that enrol workers (in the villages their tokens cover).</summary>
    public static readonly string[] Enrollers = [Roles.VillageOperator, Roles.PerisaiAgent];

    /// <summary>The roles that ask whether a worker was covered on a day (the answer then limited to their region).</summary>
    public static readonly string[] CoverageAskers = [Roles.BpjsBranch, .. Roles.Officers, Roles.VillageOperator, Roles.NationalMonitor, Roles.NationalAdmin];

    /// <summary>The roles that may look at anyone's import.</summary>
    public static readonly string[] NationalRoles = [Roles.NationalMonitor, Roles.NationalAdmin];

    public static Access Decide(Caller caller, VillageAction action, string code) =>
        !caller.Authenticated ? Access.Unauthenticated : Allows(caller, action, code) ? Access.Allowed : Access.Forbidden;

    /// <summary>Whether a signed-in caller may do this in this region or village.</summary>
    public static bool Allows(Caller caller, VillageAction action, string code) => action switch
    {
        VillageAction.ChangeProgram or VillageAction.Withdraw or VillageAction.Renew => caller.Has(Roles.VillageOperator) && caller.Covers(code),
        VillageAction.RenewRegion => caller.HasAny([Roles.RegencyOfficer, Roles.ProvinceOfficer]) && caller.Covers(code),
        VillageAction.LookupCoverage => caller.HasAny(NationalRoles)
            || (caller.HasAny([Roles.VillageOperator, Roles.BpjsBranch, .. Roles.Officers]) && caller.Covers(code)),
        VillageAction.Enroll => caller.HasAny(Enrollers) && caller.Covers(code),
        VillageAction.ReadPersonal => caller.HasAny(NationalRoles)
            || (caller.HasAny([Roles.VillageOperator, Roles.PerisaiAgent, Roles.BpjsBranch, .. Roles.Officers]) && caller.Covers(code)),
        VillageAction.ExportPersonal => caller.HasAny([Roles.VillageOperator, Roles.BpjsBranch]) && caller.Covers(code),
        VillageAction.ReadDues => caller.HasAny(NationalRoles)
            || (caller.HasAny([Roles.VillageOperator, Roles.BpjsBranch, .. Roles.Officers]) && caller.Covers(code)),
        VillageAction.RecordPayment => caller.HasAny(Payers) && caller.Covers(code),
        VillageAction.Reinstate or VillageAction.Reconcile => caller.Has(Roles.BpjsBranch) && caller.Covers(code),
        _ => false,
    };

    /// <summary>The roles that pay BPJS: a village pays its own programmes, a regency (or province) the APBD ones.</summary>
    public static readonly string[] Payers = [Roles.VillageOperator, Roles.RegencyOfficer, Roles.ProvinceOfficer];

    /// <summary>
    /// Whether the caller pays for a programme of this funder: the village operator for the village's
    /// own budget (SD) and other sources (SL), a regency or province officer for the regional budget (SA).
    /// </summary>
    public static bool MayPay(Caller caller, FundingSource funder) => funder == FundingSource.SA
        ? caller.HasAny([Roles.RegencyOfficer, Roles.ProvinceOfficer])
        : caller.Has(Roles.VillageOperator);

    /// <summary>An import is visible to whoever started it and to national monitors.</summary>
    public static bool MaySeeImport(Caller caller, string owner) => owner == caller.Subject || caller.HasAny(NationalRoles);

    /// <summary>The role a change is recorded under: the most specific one that allows it.</summary>
    public static string ActingRole(Caller caller, VillageAction action) => action switch
    {
        VillageAction.Enroll when !caller.Has(Roles.VillageOperator) => Roles.PerisaiAgent,
        VillageAction.RenewRegion => caller.Has(Roles.RegencyOfficer) ? Roles.RegencyOfficer : Roles.ProvinceOfficer,
        VillageAction.LookupCoverage => CoverageAskers.FirstOrDefault(caller.Has) ?? Roles.VillageOperator,
        VillageAction.RecordPayment => Payers.FirstOrDefault(caller.Has) ?? Roles.VillageOperator,
        VillageAction.Reinstate or VillageAction.Reconcile => Roles.BpjsBranch,
        _ => Roles.VillageOperator,
    };

    /// <summary>Why a signed-in caller was refused, in words.</summary>
    public static string Explain(Caller caller, VillageAction action, string code) =>
        $"Your role ({Describe(caller)}) may not {Verb(action)} in {code}.";

    private static string Describe(Caller caller) => caller.Roles.Count == 0 ? "none" : string.Join(", ", caller.Roles.Order(StringComparer.Ordinal));

    private static string Verb(VillageAction action) => action switch
    {
        VillageAction.ReadPersonal => "read enrolments",
        VillageAction.ChangeProgram => "change the programme",
        VillageAction.Enroll => "enrol workers",
        VillageAction.ExportPersonal => "export NIKs",
        VillageAction.Renew => "renew workers",
        VillageAction.RenewRegion => "renew a region's workers",
        VillageAction.LookupCoverage => "see a worker's coverage",
        VillageAction.ReadDues => "read the programme's dues",
        VillageAction.RecordPayment => "record payments",
        VillageAction.Reinstate => "reinstate memberships",
        VillageAction.Reconcile => "reconcile BPJS result files",
        _ => "withdraw workers",
    };
}

public static class CallerExtensions
{
    private const string Key = "villages.caller";

    /// <summary>The actor recorded in the audit trail: the token's subject, the role it acts in, this request's trace.</summary>
    public static Actor Actor(this HttpContext context, VillageAction action)
    {
        var caller = context.Caller();
        var trace = System.Diagnostics.Activity.Current?.TraceId.ToHexString();
        return new Actor(caller.Subject!, AccessPolicy.ActingRole(caller, action), trace);
    }

    /// <summary>The caller of this request, read from its validated token once.</summary>
    public static Caller Caller(this HttpContext context)
    {
        if (context.Items.TryGetValue(Key, out var cached) && cached is Caller caller) return caller;
        var options = context.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<AuthOptions>>().Value;
        caller = Security.Caller.From(context.User, options);
        context.Items[Key] = caller;
        return caller;
    }
}

using Villages.Regions;
using Villages.WebApi.Security;
using static Villages.WebApi.Security.VillageAction;

namespace Villages.Specs.Security;

/// <summary>
/// Who may do what, and where: every role x every action x every level the API asks it on x a
/// token naming a region inside, outside or wider than the target. The HTTP side of the same rules
/// is in tests/Villages.Tests (Security/AccessPolicyTests, Api/RegencyOperatorTests).
/// </summary>
public sealed class AccessPolicySpecs
{
    private const string Village = "35.10.02.2001";

    /// <summary>The columns of <see cref="Table"/>, in order.</summary>
    private static readonly VillageAction[] Columns =
        [ReadPersonal, ChangeProgram, Enroll, Withdraw, Renew, ExportPersonal, RenewRegion, LookupCoverage, AuditLookups, ReadDues, RecordPayment, Reinstate, Reconcile,
            RegisterAgent, ReadAgents];

    /// <summary>The widest region a token gives each role, and what the role may do inside it: Y yes, . no.</summary>
    private static readonly Dictionary<string, (RegionLevel Scope, string Row)> Table = new()
    {
        //                                                Read Chg Enr Wdr Rnw Exp RRg Lku Aud Due Pay Rei Rec Agt RdA
        [Roles.VillageOperator] = (RegionLevel.Village, "  Y   Y   Y   Y   Y   Y   .   Y   .   Y   Y   .   .   .   ."),
        [Roles.PerisaiAgent] = (RegionLevel.Village, "     Y   .   Y   .   .   .   .   .   .   .   .   .   .   .   ."),
        [Roles.DistrictOfficer] = (RegionLevel.District, " Y   .   .   .   .   .   .   Y   .   Y   .   .   .   .   Y"),
        [Roles.RegencyOfficer] = (RegionLevel.Regency, "   Y   .   .   .   .   .   Y   Y   .   Y   Y   .   .   Y   Y"),
        [Roles.ProvinceOfficer] = (RegionLevel.Province, " Y   .   .   .   .   .   Y   Y   .   Y   Y   .   .   Y   Y"),
        [Roles.BpjsBranch] = (RegionLevel.Regency, "       Y   .   .   .   .   Y   .   Y   .   Y   .   Y   Y   .   Y"),
        [Roles.NationalMonitor] = (RegionLevel.Nation, "   Y   .   .   .   .   .   .   Y   Y   Y   .   .   .   .   Y"),
        [Roles.NationalAdmin] = (RegionLevel.Nation, "     Y   .   .   .   .   .   .   Y   Y   Y   .   .   .   Y   Y"),
    };

    /// <summary>The levels each action is asked on by the API: the route's village or region (or, for AuditLookups, none).</summary>
    private static RegionLevel[] AskedOn(VillageAction action) => action switch
    {
        ExportPersonal => [RegionLevel.Village, RegionLevel.District, RegionLevel.Regency],
        RenewRegion => [RegionLevel.District, RegionLevel.Regency],
        Reconcile => [RegionLevel.Regency],
        RegisterAgent or ReadAgents => [RegionLevel.District, RegionLevel.Regency], // an agent's region
        AuditLookups => [RegionLevel.Nation],
        _ => [RegionLevel.Village],
    };

    public static TheoryData<string, VillageAction> Cells()
    {
        var data = new TheoryData<string, VillageAction>();
        foreach (var role in Roles.All) foreach (var action in Columns) data.Add(role, action);
        return data;
    }

    [Fact]
    public void The_table_has_every_role_and_every_action()
    {
        Assert.Equal(Roles.All.Order(), Table.Keys.Order());
        Assert.Equal(Enum.GetValues<VillageAction>().Order(), Columns.Order());
        Assert.All(Table.Values, entry => Assert.Equal(Columns.Length, Row(entry.Row).Length));
        Assert.All(Table, entry => Assert.Equal(entry.Value.Scope, Roles.ScopeLevel(entry.Key)));
    }

    [Theory]
    [MemberData(nameof(Cells))]
    public void A_role_acts_inside_its_scope_and_nowhere_outside_or_wider(string role, VillageAction action)
    {
        var (level, row) = Table[role];
        var granted = Row(row)[Array.IndexOf(Columns, action)];
        Assert.Equal(granted, AccessPolicy.Grants(role, action));
        foreach (var asked in AskedOn(action))
        {
            var target = Ancestor(Village, asked);
            if (level == RegionLevel.Nation)
            {
                // A national role is national whatever its token names.
                Assert.Equal(granted, Allows(role, [], action, target));
                Assert.Equal(granted, Allows(role, ["36"], action, target));
                continue;
            }
            if (asked >= level)
            {
                var own = Ancestor(target, level);
                Assert.Equal(granted, Allows(role, [own], action, target));
                Assert.False(Allows(role, [Sibling(own)], action, target), $"{role} outside: {Sibling(own)} for {target}");
                Assert.False(Allows(role, [RegionCode.Parent(own)], action, target), $"{role} wider: {RegionCode.Parent(own)} for {target}");
                Assert.False(Allows(role, [RegionCode.Nation], action, target), $"{role} with ID for {target}");
            }
            else
            {
                // The target is wider than any scope the role can have: no token gives it that.
                Assert.False(Allows(role, [Ancestor(Village, level)], action, target), $"{role} on the wider {target}");
                Assert.False(Allows(role, [target], action, target), $"{role} naming the wider {target}");
            }
        }
    }

    [Fact]
    public void A_regency_scoped_operator_may_do_nothing_anywhere()
    {
        var caller = As([Roles.VillageOperator], ["35.10"]);
        Assert.Empty(AccessPolicy.Scope(caller, Roles.VillageOperator));
        foreach (var action in Columns)
        {
            Assert.False(AccessPolicy.AllowsAnywhere(caller, action), action.ToString());
            Assert.All(new[] { Village, "35.10.02", "35.10" }, code => Assert.Equal(Access.Forbidden, AccessPolicy.Decide(caller, action, code)));
        }
    }

    [Fact]
    public void An_operator_acts_on_exactly_the_villages_named_and_narrower_codes_count_for_wider_roles()
    {
        var op = As([Roles.VillageOperator], [Village, "35.10.02.2002", "35.10.03"]);
        Assert.Equal([Village, "35.10.02.2002"], AccessPolicy.Scope(op, Roles.VillageOperator));
        Assert.True(AccessPolicy.Allows(op, Enroll, "35.10.02.2002"));
        Assert.False(AccessPolicy.Allows(op, Enroll, "35.10.03.2001"));
        // A narrower code narrows a wider role: a regency officer naming one district reads that district only.
        var officer = As([Roles.RegencyOfficer], ["35.10.02"]);
        Assert.True(AccessPolicy.Allows(officer, ReadPersonal, Village));
        Assert.False(AccessPolicy.Allows(officer, ReadPersonal, "35.10.03.2001"));
        Assert.False(AccessPolicy.Allows(officer, RenewRegion, "35.10"));
    }

    [Fact]
    public void Each_role_of_a_token_has_its_own_scope()
    {
        // The old hole: a national role put ID among the regions of every role of the token.
        var both = As([Roles.NationalMonitor, Roles.VillageOperator], []);
        Assert.True(AccessPolicy.Allows(both, ReadPersonal, Village));
        Assert.False(AccessPolicy.Allows(both, ChangeProgram, Village));
        var officerAndOperator = As([Roles.RegencyOfficer, Roles.VillageOperator], ["35.10"]);
        Assert.True(AccessPolicy.Allows(officerAndOperator, ReadPersonal, Village));
        Assert.False(AccessPolicy.Allows(officerAndOperator, Enroll, Village));
        Assert.Equal(Roles.RegencyOfficer, AccessPolicy.ActingRole(officerAndOperator, ReadPersonal, Village));
    }

    [Fact]
    public void An_agent_acts_only_under_its_own_code()
    {
        var noCode = As([Roles.PerisaiAgent], [Village]);
        Assert.False(AccessPolicy.Allows(noCode, Enroll, Village));
        Assert.Contains("agent_id", AccessPolicy.Explain(noCode, Enroll, Village));

        var agent = As([Roles.PerisaiAgent], [Village], "PRS-7");
        Assert.True(AccessPolicy.TryRecordedAgent(agent, Village, null, out var recorded));
        Assert.Equal("PRS-7", recorded);
        Assert.True(AccessPolicy.TryRecordedAgent(agent, Village, "PRS-7", out _));
        Assert.True(AccessPolicy.TryRecordedAgent(agent, Village, "", out recorded));
        Assert.Equal("PRS-7", recorded);
        Assert.False(AccessPolicy.TryRecordedAgent(agent, Village, "PRS-8", out _));

        // An operator records the agent a row names; an operator and agent of one village enrols as the operator.
        var op = As([Roles.VillageOperator, Roles.PerisaiAgent], [Village], "PRS-7");
        Assert.True(AccessPolicy.TryRecordedAgent(op, Village, "PRS-8", out recorded));
        Assert.Equal("PRS-8", recorded);
        Assert.Equal(Roles.VillageOperator, AccessPolicy.ActingRole(op, Enroll, Village));
    }

    [Fact]
    public void Anonymous_is_unauthenticated_and_refusals_say_why_with_the_scope()
    {
        Assert.Equal(Access.Unauthenticated, AccessPolicy.Decide(Caller.Anonymous, ReadPersonal, Village));
        Assert.Equal(Access.Unauthenticated, AccessPolicy.DecideAnywhere(Caller.Anonymous, Enroll));

        var wide = AccessPolicy.Explain(As([Roles.VillageOperator], ["35.10"]), ChangeProgram, Village);
        Assert.Contains(Village, wide);
        Assert.Contains("names no region it may use", wide);
        var elsewhere = AccessPolicy.Explain(As([Roles.VillageOperator], ["35.10.03.2001"]), ChangeProgram, Village);
        Assert.Contains("gives it 35.10.03.2001", elsewhere);
        var role = AccessPolicy.Explain(As([Roles.DistrictOfficer], ["35.10.02"]), ChangeProgram, Village);
        Assert.Contains("may not change the programme in 35.10.02.2001: that is for village-operator", role);
    }

    [Fact]
    public void Jobs_are_seen_by_their_owner_and_the_national_roles()
    {
        Assert.True(AccessPolicy.MaySeeImport(As([Roles.VillageOperator], [Village]), "someone"));
        Assert.False(AccessPolicy.MaySeeImport(As([Roles.VillageOperator], [Village], subject: "other"), "someone"));
        Assert.True(AccessPolicy.MaySeeImport(As([Roles.NationalMonitor], [], subject: "monitor"), "someone"));
        Assert.False(AccessPolicy.MaySeeImport(As([Roles.RegencyOfficer], ["35.10"], subject: "officer"), "someone"));
    }

    private static bool Allows(string role, string[] regions, VillageAction action, string target) =>
        action == AuditLookups
            ? AccessPolicy.AllowsAnywhere(As([role], regions, "PRS-1"), action)
            : AccessPolicy.Allows(As([role], regions, "PRS-1"), action, target)
              && AccessPolicy.AllowsAnywhere(As([role], regions, "PRS-1"), action);

    private static Caller As(string[] roles, string[] regions, string? agent = null, string subject = "someone") =>
        new(subject, roles.ToHashSet(), regions, agent);

    private static bool[] Row(string row) => [.. row.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(static c => c == "Y")];

    private static string Ancestor(string code, RegionLevel level) => level switch
    {
        RegionLevel.Nation => RegionCode.Nation,
        RegionLevel.Province => code[..2],
        RegionLevel.Regency => code[..5],
        RegionLevel.District => code[..8],
        _ => code,
    };

    /// <summary>Another region of the same level in the same parent (the next one), never containing the original.</summary>
    private static string Sibling(string code) => code.Length switch
    {
        2 => "36",
        13 => code[..^4] + (int.Parse(code[^4..]) + 1).ToString("0000"),
        _ => code[..^2] + (int.Parse(code[^2..]) + 1).ToString("00"),
    };
}

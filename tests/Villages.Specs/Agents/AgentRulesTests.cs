using Villages.Domain;
using Villages.Regions;

namespace Villages.Specs.Agents;

/// <summary>What a PERISAI agent record must be, and which agents a new enrolment may name.</summary>
public class AgentRulesTests
{
    private static AgentRequest Request(string? name = "Budi Santoso", string? region = "35.10.01", string? status = "active") =>
        new() { Name = name, Region = region, Status = status };

    [Theory]
    [InlineData("35.10.01", "35.10")] // a district: kept in its regency's registry
    [InlineData("35.10", "35.10")]
    public void A_record_names_a_regency_or_a_district_and_lives_in_its_regency(string region, string regency)
    {
        Assert.True(AgentRules.TryValidate("PRS-3510-001", Request(region: region, status: " Inactive "), RegionCatalog.Default, out var valid, out var failure), failure?.Detail);

        Assert.Equal((region, regency, AgentStatus.Inactive, "Budi Santoso"), (valid.Region.Code, valid.Regency.Code, valid.Status, valid.Name));
    }

    [Theory]
    [InlineData("PRS 001", "Budi", "35.10", "active", "code")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "Budi", "35.10", "active", "code")] // 41 characters
    [InlineData("PRS-1", "  ", "35.10", "active", "name")]
    [InlineData("PRS-1", null, "35.10", "active", "name")]
    [InlineData("PRS-1", "Budi\u0007", "35.10", "active", "name")]
    [InlineData("PRS-1", "Budi", "35", "active", "region")]              // a province: too wide
    [InlineData("PRS-1", "Budi", "35.10.01.2001", "active", "region")]   // a village: too narrow
    [InlineData("PRS-1", "Budi", "35.99", "active", "region")]           // not in the reference data
    [InlineData("PRS-1", "Budi", null, "active", "region")]
    [InlineData("PRS-1", "Budi", "35.10", "retired", "status")]
    [InlineData("PRS-1", "Budi", "35.10", null, "status")]
    public void A_bad_record_is_refused_at_its_field(string code, string? name, string? region, string? status, string field)
    {
        Assert.False(AgentRules.TryValidate(code, Request(name, region, status), RegionCatalog.Default, out _, out var failure));

        Assert.Equal((FailureCode.InvalidAgent, field), (failure.Code, failure.Field));
    }

    [Fact]
    public void A_missing_body_is_refused_at_the_name()
    {
        Assert.False(AgentRules.TryValidate("PRS-1", null, RegionCatalog.Default, out _, out var failure));
        Assert.Equal("name", failure.Field);
    }

    [Theory]
    [InlineData("35.10", AgentStatus.Active, "35.10.01.2001", null)]                        // the village's regency
    [InlineData("35.10.01", AgentStatus.Active, "35.10.01.2001", null)]                     // the village's district
    [InlineData(null, null, "35.10.01.2001", FailureCode.AgentNotRegistered)]               // not in the registry
    [InlineData("35.10.02", AgentStatus.Active, "35.10.01.2001", FailureCode.AgentNotRegistered)] // another district of the regency
    [InlineData("35.07", AgentStatus.Active, "35.10.01.2001", FailureCode.AgentNotRegistered)]    // another regency
    [InlineData("35.1", AgentStatus.Active, "35.10.01.2001", FailureCode.AgentNotRegistered)]     // a code prefix is not a region that contains it
    [InlineData("35.10", AgentStatus.Inactive, "35.10.01.2001", FailureCode.AgentInactive)]
    [InlineData("35.10.02", AgentStatus.Inactive, "35.10.01.2001", FailureCode.AgentNotRegistered)] // the region is said first
    public void An_enrolment_may_name_only_an_active_agent_of_a_region_containing_the_village(string? region, AgentStatus? status, string village, FailureCode? expected)
    {
        var failure = AgentRules.MayEnrol("PRS-1", region, status, village);

        Assert.Equal(expected, failure?.Code);
        if (failure is not null)
        {
            Assert.Equal("agentId", failure.Field);
            Assert.Contains("PRS-1", failure.Detail);
        }
    }
}

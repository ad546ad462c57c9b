using Microsoft.Extensions.Logging;
using Villages.Regions;

namespace Villages.Village;

/// <summary>
/// The PERISAI rule on enrolments: a row that names an agent afresh (a new enrolment or period, or
/// another agent than the one recorded) may name only an active agent registered for the village's
/// regency or district. A row about a worker held here under the agent it names records nothing new
/// about the agent and is not asked about: enrolments stored before the registry existed, with codes
/// it never knew, keep them, and the same call again stays idempotent.
/// </summary>
internal sealed partial class VillageGrain
{
    private static readonly IReadOnlyDictionary<int, Failure> NoAgentRefusals = new Dictionary<int, Failure>();

    /// <summary>
    /// The verdicts on the agents the round's rows name afresh, asked of the regency's registry in
    /// one call for the codes the batch has not asked about yet; refused rows by index.
    /// </summary>
    private async Task<IReadOnlyDictionary<int, Failure>> AgentRefusalsAsync(List<Row> round, Dictionary<string, Failure?> verdicts)
    {
        var today = Today;
        var afresh = round.Where(r => r.Valid.AgentId is { } agent && !(_ledger.Find(r.Id) is { } held && held.HoldsOn(today) && held.AgentId == agent)).ToList();
        if (afresh.Count == 0) return NoAgentRefusals; // no await: a call that names no agent runs as before
        var unknown = afresh.Select(static r => r.Valid.AgentId!).Where(a => !verdicts.ContainsKey(a)).Distinct(StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
        {
            try
            {
                var answers = await GrainFactory.AgentRegistry(_village.Ancestor(RegionLevel.Regency)!.Code).Check(unknown, Code);
                for (var i = 0; i < unknown.Count; i++) verdicts[unknown[i]] = answers[i];
            }
            catch (Exception ex)
            {
                LogAgentCheckFailed(ex, Code); // not remembered: the next round or call asks again
            }
        }
        var refused = new Dictionary<int, Failure>();
        foreach (var row in afresh)
        {
            if (!verdicts.TryGetValue(row.Valid.AgentId!, out var verdict)) refused[row.Index] = Failures.StorageUnavailable;
            else if (verdict is not null) refused[row.Index] = verdict;
        }
        return refused;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Village {Village}: the PERISAI registry could not be asked; the rows naming agents are refused as unavailable.")]
    private partial void LogAgentCheckFailed(Exception exception, string village);
}

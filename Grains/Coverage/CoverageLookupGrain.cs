using Microsoft.Extensions.DependencyInjection;
using Orleans.Concurrency;
using Villages.Domain;
using Villages.Privacy;
using Villages.Registry;

namespace Villages.Coverage;

/// <summary>
/// Answers coverage questions on the silos (which hold the keys and the registry): the worker's
/// registry key, the villages that ever held them, the one that covered them on the day.
/// </summary>
[StatelessWorker]
internal sealed class CoverageLookupGrain(
    NikRegistry registry,
    WorkerKeys keys,
    [FromKeyedServices(DomainClock.Key)] TimeProvider clock) : Grain, ICoverageLookupGrain
{
    public async Task<CoverageAnswer> Lookup(string nik, DateOnly date, Actor actor)
    {
        var key = keys.RegistryKey(nik);
        var villages = await registry.VillagesOfAsync(key);
        var answers = await Task.WhenAll(villages.Select(v => GrainFactory.Village(v).CoverageOn(key, date)));
        var answer = answers.FirstOrDefault(static a => a?.Covered == true)
            ?? new CoverageAnswer { Covered = false, Date = date, MaskedNik = Nik.Mask(nik) };
        var now = clock.GetUtcNow();
        await GrainFactory.GetGrain<ICoverageAuditGrain>(now.ToOffset(CoverageCalendar.Wib).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture)).Record(new CoverageLookupEntry
        {
            At = now, Subject = actor.Subject, Role = actor.Role, TraceId = actor.TraceId, MaskedNik = answer.MaskedNik,
            Date = date, Covered = answer.Covered, VillageCode = answer.VillageCode,
        });
        return answer;
    }
}

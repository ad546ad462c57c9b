using Villages.Domain;

namespace Villages.Village;

/// <summary>BPJS's result file, as it concerns this village's workers.</summary>
internal sealed partial class VillageGrain
{
    /// <summary>
    /// Records each row for the worker it names (by NIK): KPJ and registration day, or BPJS's
    /// refusal; one write for all. Rows about workers this village never had come back unknown.
    /// </summary>
    public async Task<IReadOnlyList<ReconciliationRowResult>> Reconcile(IReadOnlyList<ReconciliationRow> rows, Actor actor)
    {
        var now = clock.GetUtcNow();
        var results = new ReconciliationRowResult[rows.Count];
        var changed = new List<(int Index, Enrollment After)>();
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            var result = _ledger.PlanReconciliation(rules.Keys.RegistryKey(row.Nik), row, now, actor, out var after, out var detail);
            if (result is ReconciliationResult.Matched or ReconciliationResult.RefusedByBpjs)
            {
                _ledger.Record(after);
                changed.Add((i, after));
            }
            var id = after?.Id ?? _ledger.FindByNikKey(rules.Keys.RegistryKey(row.Nik))?.Id;
            results[i] = new ReconciliationRowResult(row.Line, Code, Nik.Mask(row.Nik), result, id,
                result == ReconciliationResult.Unknown ? "unknown-worker" : result == ReconciliationResult.RefusedByBpjs ? "refused-by-bpjs" : null, detail);
        }
        _store.PutAll([.. changed.Select(static c => c.After)]);
        if (changed.Count > 0 && await PersistAsync() is { } failure)
        {
            foreach (var (index, _) in changed)
            {
                results[index] = results[index] with { Result = ReconciliationResult.Invalid, Code = failure.Code.Slug(), Detail = failure.Detail };
            }
        }
        return results;
    }
}

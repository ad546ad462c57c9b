namespace Villages.Domain;

/// <summary>What BPJS's result file says of the village's workers: their KPJ and registration day, or a refusal.</summary>
public sealed partial class VillageLedger
{
    /// <summary>
    /// Plans recording one row of a result file: the enrolment then carries the KPJ and the day BPJS
    /// registered the worker (or BPJS's refusal); the same again is unchanged.
    /// </summary>
    public ReconciliationResult PlanReconciliation(string nikKey, ReconciliationRow row, DateTimeOffset now, Actor actor, out Enrollment after, out string? detail)
    {
        after = null!;
        detail = null;
        if (FindByNikKey(nikKey) is not { } e)
        {
            detail = $"Village {VillageCode} never enrolled this worker.";
            return ReconciliationResult.Unknown;
        }
        if (row.Verdict == BpjsVerdict.Registered)
        {
            if (e.Kpj == row.Kpj && e.ConfirmedOn == row.RegisteredOn && e.BpjsRefusal is null) return ReconciliationResult.Unchanged;
            after = e with { Kpj = row.Kpj, ConfirmedOn = row.RegisteredOn, BpjsRefusal = null, UpdatedAt = now };
            after = after with
            {
                History = after.History.Add(ChangeNotes.Make(actor, now, ChangeKind.Reconciled, 0,
                    $"confirmed by BPJS: KPJ {Kpj.Mask(row.Kpj!)}, registered on {row.RegisteredOn:yyyy-MM-dd}")),
            };
            return ReconciliationResult.Matched;
        }
        var reason = row.Reason ?? "refused by BPJS (no reason given)";
        if (e.BpjsRefusal == reason && e.ConfirmedOn is null) return ReconciliationResult.Unchanged;
        after = e with { BpjsRefusal = reason, ConfirmedOn = null, Kpj = null, UpdatedAt = now };
        after = after with { History = after.History.Add(ChangeNotes.Make(actor, now, ChangeKind.Reconciled, 0, $"refused by BPJS: {reason}")) };
        detail = reason;
        return ReconciliationResult.RefusedByBpjs;
    }

    /// <summary>Records a planned reconciliation.</summary>
    public void Record(Enrollment reconciled) => Put(reconciled);
}

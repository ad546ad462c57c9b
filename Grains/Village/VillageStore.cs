using Villages.Domain;
using Villages.Privacy;
using Villages.Storage;

namespace Villages.Village;

/// <summary>
/// A village's rows in grain storage: the header ("program") and fixed-size enrolment pages
/// ("enrollments-0", "enrollments-1", ...). A change marks its page dirty; a write sends immutable
/// snapshots of the dirty rows, so the grain can go on changing state while storage serializes.
/// </summary>
internal sealed class VillageStore(GrainRows rows, string villageCode, PersonalDataProtector protector, WorkerKeys keys, int pageSize)
{
    private const string HeaderName = "village";
    private readonly List<Page> _pages = [];
    private readonly Dictionary<string, (int Page, int Slot)> _slots = new(StringComparer.Ordinal);
    private readonly HashSet<int> _dirtyPages = [];
    private bool _headerDirty;
    private ProgramKey? _firstReleaseProgram;

    public VillageProgramState Header { get; private set; } = new(null, null, null, 0);

    /// <summary>Grows with every successful write and survives restarts: it orders the village's reports to its district.</summary>
    public long Version => rows.Version;

    /// <summary>The programmes, as the header has them (a first-release header's one programme converted).</summary>
    public IEnumerable<Programme> Programmes => FirstRelease.Programmes(Header);

    /// <summary>Reads the header, then pages until the first that does not exist.</summary>
    public async Task<List<Enrollment>> LoadAsync()
    {
        if (await rows.ReadAsync<VillageProgramState>(HeaderName) is { } header) Header = header;
        _firstReleaseProgram = FirstRelease.ProgramOf(Header);
        var pages = await rows.ReadPagesAsync<EnrollmentPageState>(PageName, Header.PageCountHint);
        var enrollments = new List<Enrollment>();
        foreach (var stored in pages)
        {
            var page = new Page(_pages.Count, [.. stored.Enrollments]);
            _pages.Add(page);
            for (var slot = 0; slot < page.Items.Count; slot++)
            {
                var enrollment = Unseal(page.Items[slot]);
                _slots[enrollment.Id] = (page.Index, slot);
                enrollments.Add(enrollment);
            }
        }
        return enrollments;
    }

    /// <summary>Records the programmes and an entry of their audit trail (the first release's fields stay as they were).</summary>
    public void SetProgrammes(IEnumerable<Programme> programmes, Change entry) => SetHeader(Header with
    {
        Programmes = [.. programmes.OrderBy(static p => p.Key.Year).ThenBy(static p => p.Key.Cohort).ThenBy(static p => p.Key.Funder).Select(Stored)],
        History = [.. Header.History ?? [], entry],
    });

    /// <summary>The national registry's history knows every worker of this village (written with the next write).</summary>
    public void MarkHistoryRecorded() => SetHeader(Header with { HistoryRecorded = true });

    private void SetHeader(VillageProgramState header)
    {
        Header = header;
        _headerDirty = true;
    }

    /// <summary>
    /// Records enrolments' new states. A changed one is rewritten in its page. New ones fill the last
    /// page while it is small; a batch of new ones larger than a small page gets pages of its own
    /// (up to <see cref="BatchPageSize"/> each), so a batch of 100 workers is one row write, not 13.
    /// </summary>
    public void PutAll(IReadOnlyList<Enrollment> enrollments)
    {
        var added = new List<StoredEnrollment>();
        var addedIds = new List<string>();
        foreach (var enrollment in enrollments)
        {
            var stored = Seal(enrollment);
            if (_slots.TryGetValue(enrollment.Id, out var at))
            {
                _pages[at.Page].Items[at.Slot] = stored;
                _dirtyPages.Add(at.Page);
            }
            else
            {
                added.Add(stored);
                addedIds.Add(enrollment.Id);
            }
        }
        var capacity = added.Count > pageSize ? BatchPageSize : pageSize;
        for (var i = 0; i < added.Count; i++)
        {
            if (_pages.Count == 0 || _pages[^1].Items.Count >= capacity || (capacity == BatchPageSize && i % BatchPageSize == 0))
            {
                _pages.Add(new Page(_pages.Count, []));
                SetHeader(Header with { PageCountHint = _pages.Count });
            }
            var page = _pages[^1];
            page.Items.Add(added[i]);
            _slots[addedIds[i]] = (page.Index, page.Items.Count - 1);
            _dirtyPages.Add(page.Index);
        }
    }

    /// <summary>New enrolments of one batch per page.</summary>
    private const int BatchPageSize = 250;

    /// <summary>Writes every dirty row; the rows' versions guard against a second activation writing too.</summary>
    public async Task WriteAsync()
    {
        var writes = new List<Task>();
        if (_headerDirty)
        {
            _headerDirty = false;
            writes.Add(rows.WriteAsync(HeaderName, Header));
        }
        foreach (var index in _dirtyPages)
        {
            writes.Add(rows.WriteAsync(PageName(index), new EnrollmentPageState([.. _pages[index].Items])));
        }
        _dirtyPages.Clear();
        await Task.WhenAll(writes);
    }

    private static string PageName(int index) => $"enrollments-{index}";

    private static StoredProgramme Stored(Programme p) => new(p.Key, p.Terms, p.OpenedAt, p.UpdatedAt,
        p.Payments.IsEmpty ? null : [.. p.Payments.Select(static x => new StoredPayment(x.Reference, x.PaidOn,
            [.. x.Months.Select(static m => m.Year * 100 + m.Month)], x.Amount, x.RecordedAt, x.Expected))], p.Prepaid);

    public static Programme Programme(StoredProgramme p) => new(p.Key, p.Terms, p.OpenedAt, p.UpdatedAt)
    {
        Prepaid = p.Prepaid,
        Payments = [.. (p.Payments ?? []).Select(static x => new Payment(x.Reference, x.PaidOn,
            [.. x.Months.Select(static m => new DateOnly(m / 100, m % 100, 1))], x.Amount, x.RecordedAt, x.Expected))],
    };

    private StoredEnrollment Seal(Enrollment e) => new(
        protector.Protect(e.Nik + "\n" + e.Name, villageCode),
        e.Occupation, e.MonthlyIncome, e.Programs, 0, 0, default, default,
        e.EnrolledAt, e.UpdatedAt, e.WithdrawnAt, e.SettledEarlier, e.AgentId, [.. e.History],
        [.. e.Blocks.Select(static b => new StoredBlock(
            Pack(b.Program), b.Start, b.FirstMonth == CoverageCalendar.MonthOf(b.Start) ? null : b.FirstMonth, b.Months, b.MonthlyPremium,
            b.Stop, b.StoppedOn, b.MonthsRefunded, b.ReinstatedOn))],
        e.Kpj is null && e.ConfirmedOn is null && e.BpjsRefusal is null
            ? null
            : new StoredBpjs(e.Kpj is null ? null : protector.Protect(e.Kpj, villageCode), e.ConfirmedOn, e.BpjsRefusal));

    private Enrollment Unseal(StoredEnrollment s)
    {
        var person = protector.Unprotect(s.SealedPerson, villageCode);
        var nik = person[..Domain.Nik.Length];
        var (blocks, settled) = s.Blocks is { } stored
            ? ([.. stored.Select(static b => new CoverageBlock
            {
                Program = Unpack(b.Program), Start = b.Start, FirstMonth = b.FirstMonth ?? CoverageCalendar.MonthOf(b.Start), Months = b.Months,
                MonthlyPremium = b.MonthlyPremium, Stop = b.Stop, StoppedOn = b.StoppedOn, MonthsRefunded = b.MonthsRefunded,
                ReinstatedOn = b.ReinstatedOn,
            })], s.SettledEarlier)
            : FirstRelease.Blocks(s, _firstReleaseProgram
                ?? throw new InvalidDataException($"Village {villageCode} has a first-release enrolment but no first-release programme."));
        return new Enrollment
        {
            Id = keys.EnrollmentId(villageCode, nik), NikKey = keys.RegistryKey(nik), Nik = nik,
            Name = person[(Domain.Nik.Length + 1)..], Occupation = s.Occupation,
            MonthlyIncome = s.MonthlyIncome, Programs = s.Programs, EnrolledAt = s.EnrolledAt, UpdatedAt = s.UpdatedAt,
            WithdrawnAt = s.WithdrawnAt, SettledEarlier = settled, AgentId = s.AgentId, History = [.. s.History ?? []],
            Blocks = [.. blocks], Kpj = s.Bpjs?.SealedKpj is { } kpj ? protector.Unprotect(kpj, villageCode) : null, ConfirmedOn = s.Bpjs?.ConfirmedOn,
            BpjsRefusal = s.Bpjs?.Refusal,
        };
    }

    private static int Pack(ProgramKey key) => key.Year * 100 + (int)key.Funder * 10 + (int)key.Cohort;

    private static ProgramKey Unpack(int packed) => new(packed / 100, (FundingSource)(packed / 10 % 10), (Cohort)(packed % 10));

    private sealed record Page(int Index, List<StoredEnrollment> Items);
}

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

    public VillageProgramState Header { get; private set; } = new(null, null, null, 0);

    /// <summary>Grows with every successful write and survives restarts: it orders the village's reports to its district.</summary>
    public long Version => rows.Version;

    /// <summary>Reads the header, then pages until the first that does not exist.</summary>
    public async Task<List<Enrollment>> LoadAsync()
    {
        if (await rows.ReadAsync<VillageProgramState>(HeaderName) is { } header) Header = header;
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

    public void SetHeader(VillageProgramState header)
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

    private StoredEnrollment Seal(Enrollment e) => new(
        protector.Protect(e.Nik + "\n" + e.Name, villageCode),
        e.Occupation, e.MonthlyIncome, e.Programs, e.MonthlyPremium, e.CoverageMonths, e.CoverageStart, e.Status,
        e.EnrolledAt, e.UpdatedAt, e.WithdrawnAt, e.SettledEarlier, e.AgentId, [.. e.History]);

    private Enrollment Unseal(StoredEnrollment s)
    {
        var person = protector.Unprotect(s.SealedPerson, villageCode);
        var nik = person[..Domain.Nik.Length];
        return new Enrollment
        {
            Id = keys.EnrollmentId(villageCode, nik), NikKey = keys.RegistryKey(nik), Nik = nik,
            Name = person[(Domain.Nik.Length + 1)..], Occupation = s.Occupation,
            MonthlyIncome = s.MonthlyIncome, Programs = s.Programs, MonthlyPremium = s.MonthlyPremium,
            CoverageMonths = s.CoverageMonths, CoverageStart = s.CoverageStart, Status = s.Status,
            EnrolledAt = s.EnrolledAt, UpdatedAt = s.UpdatedAt, WithdrawnAt = s.WithdrawnAt,
            SettledEarlier = s.SettledEarlier, AgentId = s.AgentId, History = [.. s.History ?? []],
        };
    }

    private sealed record Page(int Index, List<StoredEnrollment> Items);
}

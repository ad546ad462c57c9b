using Microsoft.Extensions.DependencyInjection;
using Villages.Storage;

namespace Villages.Coverage;

[GenerateSerializer, Immutable, Alias("Villages.CoverageAuditState")]
public sealed record CoverageAuditState([property: Id(0)] int Pages, [property: Id(1)] int LastPageCount);

[GenerateSerializer, Immutable, Alias("Villages.CoverageAuditPage")]
public sealed record CoverageAuditPage([property: Id(0)] CoverageLookupEntry[] Entries);

/// <summary>
/// A month of coverage questions at rest: a header and pages of entries, the last page rewritten as
/// it fills. An entry is durable before the question is answered. Not reentrant: one entry at a time.
/// </summary>
[GrainType("coverage-audit")]
internal sealed class CoverageAuditGrain([FromKeyedServices(StorageProvider.Name)] IGrainStorage storage) : Grain, ICoverageAuditGrain
{
    private const string HeaderName = "audit";
    private const int PageSize = 200;
    private readonly List<CoverageLookupEntry> _entries = [];
    private GrainRows _rows = null!;
    private int _pages;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _rows = new GrainRows(storage, this.GetGrainId());
        var header = await _rows.ReadAsync<CoverageAuditState>(HeaderName);
        _pages = header?.Pages ?? 0;
        foreach (var page in await _rows.ReadPagesAsync<CoverageAuditPage>(PageName, _pages)) _entries.AddRange(page.Entries);
        _pages = (_entries.Count + PageSize - 1) / PageSize;
    }

    public async Task Record(CoverageLookupEntry entry)
    {
        _entries.Add(entry);
        var last = (_entries.Count - 1) / PageSize;
        try
        {
            await _rows.WriteAsync(PageName(last), new CoverageAuditPage([.. _entries.Skip(last * PageSize)]));
            if (last + 1 > _pages)
            {
                _pages = last + 1;
                await _rows.WriteAsync(HeaderName, new CoverageAuditState(_pages, _entries.Count - last * PageSize));
            }
        }
        catch
        {
            _entries.RemoveAt(_entries.Count - 1);
            DeactivateOnIdle(); // reload what storage has
            throw;
        }
    }

    public Task<CoverageLookupPage> List(int offset, int limit) =>
        Task.FromResult(new CoverageLookupPage([.. Enumerable.Reverse(_entries).Skip(offset).Take(limit)], _entries.Count, offset, limit));

    private static string PageName(int page) => $"audit-{page}";
}

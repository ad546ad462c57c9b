using Microsoft.Extensions.DependencyInjection;
using Villages.Storage;

namespace Villages.Exports;

[GenerateSerializer, Immutable, Alias("Villages.ExportWatermark")]
public sealed record ExportWatermark([property: Id(0)] DateTimeOffset Until);

/// <summary>A region's last export, kept in one small row.</summary>
[GrainType("export-watermark")]
internal sealed class ExportWatermarkGrain([FromKeyedServices(StorageProvider.Name)] IGrainStorage storage) : Grain, IExportWatermarkGrain
{
    private const string RowName = "watermark";
    private GrainRows _rows = null!;
    private DateTimeOffset? _last;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _rows = new GrainRows(storage, this.GetGrainId());
        _last = (await _rows.ReadAsync<ExportWatermark>(RowName))?.Until;
    }

    public Task<DateTimeOffset?> GetLast() => Task.FromResult(_last);

    public async Task Exported(DateTimeOffset until)
    {
        if (_last is { } last && last >= until) return;
        await _rows.WriteAsync(RowName, new ExportWatermark(until));
        _last = until;
    }
}

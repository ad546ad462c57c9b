using System.Diagnostics;
using System.Text.Json;
using Villages.Bench.Shared;

namespace Villages.Bench.Single;

/// <summary>
/// How long an acknowledged enrolment took to show in the national figures, for the enrolments
/// acknowledged inside a round's window. Times in ms; an upper bound with the sampling interval as
/// its resolution (see <see cref="StalenessSampler"/>).
/// </summary>
public sealed record StalenessResult(
    long Samples, double IntervalMs, double SampleP50Ms, double SampleMaxMs, long Baseline,
    long Measured, double P50Ms, double P90Ms, double P99Ms, double MaxMs, double MeanMs,
    long SeenBeforeAck, long NeverSeen, double TailSeconds, long Backwards, long FailedSamples, string? FirstProblem);

/// <summary>
/// Samples GET /api/progress (the nation) every interval, from the start of the measured window until
/// every acknowledged enrolment is counted nationally (or a tail timeout after the load ends), keeping
/// (sent, received, totals.workersEnrolled) per sample. The measurement itself is
/// <see cref="Compute"/>: the run started from a fresh database, so the national count counts bench
/// enrolments only (less the baseline read before the first round), and the k-th acknowledged
/// enrolment is taken to be visible from the first sample whose count reaches k.
/// </summary>
public sealed class StalenessSampler(HttpClient http, Uri baseUrl, TimeSpan interval)
{
    /// <summary>One answer of the nation: sent and received (Stopwatch ticks) and the workers enrolled less the baseline.</summary>
    public readonly record struct Sample(long Sent, long Received, long Enrolled);

    private readonly Uri _nation = new(baseUrl, "/api/progress");
    private readonly List<Sample> _samples = new(4096);
    private readonly LatencyRecorder _latency = new();
    private long _lastSeen = -1;
    private long _failed;
    private string? _firstProblem;

    /// <summary>How long sampling goes on after the load ends, waiting for the last acknowledged enrolments to be counted.</summary>
    public static readonly TimeSpan Tail = TimeSpan.FromSeconds(5);

    public TimeSpan Interval { get; } = interval;

    /// <summary>The latest national count seen (less the baseline), -1 before the first answer.</summary>
    public long LastSeen => Interlocked.Read(ref _lastSeen);

    /// <summary>The nation's workersEnrolled now (used once, before the first round, as the baseline).</summary>
    public static async Task<long> ReadEnrolledAsync(HttpClient http, Uri baseUrl, CancellationToken ct)
    {
        using var response = await http.GetAsync(new Uri(baseUrl, "/api/progress"), ct);
        var body = await response.Content.ReadAsByteArrayAsync(ct);
        if ((int)response.StatusCode != 200 || WorkersEnrolled(body) is not { } enrolled)
        {
            throw new InvalidOperationException($"GET /api/progress answered {(int)response.StatusCode} without totals.workersEnrolled: " +
                BenchText.Truncate(System.Text.Encoding.UTF8.GetString(body)));
        }
        return enrolled;
    }

    /// <summary>Samples from the window's start until <paramref name="stop"/> is cancelled.</summary>
    public async Task RunAsync(MeasureWindow window, long baseline, CancellationToken stop)
    {
        try
        {
            await MeasureWindow.DelayUntilAsync(window.Start, stop);
            using var timer = new PeriodicTimer(Interval);
            do
            {
                var sent = Stopwatch.GetTimestamp();
                long? enrolled = null;
                string? problem = null;
                try
                {
                    using var response = await http.GetAsync(_nation, stop);
                    var body = await response.Content.ReadAsByteArrayAsync(stop);
                    enrolled = (int)response.StatusCode == 200 ? WorkersEnrolled(body) : null;
                    if (enrolled is null) problem = $"{(int)response.StatusCode}: {BenchText.Truncate(System.Text.Encoding.UTF8.GetString(body))}";
                }
                catch (HttpRequestException ex) { problem = ex.Message; }
                catch (TaskCanceledException) when (!stop.IsCancellationRequested) { problem = "HttpClient timeout"; }
                var received = Stopwatch.GetTimestamp();
                if (enrolled is { } n)
                {
                    _samples.Add(new Sample(sent, received, n - baseline));
                    _latency.RecordTicks(received - sent);
                    Interlocked.Exchange(ref _lastSeen, n - baseline);
                }
                else
                {
                    _failed++;
                    _firstProblem ??= problem;
                }
            }
            while (await timer.WaitForNextTickAsync(stop));
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // stopped
        }
    }

    /// <summary>Waits until the national count reaches <paramref name="count"/> or the timeout passes; false on timeout.</summary>
    public async Task<bool> WaitForCountAsync(long count, TimeSpan timeout, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (LastSeen < count)
        {
            if (clock.Elapsed >= timeout) return false;
            await Task.Delay(Interval, ct);
        }
        return true;
    }

    /// <summary>Call after <see cref="RunAsync"/> has returned.</summary>
    public StalenessResult Result(IReadOnlyList<long> sortedAcks, MeasureWindow window, long baseline, double tailSeconds)
    {
        var result = Compute(_samples, sortedAcks, window);
        var span = _samples.Count > 1 ? (_samples[^1].Sent - _samples[0].Sent) / (double)Stopwatch.Frequency * 1000 / (_samples.Count - 1) : double.NaN;
        var backwards = 0L;
        for (var i = 1; i < _samples.Count; i++) if (_samples[i].Enrolled < _samples[i - 1].Enrolled) backwards++;
        return new StalenessResult(_samples.Count, Math.Round(span, 1), _latency.PercentileMs(50), _latency.MaxMs, baseline,
            result.Measured, result.Latency.PercentileMs(50), result.Latency.PercentileMs(90), result.Latency.PercentileMs(99),
            result.Latency.MaxMs, result.Latency.MeanMs, result.SeenBeforeAck, result.NeverSeen, Math.Round(tailSeconds, 2),
            backwards, _failed, _firstProblem);
    }

    public sealed record Computed(long Measured, LatencyRecorder Latency, long SeenBeforeAck, long NeverSeen);

    /// <summary>
    /// For every enrolment acknowledged inside the window (the k-th acknowledgement of the run, in
    /// time order), the staleness is the receipt time of the first sample whose count reaches k, less
    /// the acknowledgement time. A count that reached k before the k-th 201 reached its client is
    /// recorded as 0 and counted in SeenBeforeAck; one never reached while sampling, in NeverSeen.
    /// </summary>
    public static Computed Compute(IReadOnlyList<Sample> samples, IReadOnlyList<long> sortedAcks, MeasureWindow window)
    {
        var latency = new LatencyRecorder();
        long measured = 0, before = 0, never = 0;
        var j = 0;
        for (var i = 0; i < sortedAcks.Count; i++)
        {
            var acked = sortedAcks[i];
            if (acked < window.Start) continue;
            if (acked > window.End) break;
            measured++;
            var k = i + 1;
            while (j < samples.Count && samples[j].Enrolled < k) j++;   // samples before j never reached k - 1
            if (j == samples.Count) { never++; continue; }
            var ticks = samples[j].Received - acked;
            if (ticks < 0) { before++; ticks = 0; }
            latency.RecordTicks(ticks);
        }
        return new Computed(measured, latency, before, never);
    }

    /// <summary>totals.workersEnrolled of a progress answer, or null.</summary>
    public static long? WorkersEnrolled(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            var depth = 0;
            var inTotals = false;
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject or JsonTokenType.StartArray: depth++; break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        depth--;
                        if (inTotals && depth == 1) inTotals = false;
                        break;
                    case JsonTokenType.PropertyName when depth == 1:
                        inTotals = reader.ValueTextEquals("totals"u8);
                        if (!inTotals) reader.Skip();
                        break;
                    case JsonTokenType.PropertyName when depth == 2 && inTotals && reader.ValueTextEquals("workersEnrolled"u8):
                        reader.Read();
                        return reader.TryGetInt64(out var value) ? value : null;
                }
            }
        }
        catch (JsonException)
        {
            // not the shape we know
        }
        return null;
    }
}

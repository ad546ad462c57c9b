using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Villages.Tests.Infrastructure;

namespace Villages.Tests.Cluster;

/// <summary>An enrolment the service acknowledged (201 or 200), with what was sent.</summary>
internal sealed record Ack(string Village, string Nik, string EnrollmentId, long Commitment, object Body, DateTime At);

/// <summary>
/// Steady enrolment load through every WebApi node, from clients that behave as real ones: on a
/// transport error, a timeout or a 503 they send the same request again (enrolment is idempotent)
/// with backoff until it is answered. Every answer is checked against what the contract allows:
/// a 503 carries Retry-After and a problem, a 409 is one the request could expect, nothing is a 500.
/// </summary>
internal sealed class EnrollmentLoad(IReadOnlyList<Uri> nodes, string token, IReadOnlyList<string> villages, IReadOnlySet<string> tightVillages)
{
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan GraceAfterStop = TimeSpan.FromSeconds(45);
    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(1) }) { Timeout = Timeout.InfiniteTimeSpan };
    private readonly List<Ack> _acks = [];
    private readonly ConcurrentQueue<string> _violations = new();
    private readonly ConcurrentDictionary<string, int> _answers = new();
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, byte>> _sent = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationTokenSource _abandon = new();
    private Task[] _clients = [];
    private volatile TaskCompletionSource _running = Done();
    private int _inFlight;

    public IReadOnlyList<Ack> Acks { get { lock (_acks) return [.. _acks]; } }
    public IReadOnlyCollection<string> Violations => _violations;

    /// <summary>Every village each NIK was sent to, acknowledged or not.</summary>
    public IReadOnlyDictionary<string, ConcurrentDictionary<string, byte>> Sent => _sent;

    /// <summary>Answers by kind ("201", "409 budget-exceeded", "503", "transport"), for the test output.</summary>
    public IReadOnlyDictionary<string, int> Answers => _answers;

    public int AcksSince(DateTime since) { lock (_acks) return _acks.Count(a => a.At >= since); }

    public void Start(int clients) => _clients = [.. Enumerable.Range(0, clients).Select(c => Task.Run(() => ClientAsync(c)))];

    /// <summary>No new requests until <see cref="Resume"/>; returns once those under way are answered.</summary>
    public async Task PauseAsync()
    {
        _running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        while (Volatile.Read(ref _inFlight) > 0) await Task.Delay(50);
    }

    public void Resume() => _running.TrySetResult();

    private static TaskCompletionSource Done()
    {
        var done = new TaskCompletionSource();
        done.SetResult();
        return done;
    }

    /// <summary>No new requests; those under way retry until answered, for a bounded time.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        Resume();
        _abandon.CancelAfter(GraceAfterStop);
        await Task.WhenAll(_clients);
        _http.Dispose();
    }

    private async Task ClientAsync(int client)
    {
        var random = new Random(client * 7919 + Environment.ProcessId);
        while (!_stop.IsCancellationRequested)
        {
            // Counted before looking at the gate, so a pause that begins meanwhile waits for this request.
            Interlocked.Increment(ref _inFlight);
            var running = _running.Task;
            if (!running.IsCompleted)
            {
                Interlocked.Decrement(ref _inFlight);
                await running;
                continue;
            }
            try
            {
                await OneRequestAsync(client, random);
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
        }
    }

    private async Task OneRequestAsync(int client, Random random)
    {
        var roll = random.NextDouble();
        var known = roll < 0.15 ? PickAck(random) : null;
        if (known is not null && roll < 0.10)
        {
            // A worker acknowledged in one village, sent to another: refused, naming the first.
            var other = villages[random.Next(villages.Count)];
            if (other != known.Village) await EnrollAsync(client, other, known.Nik, known.Body, Kind.Elsewhere);
        }
        else if (known is not null)
        {
            // The same call again: answered 200 from what was stored, never created anew.
            await EnrollAsync(client, known.Village, known.Nik, known.Body, Kind.Repeat);
        }
        else
        {
            var nik = Workers.NewNik();
            var body = new
            {
                nik, name = $"Pekerja {nik[^4..]}", occupation = "nelayan",
                monthlyIncome = 1_000_000 + random.Next(41) * 100_000L,
                programs = random.Next(5) == 0 ? new[] { "JKK", "JKM", "JHT" } : ["JKK", "JKM"],
            };
            await EnrollAsync(client, villages[random.Next(villages.Count)], nik, body, Kind.New);
        }
    }

    private Ack? PickAck(Random random)
    {
        lock (_acks) return _acks.Count == 0 ? null : _acks[random.Next(_acks.Count)];
    }

    private enum Kind { New, Repeat, Elsewhere }

    private async Task EnrollAsync(int client, string village, string nik, object body, Kind kind)
    {
        _sent.GetOrAdd(nik, static _ => new()).TryAdd(village, 0);
        var delay = TimeSpan.FromMilliseconds(100);
        for (var attempt = 0; !_abandon.IsCancellationRequested; attempt++)
        {
            // Spread over the nodes, as a load balancer would; a retry may land on another node.
            var node = nodes[(client + attempt) % nodes.Count];
            var retryAfter = TimeSpan.Zero;
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_abandon.Token);
                timeout.CancelAfter(AttemptTimeout);
                using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(node, $"/api/villages/{village}/enrollments")) { Content = JsonContent.Create(body) };
                request.Headers.Authorization = new("Bearer", token);
                using var response = await _http.SendAsync(request, timeout.Token);
                var text = await response.Content.ReadAsStringAsync(timeout.Token);
                var status = (int)response.StatusCode;
                if (status is 200 or 201)
                {
                    Tally(status.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    using var json = JsonDocument.Parse(text);
                    var ack = new Ack(village, nik, json.RootElement.GetProperty("enrollmentId").GetString()!, json.RootElement.GetProperty("commitment").GetInt64(), body, DateTime.UtcNow);
                    if (kind == Kind.Elsewhere) Violation($"{village}: a worker acknowledged elsewhere was enrolled here too ({status})");
                    if (kind == Kind.Repeat && status == 201) Violation($"{village}: an acknowledged enrolment sent again was created anew (it had been lost)");
                    if (kind != Kind.Repeat) lock (_acks) _acks.Add(ack);
                    return;
                }
                var problem = Problem(response, text);
                Tally($"{status} {problem}");
                if (status == 503)
                {
                    if (response.Headers.RetryAfter?.Delta is not { } after || response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                    {
                        Violation($"{village}: 503 without Retry-After or problem+json: {text}");
                    }
                    else retryAfter = after;
                }
                else if (status == 409 && problem == "budget-exceeded" && tightVillages.Contains(village)) return;
                else if (status == 409 && problem == "enrolled-elsewhere" && kind == Kind.Elsewhere) return;
                else
                {
                    Violation($"{village}: {kind} enrolment answered {status}: {text}");
                    if (status < 500) return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException)
            {
                Tally("transport");
            }
            // Honour Retry-After (2 s) but never wait longer than the backoff has grown to.
            await Delay(retryAfter > TimeSpan.Zero && retryAfter < delay ? retryAfter : delay);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(2).Ticks));
        }
    }

    private async Task Delay(TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, _abandon.Token);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static string Problem(HttpResponseMessage response, string text)
    {
        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json") return "(no problem body)";
        try
        {
            using var json = JsonDocument.Parse(text);
            return json.RootElement.TryGetProperty("code", out var code) ? code.GetString() ?? "" : "(no code)";
        }
        catch (JsonException)
        {
            return "(unreadable problem)";
        }
    }

    private void Tally(string answer) => _answers.AddOrUpdate(answer, 1, static (_, n) => n + 1);

    private void Violation(string what)
    {
        if (_violations.Count < 200) _violations.Enqueue($"{DateTime.UtcNow:HH:mm:ss.fff} {what}");
    }
}

/// <summary>Screens reading live progress from every node while the faults happen: never a 500, a 503 only with Retry-After.</summary>
internal sealed class ProgressReaders(IReadOnlyList<Uri> nodes, IReadOnlyList<string> regions)
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly ConcurrentQueue<string> _violations = new();
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;

    public IReadOnlyCollection<string> Violations => _violations;
    public int Reads { get; private set; }

    public void Start() => _loop = Task.Run(async () =>
    {
        while (!_stop.IsCancellationRequested)
        {
            foreach (var node in nodes)
            {
                foreach (var region in regions)
                {
                    try
                    {
                        using var response = await _http.GetAsync(new Uri(node, $"/api/progress/{region}"), _stop.Token);
                        Reads++;
                        var status = (int)response.StatusCode;
                        if (status == 200 || (status == 503 && response.Headers.RetryAfter is not null)) continue;
                        if (_violations.Count < 50) _violations.Enqueue($"{DateTime.UtcNow:HH:mm:ss.fff} GET /api/progress/{region} on {node}: {status} {await response.Content.ReadAsStringAsync()}");
                    }
                    catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
                    {
                        // a timeout is not an answer; the stop ends the loop
                    }
                }
            }
            try { await Task.Delay(500, _stop.Token); } catch (OperationCanceledException) { }
        }
    });

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _http.Dispose();
    }
}

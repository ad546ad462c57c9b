using System.Collections.Concurrent;
using System.Security.Claims;

namespace Villages.WebApi.Auth;

/// <summary>
/// Bearer tokens already validated, by their exact text (signature included, so no other text finds
/// them): a client sends the same token with every request, and checking its signature and reading its
/// claims again cost more CPU and memory than any other step of a small request. A token is honoured
/// from here only until its own expiry (the full check, with its clock skew, decides after that) and
/// for at most <see cref="MaxAge"/>, so a signing key withdrawn by the provider stops counting within
/// it. When <see cref="Capacity"/> tokens are kept, the set starts again empty.
/// </summary>
public sealed class ValidatedTokens(TimeProvider clock)
{
    public const int Capacity = 20_000;
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public ClaimsPrincipal? Find(string token)
    {
        if (!_entries.TryGetValue(token, out var entry)) return null;
        if (clock.GetUtcNow() < entry.Until) return entry.Principal;
        _entries.TryRemove(new KeyValuePair<string, Entry>(token, entry));
        return null;
    }

    /// <summary>Keeps a token the full check accepted, with the expiry it carries (UTC).</summary>
    public void Keep(string token, ClaimsPrincipal principal, DateTime expires)
    {
        var now = clock.GetUtcNow();
        var until = new DateTimeOffset(DateTime.SpecifyKind(expires, DateTimeKind.Utc));
        if (until > now + MaxAge) until = now + MaxAge;
        if (until <= now) return;
        if (_entries.Count >= Capacity) _entries.Clear();
        _entries[token] = new Entry(principal, until);
    }

    private sealed record Entry(ClaimsPrincipal Principal, DateTimeOffset Until);
}

using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Villages.Privacy;

/// <summary>
/// Keyed hashes of a NIK (HMAC-SHA256 under keys derived from the configured secret). The NIK
/// cannot be recovered from them without the secret, so they may name grains and rows.
/// </summary>
public sealed class WorkerKeys
{
    private readonly byte[] _registryKey;
    private readonly byte[] _enrollmentIdKey;
    private readonly byte[] _kpjKey;

    public WorkerKeys(PrivacyOptions options)
    {
        var secret = options.SecretBytes();
        _registryKey = Derive(secret, "villages/nik-registry/v1");
        _enrollmentIdKey = Derive(secret, "villages/enrollment-id/v1");
        _kpjKey = Derive(secret, "villages/kpj-registry/v1");
    }

    internal static byte[] Derive(byte[] secret, string purpose) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, 32, info: Encoding.UTF8.GetBytes(purpose));

    /// <summary>The national registry key of a worker: the same in every village.</summary>
    public string RegistryKey(string nik) => Base64Url.EncodeToString(Mac(_registryKey, nik).AsSpan(0, 16));

    /// <summary>The national key of a BPJS participant number (KPJ), which is personal data like the NIK.</summary>
    public string KpjKey(string kpj) => Base64Url.EncodeToString(Mac(_kpjKey, kpj).AsSpan(0, 16));

    /// <summary>
    /// The opaque id of a worker's enrolment in one village: stable for that village and NIK,
    /// different in another village, so ids cannot be joined across villages.
    /// </summary>
    public string EnrollmentId(string villageCode, string nik)
    {
        var mac = Mac(_enrollmentIdKey, villageCode + "/" + nik);
        return Base32Lower(mac.AsSpan(0, 15));
    }

    private static byte[] Mac(byte[] key, string text) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(text));

    private static string Base32Lower(ReadOnlySpan<byte> bytes)
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyz234567";
        var output = new StringBuilder(bytes.Length * 8 / 5);
        int buffer = 0, bits = 0;
        foreach (var b in bytes)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                output.Append(alphabet[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        if (bits > 0) output.Append(alphabet[(buffer << (5 - bits)) & 31]);
        return output.ToString();
    }

    /// <summary>An enrolment id has this shape; anything else is refused before reaching a grain.</summary>
    public static bool IsEnrollmentIdShape(string? id) =>
        id is { Length: 24 } && id.All(static c => c is >= 'a' and <= 'z' or >= '2' and <= '7');
}

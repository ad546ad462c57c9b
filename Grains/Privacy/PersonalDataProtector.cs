using System.Security.Cryptography;
using System.Text;

namespace Villages.Privacy;

/// <summary>
/// Encrypts personal fields (NIK, name) before they reach grain state: AES-256-GCM under a key
/// derived from the configured secret, a fresh nonce per value, the village code bound in as
/// associated data so a value copied into another village's row does not decrypt.
/// Stored form: version (1 byte) | nonce (12) | tag (16) | ciphertext: 29 bytes over the plaintext.
/// </summary>
public sealed class PersonalDataProtector
{
    private const byte Version = 1;
    private const int NonceSize = 12;
    private const int TagSize = 16;
    // AesGcm is not thread-safe and costs a key schedule to create: one per thread, reused.
    private readonly ThreadLocal<AesGcm> _aes;

    public PersonalDataProtector(PrivacyOptions options)
    {
        var key = WorkerKeys.Derive(options.SecretBytes(), "villages/personal-data/v1");
        _aes = new ThreadLocal<AesGcm>(() => new AesGcm(key, TagSize));
    }

    public byte[] Protect(string plaintext, string context)
    {
        var input = Encoding.UTF8.GetBytes(plaintext);
        var output = new byte[1 + NonceSize + TagSize + input.Length];
        output[0] = Version;
        var nonce = output.AsSpan(1, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        _aes.Value!.Encrypt(nonce, input, output.AsSpan(1 + NonceSize + TagSize), output.AsSpan(1 + NonceSize, TagSize), Encoding.UTF8.GetBytes(context));
        return output;
    }

    public string Unprotect(byte[] input, string context)
    {
        if (input.Length < 1 + NonceSize + TagSize || input[0] != Version)
        {
            throw new CryptographicException("A protected value has an unknown format.");
        }
        var plaintext = new byte[input.Length - 1 - NonceSize - TagSize];
        _aes.Value!.Decrypt(input.AsSpan(1, NonceSize), input.AsSpan(1 + NonceSize + TagSize), input.AsSpan(1 + NonceSize, TagSize), plaintext, Encoding.UTF8.GetBytes(context));
        return Encoding.UTF8.GetString(plaintext);
    }
}

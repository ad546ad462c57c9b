using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;

namespace Villages.Silo.Tls;

/// <summary>
/// Mutual TLS on the cluster's connections (`Villages:Cluster:Tls`): silo to silo and client to
/// gateway. Every node presents its certificate and accepts a peer only if the peer's certificate
/// chains to a trusted CA or is pinned by thumbprint; a peer without one is refused.
/// </summary>
public sealed partial class ClusterTlsOptions : IValidatableObject
{
    public const string Section = "Villages:Cluster:Tls";

    /// <summary>Off only to measure what TLS costs: then anyone who reaches the ports can call any grain.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>This node's certificate: a PKCS#12 file (.pfx, .p12) with its key, or PEM (see <see cref="KeyPath"/>).</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The PEM private key of a PEM certificate (a Kubernetes TLS secret's tls.key); the certificate file itself when empty.</summary>
    public string? KeyPath { get; set; }

    /// <summary>The PKCS#12 password, or the passphrase of an encrypted PEM key.</summary>
    public string? Password { get; set; }

    /// <summary>Instead of a file: the thumbprint of a certificate (with its key) in an X.509 store.</summary>
    public string? StoreThumbprint { get; set; }

    public StoreName StoreName { get; set; } = StoreName.My;

    public StoreLocation StoreLocation { get; set; } = StoreLocation.CurrentUser;

    /// <summary>PEM file of the CA certificate(s) a peer's certificate must chain to (a Kubernetes TLS secret's ca.crt).</summary>
    public string? TrustedCaPath { get; set; }

    /// <summary>Peer certificates trusted as they are, by SHA-1 or SHA-256 thumbprint (hex).</summary>
    public string[] TrustedThumbprints { get; set; } = [];

    /// <summary>
    /// Single-machine runs: a self-signed certificate kept in this file (created if missing, 0600),
    /// presented by every node that shares the file and trusted by them all. Development sets it to
    /// `.data/cluster-tls.pfx` when no certificate is configured.
    /// </summary>
    public string? SelfSignedPath { get; set; }

    /// <summary>A peer that has not finished its handshake by then is dropped.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Whether any certificate source is configured (a Development default is applied only when none is).</summary>
    public bool HasCertificateSource =>
        !string.IsNullOrEmpty(CertificatePath) || !string.IsNullOrEmpty(StoreThumbprint) || !string.IsNullOrEmpty(SelfSignedPath);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Enabled) yield break;
        var sources = new[] { CertificatePath, StoreThumbprint, SelfSignedPath }.Count(s => !string.IsNullOrEmpty(s));
        if (sources != 1)
        {
            yield return new ValidationResult(
                "set exactly one of CertificatePath, StoreThumbprint or SelfSignedPath: every node presents a certificate to the others " +
                "(Enabled=false turns cluster TLS off).", [nameof(CertificatePath)]);
        }
        if (string.IsNullOrEmpty(TrustedCaPath) && TrustedThumbprints.Length == 0 && string.IsNullOrEmpty(SelfSignedPath))
        {
            yield return new ValidationResult("set TrustedCaPath or TrustedThumbprints: whom this node accepts as a peer.", [nameof(TrustedCaPath)]);
        }
        foreach (var (name, path) in new[] { (nameof(CertificatePath), CertificatePath), (nameof(KeyPath), KeyPath), (nameof(TrustedCaPath), TrustedCaPath) })
        {
            if (!string.IsNullOrEmpty(path) && !File.Exists(path)) yield return new ValidationResult($"{path} does not exist.", [name]);
        }
        if (!string.IsNullOrEmpty(KeyPath) && string.IsNullOrEmpty(CertificatePath))
        {
            yield return new ValidationResult("is the key of a PEM CertificatePath, which is not set.", [nameof(KeyPath)]);
        }
        foreach (var thumbprint in TrustedThumbprints.Append(StoreThumbprint).Where(t => !string.IsNullOrEmpty(t)))
        {
            if (!Thumbprint().IsMatch(thumbprint!))
            {
                yield return new ValidationResult($"'{thumbprint}' is not a SHA-1 or SHA-256 thumbprint (40 or 64 hex digits).",
                    [thumbprint == StoreThumbprint ? nameof(StoreThumbprint) : nameof(TrustedThumbprints)]);
            }
        }
    }

    [GeneratedRegex("^([0-9A-Fa-f]{40}|[0-9A-Fa-f]{64})$")]
    private static partial Regex Thumbprint();
}

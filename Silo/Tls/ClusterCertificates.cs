using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Villages.Silo.Configuration;

namespace Villages.Silo.Tls;

/// <summary>This node's certificate and whom it trusts, read from what <see cref="ClusterTlsOptions"/> names.</summary>
public sealed record ClusterCertificates(X509Certificate2 Certificate, ClusterTrust Trust)
{
    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");

    public static ClusterCertificates Load(ClusterTlsOptions options)
    {
        var roots = new X509Certificate2Collection();
        var pinned = new HashSet<string>(options.TrustedThumbprints, StringComparer.OrdinalIgnoreCase);
        if (!string.IsNullOrEmpty(options.TrustedCaPath)) roots.ImportFromPemFile(options.TrustedCaPath);
        X509Certificate2 certificate;
        if (!string.IsNullOrEmpty(options.SelfSignedPath))
        {
            certificate = LoadSelfSigned(options.SelfSignedPath);
            pinned.Add(certificate.GetCertHashString(HashAlgorithmName.SHA256));
        }
        else if (!string.IsNullOrEmpty(options.StoreThumbprint))
        {
            certificate = FromStore(options);
        }
        else
        {
            certificate = FromFile(options.CertificatePath!, options.KeyPath, options.Password);
        }
        if (!certificate.HasPrivateKey)
        {
            throw new InvalidOperationException($"{ClusterTlsOptions.Section}: the certificate {certificate.Subject} has no private key.");
        }
        return new ClusterCertificates(certificate, new ClusterTrust(roots, pinned));
    }

    /// <summary>A self-signed certificate usable on both ends of a connection (server and client authentication).</summary>
    public static X509Certificate2 CreateSelfSigned(string subject = "villages-cluster", TimeSpan? lifetime = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={subject}"), key, HashAlgorithmName.SHA256);
        // Its own issuer: a CA of one, so that a chain ending at it validates like any other.
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyCertSign, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([ServerAuthentication, ClientAuthentication], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddMinutes(-5), now + (lifetime ?? TimeSpan.FromDays(3650)));
    }

    /// <summary>The self-signed certificate kept at <paramref name="path"/>, created (0600) the first time.</summary>
    public static X509Certificate2 LoadSelfSigned(string path)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (!Directory.Exists(folder)) SecretFile.EnsurePrivateFolder(folder);
        var pfx = SecretFile.ReadOrCreate(path, () =>
        {
            using var created = CreateSelfSigned();
            return created.Export(X509ContentType.Pkcs12);
        });
        return X509CertificateLoader.LoadPkcs12(pfx, password: null);
    }

    private static X509Certificate2 FromFile(string path, string? keyPath, string? password)
    {
        var extension = Path.GetExtension(path).ToLowerInvariant();
        if (extension is ".pfx" or ".p12") return X509CertificateLoader.LoadPkcs12FromFile(path, password);
        using var pem = string.IsNullOrEmpty(password)
            ? X509Certificate2.CreateFromPemFile(path, string.IsNullOrEmpty(keyPath) ? null : keyPath)
            : X509Certificate2.CreateFromEncryptedPemFile(path, password, string.IsNullOrEmpty(keyPath) ? null : keyPath);
        // Round-tripped through PKCS#12: SslStream wants a key it can hand to the platform's TLS.
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), password: null);
    }

    private static X509Certificate2 FromStore(ClusterTlsOptions options)
    {
        using var store = new X509Store(options.StoreName, options.StoreLocation);
        store.Open(OpenFlags.ReadOnly | OpenFlags.OpenExistingOnly);
        var found = store.Certificates.Find(X509FindType.FindByThumbprint, options.StoreThumbprint!, validOnly: false);
        return found.Count > 0
            ? found[0]
            : throw new InvalidOperationException(
                $"{ClusterTlsOptions.Section}:StoreThumbprint: no certificate {options.StoreThumbprint} in {options.StoreLocation}/{options.StoreName}.");
    }
}

/// <summary>Whom a node accepts as a peer: certificates that chain to one of its CAs, or pinned ones.</summary>
public sealed class ClusterTrust(X509Certificate2Collection roots, IReadOnlySet<string> pinned)
{
    /// <summary>
    /// Null if <paramref name="certificate"/> is trusted, else why not. The platform's verdict is not
    /// used: peers are addressed by pod IP, so no host name is checked, and the trust anchors are the
    /// cluster's own, not the machine's.
    /// </summary>
    public string? Refusal(X509Certificate2 certificate, X509Chain? presented)
    {
        var now = DateTime.Now;
        if (now < certificate.NotBefore || now > certificate.NotAfter) return "outside its validity period";
        if (pinned.Contains(certificate.GetCertHashString(HashAlgorithmName.SHA256)) || pinned.Contains(certificate.Thumbprint)) return null;
        if (roots.Count == 0) return "not pinned, and no CA is trusted";
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck; // a private CA publishes no revocation list
        foreach (var element in presented?.ChainElements.Skip(1) ?? []) chain.ChainPolicy.ExtraStore.Add(element.Certificate);
        return chain.Build(certificate)
            ? null
            : string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).DefaultIfEmpty("no chain to a trusted CA"));
    }
}

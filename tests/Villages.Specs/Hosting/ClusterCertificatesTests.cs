using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Villages.Silo.Tls;

namespace Villages.Specs.Hosting;

/// <summary>Certificates as a deployment gives them (PEM files from its own CA, as in a Kubernetes TLS Secret) and whom they let in.</summary>
public sealed class ClusterCertificatesTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("villages-specs-tls-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void A_node_certificate_in_PEM_issued_by_the_cluster_CA_is_loaded_and_its_peers_are_trusted_strangers_are_not()
    {
        using var ca = ClusterCertificates.CreateSelfSigned("test-cluster-ca");
        using var node = Issue(ca, "node-1");
        using var peer = Issue(ca, "node-2");
        using var stranger = ClusterCertificates.CreateSelfSigned("stranger");
        File.WriteAllText(Path.Combine(_folder, "tls.crt"), node.ExportCertificatePem());
        File.WriteAllText(Path.Combine(_folder, "tls.key"), node.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(Path.Combine(_folder, "ca.crt"), ca.ExportCertificatePem());

        var loaded = ClusterCertificates.Load(new ClusterTlsOptions
        {
            CertificatePath = Path.Combine(_folder, "tls.crt"),
            KeyPath = Path.Combine(_folder, "tls.key"),
            TrustedCaPath = Path.Combine(_folder, "ca.crt"),
        });

        Assert.True(loaded.Certificate.HasPrivateKey);
        Assert.Equal(node.Thumbprint, loaded.Certificate.Thumbprint);
        Assert.Null(loaded.Trust.Refusal(peer, null));
        Assert.NotNull(loaded.Trust.Refusal(stranger, null));
        using var expired = Issue(ca, "old-node", lifetime: TimeSpan.FromMinutes(-1));
        Assert.Equal("outside its validity period", loaded.Trust.Refusal(expired, null));
    }

    [Fact]
    public void A_self_signed_certificate_is_made_once_0600_and_trusted_only_by_those_who_share_it()
    {
        var path = Path.Combine(_folder, "cluster-tls.pfx");
        var first = ClusterCertificates.Load(new ClusterTlsOptions { SelfSignedPath = path });
        var again = ClusterCertificates.Load(new ClusterTlsOptions { SelfSignedPath = path });
        using var other = ClusterCertificates.CreateSelfSigned();

        Assert.Equal(first.Certificate.Thumbprint, again.Certificate.Thumbprint);
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Null(first.Trust.Refusal(again.Certificate, null));
        Assert.NotNull(first.Trust.Refusal(other, null));
    }

    private static X509Certificate2 Issue(X509Certificate2 ca, string name, TimeSpan? lifetime = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        var now = DateTimeOffset.UtcNow;
        // Within the CA's validity (from five minutes ago): an expired one ended a minute ago.
        using var issued = request.Create(ca, now.AddMinutes(-4), now + (lifetime ?? TimeSpan.FromDays(30)), RandomNumberGenerator.GetBytes(8));
        return issued.CopyWithPrivateKey(key);
    }
}

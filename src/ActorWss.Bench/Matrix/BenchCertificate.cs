using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ActorWss.Bench.Matrix;

/// <summary>
/// The one server certificate of a run, made fresh into a temporary folder (deleted at the end) and given to every
/// wss:// server, ActorWss, Kestrel and Go alike: self-signed for localhost, 127.0.0.1 and ::1. RSA 2048 as in the
/// reference report, or ECDSA P-256.
/// </summary>
public sealed class BenchCertificate : IDisposable
{
    private readonly string _folder;

    private BenchCertificate(string folder, string description)
    {
        _folder = folder;
        Description = description;
    }

    public string CertificatePath => Path.Combine(_folder, "cert.pem");

    public string KeyPath => Path.Combine(_folder, "key.pem");

    /// <summary>"RSA 2048, self-signed (localhost, 127.0.0.1, ::1), made for this run".</summary>
    public string Description { get; }

    /// <param name="kind">rsa2048 or ecdsa-p256.</param>
    public static BenchCertificate Create(string kind)
    {
        var folder = Path.Combine(Path.GetTempPath(), $"actorwss-bench-cert-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var subject = new X500DistinguishedName("CN=localhost, O=ActorWss benchmark");
        using AsymmetricAlgorithm key = kind switch
        {
            "rsa2048" => RSA.Create(2048),
            "ecdsa-p256" => ECDsa.Create(ECCurve.NamedCurves.nistP256),
            _ => throw new ArgumentException($"--certificate: '{kind}' is not rsa2048 or ecdsa-p256"),
        };
        var request = key is RSA rsa
            ? new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            : new CertificateRequest(subject, (ECDsa)key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false)); // server auth
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));

        var result = new BenchCertificate(folder, (key is RSA ? "RSA 2048" : "ECDSA P-256") + ", self-signed (localhost, 127.0.0.1, ::1), made for this run");
        File.WriteAllText(result.CertificatePath, certificate.ExportCertificatePem());
        File.WriteAllText(result.KeyPath, key.ExportPkcs8PrivateKeyPem());
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(result.KeyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return result;
    }

    public void Dispose()
    {
        try { Directory.Delete(_folder, recursive: true); }
        catch (IOException) { }
    }
}

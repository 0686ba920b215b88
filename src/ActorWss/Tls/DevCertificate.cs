using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ActorWss.Configuration;

namespace ActorWss.Tls;

/// <summary>
/// A self-signed certificate for local development: localhost, 127.0.0.1 and ::1, ECDSA P-256 (the cheapest
/// handshake), valid for a year. Written as PEM where the configuration expects the certificate; the key file is
/// readable by its owner only. Never for production: browsers and clients must be told to trust it.
/// </summary>
internal static class DevCertificate
{
    private static readonly Lock Gate = new();

    /// <summary>Creates the files of <paramref name="settings"/> unless they exist; returns true if it wrote them.</summary>
    public static bool EnsureFiles(CertificateSettings settings)
    {
        lock (Gate)
        {
            if (File.Exists(settings.Path)) return false;
            if (settings.IsPfx || settings.KeyPath is null)
                throw new InvalidOperationException($"dev-certificate writes PEM files: set certificate.path and key-path (found {settings.Path})");
            using var certificate = Create();
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(settings.Path))!);
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(settings.KeyPath))!);
            using var key = certificate.GetECDsaPrivateKey()!;
            WritePrivate(settings.KeyPath, key.ExportPkcs8PrivateKeyPem());
            File.WriteAllText(settings.Path, certificate.ExportCertificatePem() + "\n");
            return true;
        }
    }

    /// <summary>A fresh certificate with its private key, in memory.</summary>
    public static X509Certificate2 Create()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost, O=ActorWss development", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false)); // serverAuth
        var now = DateTimeOffset.UtcNow;
        using var created = request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(1));
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
    }

    private static void WritePrivate(string path, string content)
    {
        if (OperatingSystem.IsWindows())
        {
            File.WriteAllText(path, content + "\n");
            return;
        }
        var options = new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        };
        using var writer = new StreamWriter(path, options);
        writer.Write(content + "\n");
    }
}

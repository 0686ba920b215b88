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
    /// <summary>The subject of every certificate made here: how a development certificate on disk is recognised.</summary>
    public const string Subject = "CN=localhost, O=ActorWss development";

    private static readonly Lock Gate = new();
    private static readonly Dictionary<string, X509Certificate2> InMemory = new(StringComparer.Ordinal);

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
        var request = new CertificateRequest(Subject, key, HashAlgorithmName.SHA256);
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

    /// <summary>
    /// The configured certificate is a development certificate made here, dev-certificate is on, and its key
    /// exists but this process may not read it. That is the key `dotnet run` wrote (readable by its owner only)
    /// seen from a container that runs as another user through a read-only mount: serve one from memory instead
    /// (<see cref="ServeFromMemory"/>). A real certificate's unreadable key stays a configuration error.
    /// </summary>
    public static bool KeyUnreadable(TlsSettings tls)
    {
        var files = tls.Certificate;
        if (!tls.DevCertificate || files.IsPfx || files.KeyPath is null || !File.Exists(files.Path)) return false;
        try
        {
            using (File.OpenRead(files.KeyPath)) return false;
        }
        catch (UnauthorizedAccessException)
        {
            return IsDevelopmentCertificate(files.Path);
        }
        catch (IOException)
        {
            return false; // missing or broken: the loader reports it, naming key-path
        }
    }

    /// <summary>
    /// A certificate in memory in place of the unreadable one of <paramref name="files"/>: one per key file for
    /// the life of the process, with <paramref name="warn"/> told why once.
    /// </summary>
    public static X509Certificate2 ServeFromMemory(CertificateSettings files, Action<string> warn)
    {
        lock (Gate)
        {
            if (InMemory.TryGetValue(files.KeyPath!, out var existing)) return existing;
            var certificate = Create();
            InMemory[files.KeyPath!] = certificate;
            warn($"The development key {files.KeyPath} is not readable by this process ({CertificateLoader.ProcessUser}), " +
                $"e.g. written by `dotnet run` and mounted into a container: serving a development certificate from memory " +
                $"instead (SHA-256 {CertificateLoader.Sha256Fingerprint(certificate)}). To serve the one on disk, make the key " +
                "readable to this user, or delete both files and let this process generate its own.");
            return certificate;
        }
    }

    private static bool IsDevelopmentCertificate(string path)
    {
        try
        {
            using var certificate = X509Certificate2.CreateFromPem(File.ReadAllText(path));
            return certificate.Subject == Subject && certificate.Issuer == Subject;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            return false;
        }
    }

    /// <summary>
    /// Writes the key readable by its owner only, whatever was there: a new file renamed over the old one, so a stale
    /// world-readable key never keeps its mode (opening an existing file would keep it).
    /// </summary>
    private static void WritePrivate(string path, string content)
    {
        if (OperatingSystem.IsWindows())
        {
            File.WriteAllText(path, content + "\n");
            return;
        }
        var temporary = path + ".tmp-" + Environment.ProcessId;
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        };
        try
        {
            using (var writer = new StreamWriter(temporary, options)) writer.Write(content + "\n");
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}

using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ActorWss.Configuration;

namespace ActorWss.Tls;

/// <summary>Loads the server certificate (with its private key and chain) from PEM files or a PFX file.</summary>
internal static class CertificateLoader
{
    /// <summary>The leaf certificate (with key) and the rest of the chain found in the file.</summary>
    public static (X509Certificate2 Leaf, X509Certificate2Collection Chain) Load(CertificateSettings settings)
    {
        try
        {
            return settings.IsPfx ? LoadPfx(settings) : LoadPem(settings);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new InvalidOperationException($"cannot load the certificate from {Describe(settings)}: {e.Message}", e);
        }
    }

    public static string Describe(CertificateSettings settings) =>
        settings.KeyPath is null ? settings.Path : $"{settings.Path} (key {settings.KeyPath})";

    private static (X509Certificate2, X509Certificate2Collection) LoadPfx(CertificateSettings settings)
    {
        var all = X509CertificateLoader.LoadPkcs12CollectionFromFile(settings.Path, settings.Password, X509KeyStorageFlags.Exportable);
        var leaf = all.FirstOrDefault(c => c.HasPrivateKey)
            ?? throw new CryptographicException("the PFX holds no certificate with a private key");
        var chain = new X509Certificate2Collection();
        foreach (var certificate in all) if (!ReferenceEquals(certificate, leaf)) chain.Add(certificate);
        return (leaf, chain);
    }

    private static (X509Certificate2, X509Certificate2Collection) LoadPem(CertificateSettings settings)
    {
        if (settings.KeyPath is null) throw new CryptographicException("a PEM certificate needs key-path");
        using var withKey = settings.Password is null
            ? X509Certificate2.CreateFromPemFile(settings.Path, settings.KeyPath)
            : X509Certificate2.CreateFromEncryptedPemFile(settings.Path, settings.Password, settings.KeyPath);
        // Ephemeral keys are not usable by OpenSSL-backed SslStream on every platform; a PKCS#12 round trip is.
        var leaf = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
        var chain = new X509Certificate2Collection();
        chain.ImportFromPemFile(settings.Path);
        var intermediates = new X509Certificate2Collection();
        foreach (var certificate in chain)
            if (certificate.Thumbprint != leaf.Thumbprint) intermediates.Add(certificate);
        return (leaf, intermediates);
    }

    /// <summary>The SHA-256 fingerprint in the usual colon-separated hex form.</summary>
    public static string Sha256Fingerprint(X509Certificate2 certificate) =>
        string.Join(':', certificate.GetCertHash(HashAlgorithmName.SHA256).Select(b => b.ToString("X2")));
}

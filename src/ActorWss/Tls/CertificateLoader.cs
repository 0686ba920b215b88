using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ActorWss.Configuration;

namespace ActorWss.Tls;

/// <summary>
/// Loads the server certificate (with its private key and chain) from PEM files or a PFX file. Every failure is an
/// <see cref="InvalidConfigurationException"/> naming the key to fix: the certificate's <c>path</c> when that file
/// is missing, unreadable or not a certificate; <c>key-path</c> when the key is missing, unreadable, not a key, or
/// not the certificate's.
/// </summary>
internal static class CertificateLoader
{
    /// <summary>The leaf certificate (with key) and the rest of the chain found in the file.</summary>
    public static (X509Certificate2 Leaf, X509Certificate2Collection Chain) Load(CertificateSettings settings) =>
        settings.IsPfx ? LoadPfx(settings) : LoadPem(settings);

    /// <summary>
    /// Fails now, with the error the start would fail with, if the certificate of <paramref name="tls"/> cannot be
    /// served: the host checks this before it starts anything, so a configuration error is one line and exit code 2.
    /// </summary>
    public static void Verify(TlsSettings tls)
    {
        var files = tls.Certificate;
        if (!File.Exists(files.Path))
        {
            if (tls.DevCertificate) return; // generated at the start
            throw Missing(files);
        }
        if (!DevCertificate.KeyUnreadable(tls)) Dispose(Load(files)); // else served from memory at the start
        foreach (var sni in tls.Sni ?? []) Dispose(Load(sni.Certificate));
        if (tls.ClientCa is { } ca) ReadText(ca, "actorwss.tls.client-ca");
    }

    private static void Dispose((X509Certificate2 Leaf, X509Certificate2Collection Chain) loaded)
    {
        loaded.Leaf.Dispose();
        foreach (var certificate in loaded.Chain) certificate.Dispose();
    }

    /// <summary>Every TLS listener's certificate (<see cref="Verify(TlsSettings)"/>).</summary>
    public static void Verify(ServerSettings settings)
    {
        foreach (var listener in settings.Listeners)
            if (listener.Tls is { } tls) Verify(tls);
    }

    public static InvalidConfigurationException Missing(CertificateSettings files) => new(
        $"{files.PathKey}: '{files.Path}' does not exist; point it at your certificate, or set " +
        "actorwss.tls.dev-certificate = on to generate a self-signed one for development");

    public static string Describe(CertificateSettings settings) =>
        settings.KeyPath is null ? settings.Path : $"{settings.Path} (key {settings.KeyPath})";

    private static (X509Certificate2, X509Certificate2Collection) LoadPfx(CertificateSettings settings)
    {
        var bytes = Read(settings.Path, settings.PathKey, File.ReadAllBytes);
        X509Certificate2Collection all;
        try { all = X509CertificateLoader.LoadPkcs12Collection(bytes, settings.Password, X509KeyStorageFlags.Exportable); }
        catch (CryptographicException e)
        {
            throw new InvalidConfigurationException(
                $"{settings.PathKey}: cannot load the PFX '{settings.Path}': {e.Message} (is {settings.PasswordKey} right?)");
        }
        var leaf = all.FirstOrDefault(c => c.HasPrivateKey)
            ?? throw new InvalidConfigurationException($"{settings.PathKey}: the PFX '{settings.Path}' holds no certificate with a private key");
        var chain = new X509Certificate2Collection();
        foreach (var certificate in all) if (!ReferenceEquals(certificate, leaf)) chain.Add(certificate);
        return (leaf, chain);
    }

    private static (X509Certificate2, X509Certificate2Collection) LoadPem(CertificateSettings settings)
    {
        if (settings.KeyPath is null)
            throw new InvalidConfigurationException($"{settings.KeyPathKey}: a PEM certificate ('{settings.Path}') needs its key file");
        var certificatePem = ReadText(settings.Path, settings.PathKey);
        var keyPem = ReadText(settings.KeyPath, settings.KeyPathKey);

        // One step at a time, so that a failure names the file that caused it.
        var chain = new X509Certificate2Collection();
        try { chain.ImportFromPem(certificatePem); }
        catch (CryptographicException e) { throw NotACertificate(settings, e); }
        if (chain.Count == 0) throw NotACertificate(settings, null);

        X509Certificate2 withKey;
        try
        {
            withKey = settings.Password is null
                ? X509Certificate2.CreateFromPem(certificatePem, keyPem)
                : X509Certificate2.CreateFromEncryptedPem(certificatePem, keyPem, settings.Password);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException) // ArgumentException: the key of another certificate
        {
            throw new InvalidConfigurationException(
                $"{settings.KeyPathKey}: '{settings.KeyPath}' holds no private key of the certificate in '{settings.Path}'" +
                $"{(settings.Password is null ? "" : $" (or {settings.PasswordKey} is wrong)")}: {e.Message}");
        }
        using (withKey)
        {
            // Ephemeral keys are not usable by OpenSSL-backed SslStream on every platform; a PKCS#12 round trip is.
            var leaf = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
            var intermediates = new X509Certificate2Collection();
            foreach (var certificate in chain)
                if (certificate.Thumbprint != leaf.Thumbprint) intermediates.Add(certificate);
                else certificate.Dispose();
            return (leaf, intermediates);
        }
    }

    private static InvalidConfigurationException NotACertificate(CertificateSettings settings, Exception? cause) => new(
        $"{settings.PathKey}: '{settings.Path}' holds no PEM certificate (-----BEGIN CERTIFICATE-----)" +
        (cause is null ? "" : ": " + cause.Message));

    internal static string ReadText(string path, string key) => Read(path, key, File.ReadAllText);

    private static T Read<T>(string path, string key, Func<string, T> read)
    {
        try { return read(path); }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new InvalidConfigurationException($"{key}: '{path}' does not exist");
        }
        catch (UnauthorizedAccessException)
        {
            throw new InvalidConfigurationException(
                $"{key}: cannot read '{path}': permission denied to this process ({ProcessUser})");
        }
        catch (IOException e)
        {
            throw new InvalidConfigurationException($"{key}: cannot read '{path}': {e.Message}");
        }
    }

    /// <summary>Who this process runs as, for messages about files it may not read: "uid 10001 (actorwss)".</summary>
    internal static string ProcessUser
    {
        get
        {
            string? uid = null;
            try
            {
                uid = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal))
                    ?.Split('\t', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(1);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
            var name = Environment.UserName;
            return (uid, name.Length > 0) switch
            {
                (not null, true) => $"uid {uid} ({name})",
                (not null, false) => $"uid {uid}",
                _ => $"user '{name}'",
            };
        }
    }

    /// <summary>The SHA-256 fingerprint in the usual colon-separated hex form.</summary>
    public static string Sha256Fingerprint(X509Certificate2 certificate) =>
        string.Join(':', certificate.GetCertHash(HashAlgorithmName.SHA256).Select(b => b.ToString("X2")));
}

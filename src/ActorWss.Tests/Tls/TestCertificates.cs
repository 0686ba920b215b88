using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ActorWss.Tests.Tls;

/// <summary>Server certificates made by the test (self-signed, ECDSA P-256), and the files a server loads them from.</summary>
internal static class TestCertificates
{
    public static X509Certificate2 Create(string subject, string[] dnsNames, DateTimeOffset? notAfter = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        foreach (var name in dnsNames) names.AddDnsName(name);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false)); // serverAuth
        var now = DateTimeOffset.UtcNow;
        using var created = request.CreateSelfSigned(now.AddMinutes(-5), notAfter ?? now.AddDays(30));
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>Writes the certificate and its key as PEM (<paramref name="certificatePath"/>, <paramref name="keyPath"/>).</summary>
    public static void WritePem(X509Certificate2 certificate, string certificatePath, string keyPath)
    {
        using var key = certificate.GetECDsaPrivateKey()!;
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
    }

    /// <summary>Replaces <paramref name="path"/> in one step (a rename), as deployment tools do.</summary>
    public static void ReplaceAtomically(string path, byte[] content)
    {
        var temporary = path + ".new";
        File.WriteAllBytes(temporary, content);
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>
    /// A Kubernetes secret volume: <c>tls.crt</c> and <c>tls.key</c> are symlinks into <c>..data</c>, itself a symlink to
    /// a timestamped directory. <see cref="Swap"/> publishes new content the way the kubelet does.
    /// </summary>
    public sealed class SecretVolume(string folder)
    {
        [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
        private static extern int rename(string oldPath, string newPath);

        private int _version;

        public string CertificatePath => Path.Combine(folder, "tls.crt");
        public string KeyPath => Path.Combine(folder, "tls.key");

        public static SecretVolume Create(string folder, X509Certificate2 certificate)
        {
            var volume = new SecretVolume(folder);
            volume.Swap(certificate);
            File.CreateSymbolicLink(volume.CertificatePath, Path.Combine("..data", "tls.crt"));
            File.CreateSymbolicLink(volume.KeyPath, Path.Combine("..data", "tls.key"));
            return volume;
        }

        /// <summary>A new timestamped directory, a ..data_tmp link to it, renamed over ..data (atomic), the old directory removed.</summary>
        public void Swap(X509Certificate2 certificate)
        {
            var previous = _version == 0 ? null : Path.Combine(folder, $"..v{_version}");
            var next = Path.Combine(folder, $"..v{++_version}");
            Directory.CreateDirectory(next);
            WritePem(certificate, Path.Combine(next, "tls.crt"), Path.Combine(next, "tls.key"));
            var temporary = Path.Combine(folder, "..data_tmp");
            File.CreateSymbolicLink(temporary, Path.GetFileName(next));
            // rename(2) replaces the link in one step; File.Move would follow it to the directory and refuse.
            if (rename(temporary, Path.Combine(folder, "..data")) != 0)
                throw new IOException($"rename failed: errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()}");
            if (previous is not null) Directory.Delete(previous, recursive: true);
        }
    }
}

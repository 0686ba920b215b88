using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ActorWss.Configuration;
using ActorWss.Tls;
using Xunit.Abstractions;

namespace ActorWss.Tests.Reliability;

/// <summary>
/// Certificate files the server cannot serve are configuration errors naming the key to fix (and so exit 2 before
/// anything starts); a development key only its owner can read falls back to a certificate in memory; a
/// development key is always written readable by its owner only.
/// </summary>
public sealed class CertificateFileTests(ITestOutputHelper output)
    : Akka.TestKit.Xunit2.TestKit(SettingsParser.Reference, null, output)
{
    private readonly string _folder = Directory.CreateTempSubdirectory("actorwss-certfiles-").FullName;

    private static TlsSettings Tls(CertificateSettings certificate, bool devCertificate) => new(
        TlsMode.Inline, "actorwss.tls.offload-dispatcher", 16384, 65536, certificate, devCertificate,
        TimeSpan.FromSeconds(10), ClientCertificateMode.None, null);

    private CertificateSettings Files(string cert = "cert.pem", string key = "key.pem") =>
        new(Path.Combine(_folder, cert), Path.Combine(_folder, key), null);

    /// <summary>A development certificate and key written where <paramref name="files"/> say.</summary>
    private static void WriteDevFiles(CertificateSettings files) => Assert.True(DevCertificate.EnsureFiles(files));

    private static void WriteOtherCertificate(CertificateSettings files)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = new CertificateRequest("CN=example.org", key, HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        File.WriteAllText(files.Path, certificate.ExportCertificatePem());
        File.WriteAllText(files.KeyPath!, key.ExportPkcs8PrivateKeyPem());
    }

    /// <summary>
    /// The tests run as root, which reads any file whatever its mode: a directory where the key should be is read
    /// with the same UnauthorizedAccessException an unreadable file gives another user.
    /// </summary>
    private static void MakeKeyUnreadable(CertificateSettings files)
    {
        File.Delete(files.KeyPath!);
        Directory.CreateDirectory(files.KeyPath!);
    }

    private InvalidConfigurationException LoadFails(CertificateSettings files) =>
        Assert.Throws<InvalidConfigurationException>(() => CertificateLoader.Load(files));

    [Fact]
    public void A_certificate_file_that_is_not_pem_fails_naming_the_path_key()
    {
        var files = Files();
        WriteDevFiles(files);
        File.WriteAllText(files.Path, "garbage\n");

        var error = LoadFails(files);

        Assert.StartsWith("actorwss.tls.certificate.path:", error.Message);
        Assert.Contains(files.Path, error.Message);
    }

    [Fact]
    public void A_missing_key_file_fails_naming_the_key_path_key()
    {
        var files = Files();
        WriteDevFiles(files);
        File.Delete(files.KeyPath!);

        var error = LoadFails(files);

        Assert.StartsWith("actorwss.tls.certificate.key-path:", error.Message);
        Assert.Contains("does not exist", error.Message);
    }

    [Fact]
    public void A_key_file_that_is_not_a_key_fails_naming_the_key_path_key()
    {
        var files = Files();
        WriteDevFiles(files);
        File.WriteAllText(files.KeyPath!, "garbage\n");

        Assert.StartsWith("actorwss.tls.certificate.key-path:", LoadFails(files).Message);
    }

    [Fact]
    public void The_key_of_another_certificate_fails_naming_the_key_path_key()
    {
        var files = Files();
        var other = Files("other-cert.pem", "other-key.pem");
        WriteDevFiles(files);
        WriteOtherCertificate(other);

        var error = LoadFails(files with { KeyPath = other.KeyPath });

        Assert.StartsWith("actorwss.tls.certificate.key-path:", error.Message);
    }

    [Fact]
    public void An_unreadable_key_fails_naming_the_key_path_key()
    {
        var files = Files();
        WriteDevFiles(files);
        MakeKeyUnreadable(files);

        var error = LoadFails(files);

        Assert.StartsWith("actorwss.tls.certificate.key-path:", error.Message);
        Assert.Contains("cannot read", error.Message);
    }

    [Fact]
    public void A_pfx_with_the_wrong_password_fails_naming_the_path_and_password_keys()
    {
        using var original = DevCertificate.Create();
        var pfx = Path.Combine(_folder, "server.pfx");
        File.WriteAllBytes(pfx, original.Export(X509ContentType.Pkcs12, "s3cret"));

        var error = LoadFails(new CertificateSettings(pfx, null, "wrong"));

        Assert.StartsWith("actorwss.tls.certificate.path:", error.Message);
        Assert.Contains("actorwss.tls.certificate.password", error.Message);
    }

    [Fact]
    public void A_listener_override_is_named_by_the_key_that_set_the_file()
    {
        var settings = SettingsParser.Parse(ConfigLoader.ParseOverrides([
            "actorwss.listeners.a.tls={ certificate.path = \"/nowhere/a.pem\" }",
            "actorwss.listeners.b.tls={ mode = offload }"]));
        var a = settings.Listeners.Single(l => l.Name == "a").Tls!.Certificate;
        var b = settings.Listeners.Single(l => l.Name == "b").Tls!.Certificate;

        Assert.Equal(("actorwss.listeners.a.tls.certificate.path", "actorwss.tls.certificate.key-path"), (a.PathKey, a.KeyPathKey));
        Assert.Equal(("actorwss.tls.certificate.path", "actorwss.tls.certificate.key-path"), (b.PathKey, b.KeyPathKey));
        Assert.StartsWith("actorwss.listeners.a.tls.certificate.path:", LoadFails(a).Message);
    }

    // ---- The checks before the start ----

    [Fact]
    public void Verify_reports_a_missing_certificate_as_the_start_would()
    {
        var files = Files("absent.pem", "absent-key.pem");

        var error = Assert.Throws<InvalidConfigurationException>(() => CertificateLoader.Verify(Tls(files, devCertificate: false)));

        Assert.StartsWith("actorwss.tls.certificate.path:", error.Message);
    }

    [Fact]
    public void Verify_accepts_a_missing_certificate_the_start_will_generate()
    {
        CertificateLoader.Verify(Tls(Files("absent.pem", "absent-key.pem"), devCertificate: true));
    }

    [Fact]
    public void Verify_reports_a_garbage_certificate()
    {
        var files = Files();
        WriteDevFiles(files);
        File.WriteAllText(files.Path, "garbage\n");

        var error = Assert.Throws<InvalidConfigurationException>(() => CertificateLoader.Verify(Tls(files, devCertificate: true)));

        Assert.StartsWith("actorwss.tls.certificate.path:", error.Message);
    }

    // ---- Development keys ----

    [Fact]
    public void An_unreadable_development_key_with_dev_certificate_on_is_served_from_memory_instead()
    {
        var files = Files();
        WriteDevFiles(files);
        using var onDisk = X509Certificate2.CreateFromPem(File.ReadAllText(files.Path));
        MakeKeyUnreadable(files);

        CertificateLoader.Verify(Tls(files, devCertificate: true));
        var context = TlsServerContext.Create(Tls(files, devCertificate: true), Sys, "test");

        Assert.True(context.Certificate.HasPrivateKey);
        Assert.NotEqual(onDisk.Thumbprint, context.Certificate.Thumbprint);
        Assert.Contains("localhost", context.Certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateDnsNames());
    }

    [Fact]
    public void An_unreadable_development_key_with_dev_certificate_off_fails_naming_the_key_path_key()
    {
        var files = Files();
        WriteDevFiles(files);
        MakeKeyUnreadable(files);

        var error = Assert.Throws<InvalidConfigurationException>(() => CertificateLoader.Verify(Tls(files, devCertificate: false)));

        Assert.StartsWith("actorwss.tls.certificate.key-path:", error.Message);
    }

    [Fact]
    public void An_unreadable_key_of_a_real_certificate_is_an_error_even_with_dev_certificate_on()
    {
        var files = Files();
        WriteOtherCertificate(files);
        MakeKeyUnreadable(files);

        var error = Assert.Throws<InvalidConfigurationException>(() => CertificateLoader.Verify(Tls(files, devCertificate: true)));

        Assert.StartsWith("actorwss.tls.certificate.key-path:", error.Message);
    }

    [Fact]
    public void A_new_development_key_written_over_a_stale_world_readable_one_is_readable_by_its_owner_only()
    {
        var files = Files();
        File.WriteAllText(files.KeyPath!, "stale\n");
        File.SetUnixFileMode(files.KeyPath!, (UnixFileMode)0b110_100_100); // 0644

        Assert.True(DevCertificate.EnsureFiles(files));

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(files.KeyPath!));
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", File.ReadAllText(files.KeyPath!));
        CertificateLoader.Load(files).Leaf.Dispose();
    }

    protected override void AfterAll()
    {
        base.AfterAll();
        Directory.Delete(_folder, recursive: true);
    }
}

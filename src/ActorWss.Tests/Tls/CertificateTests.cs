using System.Security.Cryptography.X509Certificates;
using ActorWss.Configuration;
using ActorWss.Tests.Support;
using ActorWss.Tls;
using Xunit.Abstractions;

namespace ActorWss.Tests.Tls;

/// <summary>Where wss:// certificates come from: generated for development, PEM, PFX, or the project's openssl script.</summary>
public sealed class CertificateTests(ITestOutputHelper output)
    : Akka.TestKit.Xunit2.TestKit(SettingsParser.Reference, null, output)
{
    private readonly string _folder = Directory.CreateTempSubdirectory("actorwss-certs-").FullName;

    private static TlsSettings Settings(CertificateSettings certificate, bool devCertificate) => new(
        TlsMode.Inline, "actorwss.tls.offload-dispatcher", 16384, 65536, certificate, devCertificate,
        TimeSpan.FromSeconds(10), ClientCertificateMode.None, null);

    [Fact]
    public void A_missing_development_certificate_is_generated_for_localhost_with_a_private_key_file()
    {
        var files = new CertificateSettings(Path.Combine(_folder, "sub", "cert.pem"), Path.Combine(_folder, "sub", "key.pem"), null);

        var context = TlsServerContext.Create(Settings(files, devCertificate: true), Sys, "test");

        Assert.True(File.Exists(files.Path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(files.KeyPath!));
        var names = context.Certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Contains("localhost", names.EnumerateDnsNames());
        Assert.Contains(System.Net.IPAddress.Loopback, names.EnumerateIPAddresses());
        Assert.Contains(System.Net.IPAddress.IPv6Loopback, names.EnumerateIPAddresses());
        Assert.True(context.Certificate.HasPrivateKey);
    }

    [Fact]
    public void An_existing_certificate_is_reused_not_regenerated()
    {
        var files = new CertificateSettings(Path.Combine(_folder, "cert.pem"), Path.Combine(_folder, "key.pem"), null);
        var first = TlsServerContext.Create(Settings(files, devCertificate: true), Sys, "test").Certificate.Thumbprint;

        var second = TlsServerContext.Create(Settings(files, devCertificate: true), Sys, "test").Certificate.Thumbprint;

        Assert.Equal(first, second);
    }

    [Fact]
    public void A_missing_certificate_without_dev_certificate_fails_naming_the_key()
    {
        var files = new CertificateSettings(Path.Combine(_folder, "absent.pem"), Path.Combine(_folder, "absent-key.pem"), null);

        var error = Assert.Throws<InvalidConfigurationException>(() => TlsServerContext.Create(Settings(files, devCertificate: false), Sys, "test"));

        Assert.StartsWith("actorwss.tls.certificate.path:", error.Message);
        Assert.Contains("dev-certificate", error.Message);
    }

    [Fact]
    public void An_unwritable_certificate_folder_falls_back_to_a_certificate_in_memory()
    {
        var files = new CertificateSettings("/proc/actorwss-no-such-dir/cert.pem", "/proc/actorwss-no-such-dir/key.pem", null);

        var context = TlsServerContext.Create(Settings(files, devCertificate: true), Sys, "test");

        Assert.True(context.Certificate.HasPrivateKey);
        Assert.False(File.Exists(files.Path));
    }

    [Fact]
    public void A_password_protected_pfx_loads_with_its_key()
    {
        using var original = DevCertificate.Create();
        var pfx = Path.Combine(_folder, "server.pfx");
        File.WriteAllBytes(pfx, original.Export(X509ContentType.Pkcs12, "s3cret"));

        var (leaf, _) = CertificateLoader.Load(new CertificateSettings(pfx, null, "s3cret"));

        Assert.Equal(original.Thumbprint, leaf.Thumbprint);
        Assert.True(leaf.HasPrivateKey);
    }

    [Fact]
    public void A_pfx_with_the_wrong_password_fails_with_a_message_naming_the_file()
    {
        using var original = DevCertificate.Create();
        var pfx = Path.Combine(_folder, "server.pfx");
        File.WriteAllBytes(pfx, original.Export(X509ContentType.Pkcs12, "s3cret"));

        var error = Assert.Throws<InvalidConfigurationException>(() => CertificateLoader.Load(new CertificateSettings(pfx, null, "wrong")));

        Assert.Contains(pfx, error.Message);
    }

    [SkippableFact]
    public async Task The_openssl_script_makes_a_certificate_the_server_loads()
    {
        var missing = await Prerequisites.EnsureAsync(() => Task.FromResult(File.Exists("/usr/bin/openssl")), "openssl");
        Skip.If(missing is not null, missing);
        var script = Path.Combine(ServerProcess.RepositoryRoot, "certs", "generate-dev-cert.sh");

        Assert.Equal(0, await Prerequisites.RunAsync("/bin/bash", $"{script} {_folder}"));

        var (leaf, _) = CertificateLoader.Load(new CertificateSettings(Path.Combine(_folder, "dev-cert.pem"), Path.Combine(_folder, "dev-key.pem"), null));
        Assert.True(leaf.HasPrivateKey);
        Assert.Contains("localhost", leaf.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateDnsNames());
    }

    protected override void AfterAll()
    {
        base.AfterAll();
        Directory.Delete(_folder, recursive: true);
    }
}

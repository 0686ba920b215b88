using System.Security.Cryptography.X509Certificates;
using ActorWss.Configuration;
using ActorWss.Tls;
using Akka.Event;
using Xunit.Abstractions;

namespace ActorWss.Tests.Tls;

/// <summary>
/// Certificates follow their files: the reload, driven here by explicit checks (the reloader's own checks would find
/// the same changes, later), so that every count is exact.
/// </summary>
public sealed class CertificateReloadTests(ITestOutputHelper output)
    : Akka.TestKit.Xunit2.TestKit(SettingsParser.Reference, null, output)
{
    private readonly string _folder = Directory.CreateTempSubdirectory("actorwss-reload-").FullName;

    private sealed class Observer : ITlsCertificateObserver
    {
        public IReadOnlyList<CertificateExpiry> Served { get; private set; } = [];
        public int Loaded, Failed;

        public void OnCertificates(IReadOnlyList<CertificateExpiry> served) => Served = served;

        public void OnReload(bool loaded)
        {
            if (loaded) Interlocked.Increment(ref Loaded);
            else Interlocked.Increment(ref Failed);
        }
    }

    /// <summary>A context that follows its files; its own interval check is an hour away.</summary>
    private TlsServerContext Start(CertificateSettings files, Observer observer, IReadOnlyList<SniCertificate>? sni = null) =>
        TlsServerContext.Create(new TlsSettings(TlsMode.Inline, "actorwss.tls.offload-dispatcher", 16384, 65536, files,
            DevCertificate: false, TimeSpan.FromSeconds(10), ClientCertificateMode.None, null, sni,
            new CertificateReload(TimeSpan.FromHours(1))), Sys, "test", observer);

    private CertificateSettings Pfx(string name, X509Certificate2 certificate)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pkcs12));
        return new CertificateSettings(path, null, null);
    }

    [Fact]
    public void A_replaced_certificate_file_is_served_from_then_on()
    {
        using var first = TestCertificates.Create("CN=first", ["localhost"]);
        using var second = TestCertificates.Create("CN=second", ["localhost"]);
        var observer = new Observer();
        var files = Pfx("server.pfx", first);
        using var context = Start(files, observer);
        Assert.Equal(first.Thumbprint, context.Certificate.Thumbprint);

        TestCertificates.ReplaceAtomically(files.Path, second.Export(X509ContentType.Pkcs12));
        context.CheckCertificateFiles();

        Assert.Equal(second.Thumbprint, context.Certificate.Thumbprint);
        Assert.Equal((1, 0), (observer.Loaded, observer.Failed));
        Assert.Equal("CN=second", Assert.Single(observer.Served).Subject);
    }

    [Fact]
    public void A_file_that_does_not_load_keeps_the_certificate_in_service_and_is_reported_once()
    {
        using var first = TestCertificates.Create("CN=first", ["localhost"]);
        using var second = TestCertificates.Create("CN=second", ["localhost"]);
        var observer = new Observer();
        var files = Pfx("server.pfx", first);
        using var context = Start(files, observer);
        var warnings = CreateTestProbe();
        Sys.EventStream.Subscribe(warnings.Ref, typeof(Warning));

        TestCertificates.ReplaceAtomically(files.Path, "not a certificate"u8.ToArray());
        for (int i = 0; i < 3; i++) context.CheckCertificateFiles();

        Assert.Equal(first.Thumbprint, context.Certificate.Thumbprint);
        Assert.Equal((0, 1), (observer.Loaded, observer.Failed));
        var logged = new List<string>();
        while (warnings.HasMessages) logged.Add(warnings.ReceiveOne(TimeSpan.Zero)!.ToString()!);
        Assert.Single(logged, line => line.Contains("do not load"));

        TestCertificates.ReplaceAtomically(files.Path, second.Export(X509ContentType.Pkcs12));
        context.CheckCertificateFiles();

        Assert.Equal(second.Thumbprint, context.Certificate.Thumbprint);
        Assert.Equal((1, 1), (observer.Loaded, observer.Failed));
    }

    [Fact]
    public void A_kubernetes_secret_swapped_under_its_data_symlink_is_served()
    {
        using var first = TestCertificates.Create("CN=first", ["localhost"]);
        using var second = TestCertificates.Create("CN=second", ["localhost"]);
        var volume = TestCertificates.SecretVolume.Create(_folder, first);
        var observer = new Observer();
        using var context = Start(new CertificateSettings(volume.CertificatePath, volume.KeyPath, null), observer);
        Assert.Equal(first.Thumbprint, context.Certificate.Thumbprint);

        volume.Swap(second);
        context.CheckCertificateFiles();

        Assert.Equal(second.Thumbprint, context.Certificate.Thumbprint);
        Assert.Equal((1, 0), (observer.Loaded, observer.Failed)); // certificate and key changed as one
    }

    [Fact]
    public void An_sni_certificate_is_reloaded_on_its_own()
    {
        using var fallback = TestCertificates.Create("CN=default", ["localhost"]);
        using var first = TestCertificates.Create("CN=a first", ["a.example.test"]);
        using var second = TestCertificates.Create("CN=a second", ["a.example.test"]);
        var observer = new Observer();
        var sni = Pfx("a.pfx", first);
        using var context = Start(Pfx("default.pfx", fallback), observer, [new SniCertificate("a.example.test", sni)]);

        TestCertificates.ReplaceAtomically(sni.Path, second.Export(X509ContentType.Pkcs12));
        context.CheckCertificateFiles();

        Assert.Equal(second.Thumbprint, context.Certificates.For("a.example.test").Leaf.Thumbprint);
        Assert.Equal(fallback.Thumbprint, context.Certificate.Thumbprint);
        Assert.Equal(["CN=a second", "CN=default"], observer.Served.Select(c => c.Subject));
    }

    [Fact]
    public async Task A_change_is_noticed_without_being_asked()
    {
        using var first = TestCertificates.Create("CN=first", ["localhost"]);
        using var second = TestCertificates.Create("CN=second", ["localhost"]);
        var files = Pfx("server.pfx", first);
        using var context = Start(files, new Observer());

        TestCertificates.ReplaceAtomically(files.Path, second.Export(X509ContentType.Pkcs12));

        await AwaitAssertAsync(() => Assert.Equal(second.Thumbprint, context.Certificate.Thumbprint), TimeSpan.FromSeconds(15));
    }

    protected override void AfterAll()
    {
        base.AfterAll();
        Directory.Delete(_folder, recursive: true);
    }
}

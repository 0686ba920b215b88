using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using ActorWss.Metrics;
using ActorWss.Server;
using ActorWss.Tests.Support;
using Xunit.Abstractions;

namespace ActorWss.Tests.Tls;

/// <summary>
/// TLS operations on a real server over loopback, with certificates made by the test: certificates by server name
/// (SNI), certificates that follow their files, and the expiry gauge.
/// </summary>
public sealed class CertificateScenarios(ITestOutputHelper output) : ServerScenario(output, ServerMode.WssInline)
{
    private readonly string _folder = Directory.CreateTempSubdirectory("actorwss-certificate-scenarios-").FullName;

    private string WritePfx(string name, X509Certificate2 certificate)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pkcs12));
        return path;
    }

    private string[] DefaultCertificate(string path) =>
        ["actorwss.tls.dev-certificate=off", "actorwss.tls.certificate.path=" + path, "actorwss.tls.certificate.key-path="];

    /// <summary>A TLS handshake asking for <paramref name="serverName"/>; the certificate the server presented.</summary>
    private static async Task<X509Certificate2> PresentedAsync(ActorWssServer server, string serverName)
    {
        var url = UrlOf(server);
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(url.Host, url.Port);
        await using var tls = new SslStream(new NetworkStream(socket), leaveInnerStreamOpen: false, (_, _, _, _) => true);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = serverName }).WaitAsync(Timeout);
        return X509CertificateLoader.LoadCertificate(tls.RemoteCertificate!.GetRawCertData());
    }

    [Fact]
    public async Task Clients_get_the_certificate_of_the_name_they_ask_for_and_any_other_name_gets_the_default()
    {
        using var fallback = TestCertificates.Create("CN=default", ["localhost"]);
        using var exact = TestCertificates.Create("CN=a.example.test", ["a.example.test"]);
        using var wildcard = TestCertificates.Create("CN=*.wild.example.test", ["*.wild.example.test"]);
        TestCertificates.WritePem(exact, Path.Combine(_folder, "a.pem"), Path.Combine(_folder, "a-key.pem"));
        var server = await StartServerAsync([.. DefaultCertificate(WritePfx("default.pfx", fallback)),
            "actorwss.tls.sni={ " +
            $"\"a.example.test\" {{ path = \"{Path.Combine(_folder, "a.pem")}\", key-path = \"{Path.Combine(_folder, "a-key.pem")}\" }}\n" +
            $"\"*.wild.example.test\" {{ path = \"{WritePfx("wild.pfx", wildcard)}\" }} }}"]);

        Assert.Equal(exact.Thumbprint, (await PresentedAsync(server, "a.example.test")).Thumbprint);
        Assert.Equal(exact.Thumbprint, (await PresentedAsync(server, "A.Example.Test")).Thumbprint);
        Assert.Equal(wildcard.Thumbprint, (await PresentedAsync(server, "x.wild.example.test")).Thumbprint);
        Assert.Equal(fallback.Thumbprint, (await PresentedAsync(server, "y.x.wild.example.test")).Thumbprint); // one label only
        Assert.Equal(fallback.Thumbprint, (await PresentedAsync(server, "unknown.example.test")).Thumbprint);
        Assert.Equal(fallback.Thumbprint, (await PresentedAsync(server, "127.0.0.1")).Thumbprint); // an address: no SNI at all
        await AssertServerStillEchoesAsync(server);
    }

    [Fact]
    public async Task After_the_certificate_file_changes_new_handshakes_get_the_new_certificate_and_open_sessions_continue()
    {
        using var first = TestCertificates.Create("CN=first", ["localhost"]);
        using var second = TestCertificates.Create("CN=second", ["localhost"], DateTimeOffset.UtcNow.AddDays(90));
        var path = WritePfx("server.pfx", first);
        var server = await StartServerAsync(DefaultCertificate(path));
        await using var open = await RawWebSocketClient.OpenAsync(UrlOf(server));
        Assert.Equal(first.Thumbprint, (await PresentedAsync(server, "localhost")).Thumbprint);

        TestCertificates.ReplaceAtomically(path, second.Export(X509ContentType.Pkcs12));

        await AwaitAssertAsync(async () => Assert.Equal(second.Thumbprint, (await PresentedAsync(server, "localhost")).Thumbprint), Timeout);
        await open.SendTextAsync("still here");
        Assert.Equal("still here", Encoding.UTF8.GetString((await open.ReadFrameAsync()).Payload));
        var metrics = server.Metrics[Listener];
        Assert.Equal(1, metrics.TlsCertificateReloads["ok"]);
        var served = Assert.Single(metrics.TlsCertificates);
        Assert.Equal(("CN=second", new DateTimeOffset(second.NotAfter.ToUniversalTime()).ToUnixTimeSeconds()),
            (served.Subject, served.NotAfter.ToUnixTimeSeconds()));
    }

    [Fact]
    public async Task The_metrics_show_when_each_certificate_served_expires()
    {
        using var fallback = TestCertificates.Create("CN=default", ["localhost"], DateTimeOffset.UtcNow.AddDays(10));
        using var named = TestCertificates.Create("CN=a.example.test, O=Example", ["a.example.test"], DateTimeOffset.UtcNow.AddDays(20));
        var server = await StartServerAsync([.. DefaultCertificate(WritePfx("default.pfx", fallback)),
            $"actorwss.tls.sni={{ \"a.example.test\" {{ path = \"{WritePfx("a.pfx", named)}\" }} }}"]);

        var text = PrometheusText.Render(server.Metrics);

        Assert.Contains("# TYPE actorwss_tls_certificate_expiry_seconds gauge\n", text);
        Assert.Contains($"actorwss_tls_certificate_expiry_seconds{{listener=\"wss\",subject=\"CN=default\"}} " +
            $"{new DateTimeOffset(fallback.NotAfter.ToUniversalTime()).ToUnixTimeSeconds()}\n", text);
        Assert.Contains($"actorwss_tls_certificate_expiry_seconds{{listener=\"wss\",subject=\"CN=a.example.test, O=Example\"}} " +
            $"{new DateTimeOffset(named.NotAfter.ToUniversalTime()).ToUnixTimeSeconds()}\n", text);
    }

    protected override void AfterAll()
    {
        base.AfterAll();
        Directory.Delete(_folder, recursive: true);
    }
}

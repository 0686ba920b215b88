using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using ActorWss.Tests.Support;
using ActorWss.Server;
using ActorWss.WebSocket;
using Xunit.Abstractions;

namespace ActorWss.Tests.Scenarios;

/// <summary>
/// wss:// against bad TLS input and with client certificates. Every bad connection is closed, counted once, and
/// the server keeps serving.
/// </summary>
public abstract class TlsScenarios(ITestOutputHelper output, ServerMode mode) : ServerScenario(output, mode)
{
    /// <summary>Failed TLS handshakes plus broken sessions, as the server's metrics count them.</summary>
    private long TlsFailures(ActorWssServer server)
    {
        var metrics = server.Metrics[Listener];
        return metrics.TlsHandshakes.Snapshot().Where(kv => kv.Key != "ok").Sum(kv => kv.Value) + metrics.TlsSessionErrors;
    }

    private async Task AssertDroppedAndCountedAsync(Func<Uri, Task<Socket>> misbehave, params string[] overrides)
    {
        var server = await StartServerAsync(overrides);
        var url = UrlOf(server);

        using var socket = await misbehave(url);
        Assert.True(await ServerClosesAsync(socket), "the server should close the connection");

        await AwaitAssertAsync(() => Assert.Equal(1, TlsFailures(server)), TimeSpan.FromSeconds(10));
        await AssertServerStillEchoesAsync(server);
        Assert.Equal(1, TlsFailures(server)); // the fresh connection added no failure
        Assert.Equal(1, server.Metrics[Listener].TlsHandshakes["ok"]);
        await AwaitAssertAsync(async () => Assert.Equal(0, await server.ConnectionCountAsync()), Timeout);
    }

    private static async Task<Socket> ConnectTcpAsync(Uri url)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(url.Host, url.Port);
        return socket;
    }

    /// <summary>Reads (and discards) until the server closes or resets; false on timeout.</summary>
    private static async Task<bool> ServerClosesAsync(Socket socket)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var buffer = new byte[4096];
        try
        {
            while (await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token) > 0) { }
            return true;
        }
        catch (SocketException) { return true; }
        catch (OperationCanceledException) { return false; }
    }

    [Fact]
    public Task Garbage_bytes_are_dropped() => AssertDroppedAndCountedAsync(async url =>
    {
        var socket = await ConnectTcpAsync(url);
        var garbage = new byte[512];
        new Random(3).NextBytes(garbage);
        await socket.SendAsync(garbage);
        return socket;
    });

    [Fact]
    public Task Plain_http_on_the_tls_port_is_dropped() => AssertDroppedAndCountedAsync(async url =>
    {
        var socket = await ConnectTcpAsync(url);
        await socket.SendAsync(Encoding.ASCII.GetBytes(RawWebSocketClient.UpgradeRequest(url)));
        return socket;
    });

    [Fact]
    public Task A_truncated_client_hello_followed_by_close_is_dropped() => AssertDroppedAndCountedAsync(async url =>
    {
        var hello = await TlsProbes.ClientHelloAsync();
        var socket = await ConnectTcpAsync(url);
        await socket.SendAsync(hello.AsMemory(0, hello.Length / 2));
        socket.Shutdown(SocketShutdown.Send);
        return socket;
    });

    [Fact]
    public Task A_client_that_stalls_mid_handshake_is_dropped_at_the_tls_handshake_timeout() => AssertDroppedAndCountedAsync(async url =>
    {
        var hello = await TlsProbes.ClientHelloAsync();
        var socket = await ConnectTcpAsync(url);
        await socket.SendAsync(hello.AsMemory(0, hello.Length / 2)); // and then nothing
        return socket;
    }, "actorwss.tls.handshake-timeout=500ms", "actorwss.http.handshake-timeout=30s");

    [Fact]
    public async Task A_reset_in_the_middle_of_a_record_drops_only_that_connection()
    {
        var server = await StartServerAsync();
        await using var bystander = await RawWebSocketClient.OpenAsync(UrlOf(server));
        var victim = await RawWebSocketClient.OpenAsync(UrlOf(server));

        // A record header announcing 1000 bytes, 10 of them, then RST.
        await victim.SendRawAsync([0x17, 0x03, 0x03, 0x03, 0xE8, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        victim.Reset();

        await AwaitAssertAsync(async () => Assert.Equal(1, await server.ConnectionCountAsync()), Timeout);
        await bystander.SendTextAsync("unaffected");
        Assert.Equal("unaffected", Encoding.UTF8.GetString((await bystander.ReadFrameAsync()).Payload));
        await AssertServerStillEchoesAsync(server);
    }

    [Fact]
    public async Task A_record_with_a_bad_authentication_tag_breaks_only_that_session_and_is_counted()
    {
        var server = await StartServerAsync();
        await using var victim = await RawWebSocketClient.OpenAsync(UrlOf(server));

        // An application-data record of random bytes: it cannot authenticate (RFC 8446 §5.2: bad_record_mac).
        var record = new byte[5 + 64];
        new Random(5).NextBytes(record);
        (record[0], record[1], record[2], record[3], record[4]) = (0x17, 0x03, 0x03, 0x00, 64);
        await victim.SendRawAsync(record);

        Assert.True(await victim.WaitForServerCloseAsync());
        await AwaitAssertAsync(() => Assert.Equal(1, server.Metrics[Listener].TlsSessionErrors), TimeSpan.FromSeconds(10));
        await AssertServerStillEchoesAsync(server);
    }

    [Fact]
    public async Task With_required_client_certificates_only_clients_with_a_certificate_from_the_ca_get_in()
    {
        using var ca = ClientCertificates.CreateAuthority();
        using var trusted = ClientCertificates.Issue(ca, "CN=trusted client");
        using var stranger = ClientCertificates.Issue(ClientCertificates.CreateAuthority(), "CN=stranger");
        var caFile = Path.GetTempFileName();
        await File.WriteAllTextAsync(caFile, ca.ExportCertificatePem());
        var server = await StartServerAsync("actorwss.tls.client-certificates=required", "actorwss.tls.client-ca=" + caFile);
        var url = UrlOf(server);

        await using (var client = await RawWebSocketClient.ConnectAsync(url, trusted))
        {
            await client.SendAsync(RawWebSocketClient.UpgradeRequest(url));
            Assert.Equal(101, (await client.ReadResponseHeadAsync()).Status);
        }
        foreach (var certificate in new[] { stranger, null })
        {
            // TLS 1.3: the client may finish its side before the server refuses the certificate; the first read fails then.
            try
            {
                await using var refused = await RawWebSocketClient.ConnectAsync(url, certificate);
                await refused.SendAsync(RawWebSocketClient.UpgradeRequest(url));
                await Assert.ThrowsAnyAsync<Exception>(() => refused.ReadResponseHeadAsync());
            }
            catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException) { }
        }
        await AwaitAssertAsync(() => Assert.Equal(2, TlsFailures(server)), TimeSpan.FromSeconds(10));
    }
}

public sealed class TlsOverWssInline(ITestOutputHelper output) : TlsScenarios(output, ServerMode.WssInline);

public sealed class TlsOverWssOffload(ITestOutputHelper output) : TlsScenarios(output, ServerMode.WssOffload);

public sealed class TlsOverWssAkkaStreamsTcp(ITestOutputHelper output) : TlsScenarios(output, ServerMode.WssAkkaStreamsTcp);

/// <summary>A throwaway CA and the client certificates it issues, for mTLS tests.</summary>
public static class ClientCertificates
{
    public static X509Certificate2 CreateAuthority()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=ActorWss test CA", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
    }

    public static X509Certificate2 Issue(X509Certificate2 authority, string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false)); // clientAuth
        var serial = new byte[8];
        RandomNumberGenerator.Fill(serial);
        // Within the authority's own validity, which started (and ends) a little earlier.
        using var issued = request.Create(authority, authority.NotBefore.ToUniversalTime(), authority.NotAfter.ToUniversalTime().AddMinutes(-1), serial);
        using var withKey = issued.CopyWithPrivateKey(key);
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }
}

public sealed class TlsOverWssSocket(ITestOutputHelper output) : TlsScenarios(output, ServerMode.WssSocket);

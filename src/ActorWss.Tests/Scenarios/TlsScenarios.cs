using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using ActorWss.Tests.Support;
using ActorWss.Tls;
using ActorWss.WebSocket;
using Xunit.Abstractions;

namespace ActorWss.Tests.Scenarios;

/// <summary>
/// wss:// against bad TLS input and with client certificates. Every bad connection is closed, counted once, and
/// the server keeps serving.
/// </summary>
public abstract class TlsScenarios(ITestOutputHelper output, ServerMode mode) : ServerScenario(output, mode)
{
    /// <summary>Counts handshake outcomes and session errors, as the metrics do.</summary>
    protected sealed class Counter : ITlsObserver
    {
        public ConcurrentQueue<string> Failures { get; } = new();
        public int Established;

        public void OnStep(TlsStepKind kind, int bytes, bool offloaded) { }

        public void OnOffloadQueue(int delta) { }

        public void OnHandshake(TlsOutcome outcome)
        {
            if (outcome is TlsFailed failed) Failures.Enqueue(failed.Reason);
            else Interlocked.Increment(ref Established);
        }

        public void OnSessionError(string reason) => Failures.Enqueue("session: " + reason);
    }

    private async Task AssertDroppedAndCountedAsync(Func<Uri, Task<Socket>> misbehave, params string[] overrides)
    {
        var counter = new Counter();
        var server = await StartServerAsync(counter, overrides);
        var url = UrlOf(server);

        using var socket = await misbehave(url);
        Assert.True(await ServerClosesAsync(socket), "the server should close the connection");

        await AwaitAssertAsync(() => Assert.Single(counter.Failures), TimeSpan.FromSeconds(10));
        await AssertServerStillEchoesAsync(server);
        Assert.Single(counter.Failures); // the fresh connection added no failure
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
        var counter = new Counter();
        var server = await StartServerAsync(counter);
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
        var counter = new Counter();
        var server = await StartServerAsync(counter);
        await using var victim = await RawWebSocketClient.OpenAsync(UrlOf(server));

        // An application-data record of random bytes: it cannot authenticate (RFC 8446 §5.2: bad_record_mac).
        var record = new byte[5 + 64];
        new Random(5).NextBytes(record);
        (record[0], record[1], record[2], record[3], record[4]) = (0x17, 0x03, 0x03, 0x00, 64);
        await victim.SendRawAsync(record);

        Assert.True(await victim.WaitForServerCloseAsync());
        await AwaitAssertAsync(() => Assert.Contains(counter.Failures, f => f.StartsWith("session: ")), TimeSpan.FromSeconds(10));
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
        var counter = new Counter();
        var server = await StartServerAsync(counter, "actorwss.tls.client-certificates=required", "actorwss.tls.client-ca=" + caFile);
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
        await AwaitAssertAsync(() => Assert.Equal(2, counter.Failures.Count), TimeSpan.FromSeconds(10));
    }
}

public sealed class TlsOverWssInline(ITestOutputHelper output) : TlsScenarios(output, ServerMode.WssInline);

public sealed class TlsOverWssOffload(ITestOutputHelper output) : TlsScenarios(output, ServerMode.WssOffload);

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
        using var issued = request.Create(authority, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1), serial);
        using var withKey = issued.CopyWithPrivateKey(key);
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }
}

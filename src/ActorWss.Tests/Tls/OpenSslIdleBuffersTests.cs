using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using ActorWss.Tls;
using Xunit;

namespace ActorWss.Tests.Tls;

/// <summary>
/// SSL_MODE_RELEASE_BUFFERS on a real session (loopback, real handshake): the mode is set on the server's SSL*, the
/// buffers the handshake grew in its memory BIOs are given back, and records of every size still cross both ways
/// afterwards, each direction with its buffers released between records.
/// </summary>
public sealed class OpenSslIdleBuffersTests
{
    private const long ReleaseBuffers = 0x10;

    [Fact]
    public async Task The_mode_is_set_and_the_BIOs_emptied_on_an_established_session_and_records_of_every_size_still_cross()
    {
        Assert.True(OperatingSystem.IsLinux(), "the test machine and the containers run Linux, where .NET uses OpenSSL");
        Assert.True(OpenSslIdleBuffers.Supported, "SslStream's session handle or libssl.so.3's SSL_ctrl was not found");

        using var certificate = TestCertificates.Create("CN=localhost", ["localhost"]);
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var clientSocket = new TcpClient();
        await clientSocket.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        using var serverSocket = await listener.AcceptTcpClientAsync();
        await using var server = new SslStream(serverSocket.GetStream());
        await using var client = new SslStream(clientSocket.GetStream(), false, (_, _, _, _) => true);
        await Task.WhenAll(
            server.AuthenticateAsServerAsync(certificate),
            client.AuthenticateAsClientAsync("localhost"));

        Assert.Equal(0, OpenSslIdleBuffers.ModeOf(server)!.Value & ReleaseBuffers);
        var (readBefore, writeBefore) = OpenSslIdleBuffers.BioCapacities(server)!.Value;
        Assert.True(readBefore > 100, $"the read BIO held the ClientHello: capacity {readBefore}");
        Assert.True(writeBefore > 500, $"the write BIO held the server's certificate flight: capacity {writeBefore}");

        Assert.True(OpenSslIdleBuffers.TryEnable(server));
        Assert.Equal(ReleaseBuffers, OpenSslIdleBuffers.ModeOf(server)!.Value & ReleaseBuffers);
        Assert.Equal((0L, 0L), OpenSslIdleBuffers.BioCapacities(server));

        foreach (int size in new[] { 1, 64, 4096, 16 * 1024, 100_000 })
        {
            var sent = new byte[size];
            Random.Shared.NextBytes(sent);
            await client.WriteAsync(sent);
            var received = await ReadExactly(server, size);
            Assert.Equal(sent, received);
            await server.WriteAsync(received);
            Assert.Equal(sent, await ReadExactly(client, size));
        }
    }

    private static async Task<byte[]> ReadExactly(Stream stream, int count)
    {
        var buffer = new byte[count];
        await stream.ReadExactlyAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        return buffer;
    }
}

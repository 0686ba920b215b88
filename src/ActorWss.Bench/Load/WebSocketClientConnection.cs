using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace ActorWss.Bench.Load;

/// <summary>
/// A client WebSocket connection, opened by hand: TCP (no Nagle), TLS for wss:// (ALPN http/1.1), the RFC 6455
/// upgrade, checked. What the server sent after its 101 is kept in <see cref="Leftover"/> for the frame reader.
/// </summary>
internal sealed class WebSocketClientConnection : IAsyncDisposable
{
    private readonly Socket _socket;

    private WebSocketClientConnection(Socket socket, Stream stream, string? tls)
    {
        _socket = socket;
        Stream = stream;
        Tls = tls;
    }

    public Stream Stream { get; }

    /// <summary>"Tls13 TLS_AES_256_GCM_SHA384", or null for ws://.</summary>
    public string? Tls { get; }

    public byte[] Leftover { get; private set; } = [];

    public static async Task<WebSocketClientConnection> OpenAsync(Uri url, bool insecure, CancellationToken cancellation)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            var host = url.Host.Trim('[', ']');
            await socket.ConnectAsync(host, url.Port, cancellation);
            Stream stream = new NetworkStream(socket, ownsSocket: false);
            string? tls = null;
            if (url.Scheme == "wss")
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false, insecure ? (_, _, _, _) => true : null);
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                {
                    TargetHost = host,
                    ApplicationProtocols = [SslApplicationProtocol.Http11],
                }, cancellation);
                tls = $"{ssl.SslProtocol} {ssl.NegotiatedCipherSuite}";
                stream = ssl;
            }
            var connection = new WebSocketClientConnection(socket, stream, tls);
            await connection.UpgradeAsync(url, cancellation);
            return connection;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private async Task UpgradeAsync(Uri url, CancellationToken cancellation)
    {
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        var request = $"GET {url.PathAndQuery} HTTP/1.1\r\nHost: {url.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
                      $"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n";
        await Stream.WriteAsync(Encoding.ASCII.GetBytes(request), cancellation);
        var buffer = new byte[4096];
        int buffered = 0, end;
        while ((end = buffer.AsSpan(0, buffered).IndexOf("\r\n\r\n"u8)) < 0)
        {
            if (buffered == buffer.Length) throw new InvalidDataException("handshake answer too long");
            int n = await Stream.ReadAsync(buffer.AsMemory(buffered), cancellation);
            if (n == 0) throw new EndOfStreamException("server closed the connection during the handshake");
            buffered += n;
        }
        var head = Encoding.ASCII.GetString(buffer, 0, end);
        var expected = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));
        if (!head.StartsWith("HTTP/1.1 101", StringComparison.Ordinal) || !head.Contains(expected, StringComparison.Ordinal))
            throw new InvalidDataException("handshake refused: " + head.Split("\r\n")[0]);
        Leftover = buffer.AsSpan(end + 4, buffered - end - 4).ToArray();
    }

    /// <summary>Sends a Close (1000) and closes the socket; a server that is already gone is fine.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            byte[] close = [0x88, 0x82, 0, 0, 0, 0, 0x03, 0xE8];
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            await Stream.WriteAsync(close, cts.Token);
        }
        catch (Exception) { /* the connection may already be closed */ }
        try { _socket.Shutdown(SocketShutdown.Both); } catch (SocketException) { }
        await Stream.DisposeAsync();
        _socket.Dispose();
    }
}

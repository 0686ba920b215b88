using System.Buffers.Binary;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Net.Sockets;
using System.Text;
using ActorWss.WebSocket;

namespace ActorWss.Tests.Support;

/// <summary>A frame as the server sent it.</summary>
internal sealed record ReceivedFrame(Opcode Opcode, bool Fin, byte Rsv, bool Masked, byte[] Payload)
{
    public ushort? CloseCode => Opcode == Opcode.Close && Payload.Length >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(Payload) : null;

    public string CloseReason => Opcode == Opcode.Close && Payload.Length > 2 ? Encoding.UTF8.GetString(Payload, 2, Payload.Length - 2) : "";
}

/// <summary>An HTTP response head as the server sent it.</summary>
internal sealed record ResponseHead(int Status, string StatusLine, IReadOnlyDictionary<string, string> Headers)
{
    public string? this[string name] => Headers.TryGetValue(name, out var value) ? value : null;
}

/// <summary>
/// A WebSocket client on a raw socket (optionally TLS): it writes exactly the bytes a test gives it, and reads
/// frames and HTTP heads without interpreting them, so tests can send what real clients never would.
/// </summary>
internal sealed class RawWebSocketClient : IAsyncDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);
    public const string SampleKey = "dGhlIHNhbXBsZSBub25jZQ==";

    private readonly Socket _socket;
    private readonly Stream _stream;
    private readonly byte[] _readBuffer = new byte[64 * 1024];
    private int _readStart;
    private int _readEnd;

    private RawWebSocketClient(Socket socket, Stream stream)
    {
        _socket = socket;
        _stream = stream;
    }

    /// <summary>Connects (with TLS for wss://, offering <paramref name="clientCertificate"/> if given).</summary>
    public static async Task<RawWebSocketClient> ConnectAsync(Uri url, X509Certificate2? clientCertificate = null)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(url.Host, url.Port).WaitAsync(DefaultTimeout);
        Stream stream = new NetworkStream(socket, ownsSocket: false);
        if (url.Scheme == "wss")
        {
            var ssl = new SslStream(stream, leaveInnerStreamOpen: false, (_, _, _, _) => true);
            try
            {
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                {
                    TargetHost = "localhost",
                    ClientCertificates = clientCertificate is null ? null : [clientCertificate],
                }).WaitAsync(DefaultTimeout);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
            stream = ssl;
        }
        return new RawWebSocketClient(socket, stream);
    }

    /// <summary>Bytes straight onto the socket, under any TLS.</summary>
    public async Task SendRawAsync(byte[] bytes) => await _socket.SendAsync(bytes, SocketFlags.None).WaitAsync(DefaultTimeout);

    /// <summary>Closes with a TCP reset (RST) instead of a FIN.</summary>
    public void Reset()
    {
        _socket.LingerState = new LingerOption(true, 0);
        _socket.Close();
    }

    /// <summary>Half-closes: a TCP FIN (under any TLS, without close_notify), and the connection stays readable.</summary>
    public void ShutdownSend() => _socket.Shutdown(SocketShutdown.Send);

    /// <summary>
    /// Makes the kernel buffer little of what the server sends (set before connecting counts most; after, it still
    /// caps the window): a client that then stops reading blocks the server's sends quickly.
    /// </summary>
    public void ShrinkReceiveBuffer(int bytes = 4096) => _socket.ReceiveBufferSize = bytes;

    /// <summary>Connects and completes a valid opening handshake (asserting 101).</summary>
    public static async Task<RawWebSocketClient> OpenAsync(Uri url, string path = "/")
    {
        var client = await ConnectAsync(url);
        await client.SendAsync(UpgradeRequest(url, path));
        var head = await client.ReadResponseHeadAsync();
        Assert.Equal(101, head.Status);
        return client;
    }

    public static string UpgradeRequest(Uri url, string path = "/", string key = SampleKey, params string[] extraHeaders) =>
        $"GET {path} HTTP/1.1\r\nHost: {url.Host}:{url.Port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
        $"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n" +
        string.Concat(extraHeaders.Select(h => h + "\r\n")) + "\r\n";

    public Task SendAsync(string ascii) => SendAsync(Encoding.Latin1.GetBytes(ascii));

    public async Task SendAsync(byte[] bytes)
    {
        await _stream.WriteAsync(bytes).AsTask().WaitAsync(DefaultTimeout);
        await _stream.FlushAsync();
    }

    public Task SendFrameAsync(Opcode opcode, byte[] payload, bool fin = true, bool mask = true, byte rsv = 0) =>
        SendAsync(ClientFrames.Build(opcode, payload, fin, mask, rsv));

    public Task SendTextAsync(string text, bool fin = true) => SendFrameAsync(Opcode.Text, Encoding.UTF8.GetBytes(text), fin);

    public async Task<ResponseHead> ReadResponseHeadAsync()
    {
        var head = new List<byte>();
        while (head.Count < 4 || !(head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n'))
        {
            if (!await FillAsync(1)) throw new EndOfStreamException("connection closed inside the response head: " + Encoding.Latin1.GetString(head.ToArray()));
            head.Add(_readBuffer[_readStart++]);
        }
        var lines = Encoding.Latin1.GetString(head.ToArray()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            int colon = line.IndexOf(':');
            headers[line[..colon]] = line[(colon + 1)..].Trim();
        }
        return new ResponseHead(int.Parse(lines[0].Split(' ')[1]), lines[0], headers);
    }

    /// <summary>Reads an HTTP response with a Content-Length body.</summary>
    public async Task<(ResponseHead Head, string Body)> ReadResponseAsync()
    {
        var head = await ReadResponseHeadAsync();
        int length = int.Parse(head["Content-Length"] ?? "0");
        var body = await ReadExactlyAsync(length);
        return (head, Encoding.UTF8.GetString(body));
    }

    public async Task<ReceivedFrame> ReadFrameAsync()
    {
        var header = await ReadExactlyAsync(2);
        bool masked = (header[1] & 0x80) != 0;
        long length = header[1] & 0x7F;
        if (length == 126) length = BinaryPrimitives.ReadUInt16BigEndian(await ReadExactlyAsync(2));
        else if (length == 127) length = (long)BinaryPrimitives.ReadUInt64BigEndian(await ReadExactlyAsync(8));
        var key = masked ? await ReadExactlyAsync(4) : null;
        var payload = await ReadExactlyAsync(checked((int)length));
        if (key is not null) for (int i = 0; i < payload.Length; i++) payload[i] ^= key[i & 3];
        return new ReceivedFrame((Opcode)(header[0] & 0x0F), (header[0] & 0x80) != 0, (byte)((header[0] >> 4) & 7), masked, payload);
    }

    /// <summary>Reads frames until a Close frame, and returns it; asserts that data frames seen meanwhile are allowed.</summary>
    public async Task<ReceivedFrame> ReadCloseAsync()
    {
        while (true)
        {
            var frame = await ReadFrameAsync();
            if (frame.Opcode == Opcode.Close) return frame;
        }
    }

    /// <summary>True when the server closes the connection (EOF or reset) within the timeout, discarding bytes meanwhile.</summary>
    public async Task<bool> WaitForServerCloseAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        try
        {
            while (true)
            {
                _readStart = _readEnd = 0;
                int n = await _stream.ReadAsync(_readBuffer, cts.Token);
                if (n == 0) return true;
            }
        }
        catch (OperationCanceledException) { return false; }
        catch (IOException) { return true; }
    }

    /// <summary>Sends a Close frame back (as a client must after receiving one).</summary>
    public Task ReplyCloseAsync(ushort code = CloseStatus.Normal) => SendAsync(ClientFrames.Close(code));

    public async Task<byte[]> ReadExactlyAsync(int count)
    {
        var result = new byte[count];
        int copied = 0;
        while (copied < count)
        {
            if (!await FillAsync(1)) throw new EndOfStreamException($"connection closed after {copied} of {count} bytes");
            int n = Math.Min(count - copied, _readEnd - _readStart);
            Array.Copy(_readBuffer, _readStart, result, copied, n);
            _readStart += n;
            copied += n;
        }
        return result;
    }

    private async Task<bool> FillAsync(int atLeast)
    {
        if (_readEnd - _readStart >= atLeast) return true;
        if (_readStart == _readEnd) _readStart = _readEnd = 0;
        using var cts = new CancellationTokenSource(DefaultTimeout);
        int n = await _stream.ReadAsync(_readBuffer.AsMemory(_readEnd), cts.Token);
        if (n == 0) return false;
        _readEnd += n;
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        try { await _stream.DisposeAsync(); } catch (IOException) { }
        _socket.Dispose();
    }
}

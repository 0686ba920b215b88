using System.Buffers.Binary;
using System.Diagnostics;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using HdrHistogram;

namespace ActorWss.Bench.Load;

/// <summary>
/// One client connection running the reference method: send one binary message, wait for its echo, check it byte
/// for byte, record the round trip, repeat. The masked frame is built once; the loop allocates nothing per
/// message (pooled socket operations, fixed buffers, a histogram per connection).
/// </summary>
internal sealed class EchoConnection : IAsyncDisposable
{
    private const int MaxServerHeader = 10;

    private readonly Socket _socket;
    private readonly Stream _stream;
    private readonly byte[] _frame;
    private readonly byte[] _payload;
    private readonly byte[] _buffer;
    private int _buffered;

    private EchoConnection(Socket socket, Stream stream, int size)
    {
        _socket = socket;
        _stream = stream;
        _payload = new byte[size];
        Random.Shared.NextBytes(_payload);
        _frame = BuildMaskedFrame(_payload);
        _buffer = new byte[Math.Max(size + MaxServerHeader, 4096) + 4096];
    }

    public LongHistogram Histogram { get; } = new(TimeStamp.Minutes(1), 3);

    public long Echoes;
    public long Errors;
    public string? FirstError;

    public static async Task<EchoConnection> OpenAsync(Uri url, int size, bool insecure, CancellationToken cancellation)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(url.Host.Trim('[', ']'), url.Port, cancellation);
            Stream stream = new NetworkStream(socket, ownsSocket: false);
            if (url.Scheme == "wss")
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false,
                    insecure ? (_, _, _, _) => true : null);
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                {
                    TargetHost = url.Host.Trim('[', ']'),
                    ApplicationProtocols = [SslApplicationProtocol.Http11],
                }, cancellation);
                stream = ssl;
            }
            var connection = new EchoConnection(socket, stream, size);
            await connection.HandshakeAsync(url, cancellation);
            return connection;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Runs round trips until <paramref name="state"/> says stop; records only while it says measure.</summary>
    public async Task RunAsync(RunState state)
    {
        try
        {
            while (!state.Stopping)
            {
                long started = Stopwatch.GetTimestamp();
                await _stream.WriteAsync(_frame);
                await ReadEchoAsync();
                long elapsed = Stopwatch.GetTimestamp() - started;
                if (state.Measuring)
                {
                    Histogram.RecordValue(elapsed);
                    Echoes++;
                }
            }
        }
        catch (Exception e) when (!state.Stopping || e is InvalidDataException)
        {
            Errors++;
            FirstError ??= e.Message;
        }
        catch (Exception)
        {
            // the run ended while this loop was mid-message: not an error
        }
    }

    private async Task ReadEchoAsync()
    {
        // §5.2 server frame: FIN + binary, unmasked, 7/16/64-bit length.
        await FillAsync(2);
        int length7 = _buffer[1] & 0x7F;
        int header = length7 == 126 ? 4 : length7 == 127 ? 10 : 2;
        await FillAsync(header);
        long length = header switch
        {
            4 => BinaryPrimitives.ReadUInt16BigEndian(_buffer.AsSpan(2)),
            10 => (long)BinaryPrimitives.ReadUInt64BigEndian(_buffer.AsSpan(2)),
            _ => length7,
        };
        if (_buffer[0] != 0x82 || (_buffer[1] & 0x80) != 0 || length != _payload.Length)
            throw new InvalidDataException($"unexpected frame: byte0=0x{_buffer[0]:X2}, length {length}, expected a {_payload.Length}-byte binary frame");
        await FillAsync(header + _payload.Length);
        if (!_buffer.AsSpan(header, _payload.Length).SequenceEqual(_payload))
            throw new InvalidDataException("echo differs from the message sent");
        int consumed = header + _payload.Length;
        _buffered -= consumed;
        if (_buffered > 0) Buffer.BlockCopy(_buffer, consumed, _buffer, 0, _buffered);
    }

    private async ValueTask FillAsync(int count)
    {
        while (_buffered < count)
        {
            int n = await _stream.ReadAsync(_buffer.AsMemory(_buffered));
            if (n == 0) throw new EndOfStreamException("server closed the connection");
            _buffered += n;
        }
    }

    private async Task HandshakeAsync(Uri url, CancellationToken cancellation)
    {
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        var request = $"GET {url.PathAndQuery} HTTP/1.1\r\nHost: {url.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
                      $"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n";
        await _stream.WriteAsync(Encoding.ASCII.GetBytes(request), cancellation);
        int end;
        while ((end = _buffer.AsSpan(0, _buffered).IndexOf("\r\n\r\n"u8)) < 0)
        {
            int n = await _stream.ReadAsync(_buffer.AsMemory(_buffered), cancellation);
            if (n == 0) throw new EndOfStreamException("server closed the connection during the handshake");
            _buffered += n;
        }
        var head = Encoding.ASCII.GetString(_buffer, 0, end);
        var expected = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));
        if (!head.StartsWith("HTTP/1.1 101", StringComparison.Ordinal) || !head.Contains(expected, StringComparison.Ordinal))
            throw new InvalidDataException("handshake refused: " + head.Split("\r\n")[0]);
        _buffered -= end + 4;
        Buffer.BlockCopy(_buffer, end + 4, _buffer, 0, _buffered);
    }

    private static byte[] BuildMaskedFrame(byte[] payload)
    {
        int lengthBytes = payload.Length > ushort.MaxValue ? 8 : payload.Length > 125 ? 2 : 0;
        var frame = new byte[2 + lengthBytes + 4 + payload.Length];
        frame[0] = 0x82; // FIN, binary
        frame[1] = (byte)(0x80 | (lengthBytes == 8 ? 127 : lengthBytes == 2 ? 126 : payload.Length));
        if (lengthBytes == 2) BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(2), (ushort)payload.Length);
        if (lengthBytes == 8) BinaryPrimitives.WriteUInt64BigEndian(frame.AsSpan(2), (ulong)payload.Length);
        var mask = RandomNumberGenerator.GetBytes(4);
        mask.CopyTo(frame, 2 + lengthBytes);
        int offset = 2 + lengthBytes + 4;
        for (int i = 0; i < payload.Length; i++) frame[offset + i] = (byte)(payload[i] ^ mask[i & 3]);
        return frame;
    }

    /// <summary>Sends a Close (1000) and closes the socket; a server that is already gone is fine.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            byte[] close = [0x88, 0x82, 0, 0, 0, 0, 0x03, 0xE8];
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            await _stream.WriteAsync(close, cts.Token);
        }
        catch (Exception) { /* the connection may already be closed */ }
        try { _socket.Shutdown(SocketShutdown.Both); } catch (SocketException) { }
        await _stream.DisposeAsync();
        _socket.Dispose();
    }
}

/// <summary>The phase every loop of a run checks after each round trip.</summary>
internal sealed class RunState
{
    private volatile int _phase; // 0 warm-up, 1 measuring, 2 stopping

    public bool Measuring => _phase == 1;

    public bool Stopping => _phase == 2;

    public void StartMeasuring() => _phase = 1;

    public void Stop() => _phase = 2;
}

using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace ActorWss.Bench.Load;

/// <summary>
/// A chat client of the fan-out mode: connects to <c>URL?room=ROOM&amp;name=NAME</c>, sends text messages, and
/// reads the messages the room delivers to it, <c>{"room":"ROOM","from":"NAME","text":"..."}</c>, one frame each.
/// </summary>
internal sealed class ChatConnection : IAsyncDisposable
{
    private readonly WebSocketClientConnection _connection;
    private byte[] _buffer = new byte[16 * 1024];
    private int _buffered;

    private ChatConnection(WebSocketClientConnection connection)
    {
        _connection = connection;
        connection.Leftover.CopyTo(_buffer.AsSpan());
        _buffered = connection.Leftover.Length;
    }

    public static async Task<ChatConnection> OpenAsync(Uri room, string name, bool insecure, CancellationToken cancellation) =>
        new(await WebSocketClientConnection.OpenAsync(WithName(room, name), insecure, cancellation));

    /// <summary>The room's URL with this client's name added to its query.</summary>
    public static Uri WithName(Uri room, string name) =>
        new(room + (room.Query.Length > 0 ? "&" : "?") + "name=" + Uri.EscapeDataString(name));

    /// <summary>A room's URL: <paramref name="baseUrl"/> (e.g. ws://127.0.0.1:9090/chat) with <c>room=ROOM</c>.</summary>
    public static Uri RoomUrl(Uri baseUrl, string room) =>
        new(baseUrl + (baseUrl.Query.Length > 0 ? "&" : "?") + "room=" + Uri.EscapeDataString(room));

    public Task SendTextAsync(string text, CancellationToken cancellation) =>
        _connection.Stream.WriteAsync(ClientFrames.Masked(0x1, Encoding.UTF8.GetBytes(text)), cancellation).AsTask();

    /// <summary>The "text" of the next delivered chat message.</summary>
    public async Task<string> ReadTextAsync(CancellationToken cancellation)
    {
        while (true)
        {
            (byte Opcode, byte[] Payload)? frame;
            while ((frame = TryTakeFrame()) is null) await ReadMoreAsync(cancellation);
            var (opcode, payload) = frame.Value;
            switch (opcode)
            {
                case 0x1:
                    return TextOf(payload);
                case 0x8:
                    throw new EndOfStreamException("the server closed the chat connection");
                // pings and pongs carry nothing for the bench
            }
        }
    }

    /// <summary>The "text" property of a delivered chat message.</summary>
    public static string TextOf(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("text"u8) && reader.Read())
                return reader.GetString() ?? "";
        }
        throw new InvalidDataException("a chat message without \"text\": " + Encoding.UTF8.GetString(json));
    }

    /// <summary>The next whole frame (opcode, payload), or null when more bytes are needed.</summary>
    private (byte Opcode, byte[] Payload)? TryTakeFrame()
    {
        if (_buffered < 2) return null;
        int length7 = _buffer[1] & 0x7F;
        int header = length7 == 126 ? 4 : length7 == 127 ? 10 : 2;
        if (_buffered < header) return null;
        long length = header switch
        {
            4 => BinaryPrimitives.ReadUInt16BigEndian(_buffer.AsSpan(2)),
            10 => (long)BinaryPrimitives.ReadUInt64BigEndian(_buffer.AsSpan(2)),
            _ => length7,
        };
        if ((_buffer[0] & 0x80) == 0) throw new InvalidDataException("a fragmented chat message (the bench reads whole frames)");
        if (header + length > _buffer.Length) Array.Resize(ref _buffer, (int)(header + length) * 2);
        if (_buffered < header + length) return null;
        byte opcode = (byte)(_buffer[0] & 0x0F);
        var frameEnd = header + (int)length;
        var payload = _buffer.AsSpan(header, (int)length).ToArray();
        _buffered -= frameEnd;
        if (_buffered > 0) Buffer.BlockCopy(_buffer, frameEnd, _buffer, 0, _buffered);
        return (opcode, payload);
    }

    private async ValueTask ReadMoreAsync(CancellationToken cancellation)
    {
        int n = await _connection.Stream.ReadAsync(_buffer.AsMemory(_buffered), cancellation);
        if (n == 0) throw new EndOfStreamException("server closed the connection");
        _buffered += n;
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}

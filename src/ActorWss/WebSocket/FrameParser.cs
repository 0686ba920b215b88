using System.Buffers.Binary;
using System.Runtime.InteropServices;
using ActorWss.Buffers;
using Akka.IO;

namespace ActorWss.WebSocket;

/// <summary>
/// Incremental §5.2 frame parser: bytes in, <see cref="FrameEvent"/>s out, one at a time and only when asked, so the
/// stage around it pulls no more input than its consumer wants. Unmasks the payload (§5.3) into fresh buffers, or,
/// when its input is its own (<see cref="FrameParser(bool)"/>), in place, handing out the payload as a slice of the
/// bytes received: no allocation and no copy per message.
/// Protocol rules (masking required, RSV, opcodes, control-frame limits, sizes) are checked one layer up, on the
/// header, before any payload is read; the only rule enforced here is the one that makes a length unreadable.
/// <code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-------+-+-------------+-------------------------------+
/// |F|R|R|R| opcode|M| Payload len |    Extended payload length    |
/// |I|S|S|S|  (4)  |A|     (7)     |             (16/64)           |
/// |N|V|V|V|       |S|             |   (if payload len==126/127)   |
/// | |1|2|3|       |K|             |                               |
/// +-+-+-+-+-------+-+-------------+ - - - - - - - - - - - - - - - +
/// |     Extended payload length continued, if payload len == 127  |
/// + - - - - - - - - - - - - - - - +-------------------------------+
/// |                               |Masking-key, if MASK set to 1  |
/// +-------------------------------+-------------------------------+
/// | Masking-key (continued)       |          Payload Data         |
/// +-------------------------------- - - - - - - - - - - - - - - - +
/// </code>
/// </summary>
/// <param name="ownsInput">
/// Every ByteString fed is a fresh array that nothing else reads or keeps (the transport's and the TLS session's
/// receive copies): the parser may unmask it where it lies. Not for input that may be shared (tests, a transport
/// that hands out its own buffers).
/// </param>
internal sealed class FrameParser(bool ownsInput = false)
{
    // Received bytes; the first _consumed of them are parsed already. Consuming moves the offset instead of slicing:
    // a ByteString slice is two objects (the string and its segment array), and a frame header and its payload
    // would be two slices per message.
    private ByteString _buffer = ByteString.Empty;
    private int _consumed;
    private bool _inPayload;
    private long _remaining;   // payload bytes of the current frame not yet emitted
    private bool _masked;
    private uint _maskKey;
    private int _maskPhase;

    /// <summary>Set when the input broke §5.2 so that no further frame can be delimited; parsing has stopped.</summary>
    public string? Error { get; private set; }

    /// <summary>Bytes received and not yet turned into events.</summary>
    public int Buffered => _buffer.Count - _consumed;

    public void Feed(ByteString bytes)
    {
        if (Error is not null || bytes.IsEmpty) return;
        _buffer = Buffered == 0 ? bytes : Unconsumed().Concat(bytes);
        _consumed = 0;
    }

    private ByteString Unconsumed() => _consumed == 0 ? _buffer : _buffer.Slice(_consumed);

    /// <summary>The unconsumed bytes as one span when they are one segment (the usual case: one read, one message).</summary>
    private bool TryGetContiguous(out ReadOnlySpan<byte> bytes)
    {
        if (_buffer.IsCompact)
        {
            bytes = _buffer.ToReadOnlySpan()[_consumed..];
            return true;
        }
        bytes = default;
        return false;
    }

    private void Consume(int count)
    {
        _consumed += count;
        if (_consumed < _buffer.Count) return;
        _buffer = ByteString.Empty;
        _consumed = 0;
    }

    /// <summary>Produces the next event if the buffered bytes allow one.</summary>
    public bool TryRead(out FrameEvent? frameEvent)
    {
        frameEvent = null;
        if (Error is not null) return false;
        if (_inPayload)
        {
            if (Buffered == 0) return false;
            var data = TakePayload();
            frameEvent = new FrameData(data, _remaining == 0);
            if (_remaining == 0) _inPayload = false;
            return true;
        }

        if (!TryParseHeader(out var header)) return false;
        _remaining = header.Length;
        _masked = header.Masked;
        _maskKey = header.MaskKey;
        _maskPhase = 0;
        var first = TakePayload();
        _inPayload = _remaining > 0;
        frameEvent = new FrameStart(header, first, _remaining == 0);
        return true;
    }

    private bool TryParseHeader(out FrameHeader header)
    {
        header = default;
        int available = Buffered;
        if (available < 2) return false;
        Span<byte> bytes = stackalloc byte[Protocol.MaxHeaderLength];
        if (TryGetContiguous(out var contiguous)) contiguous[..Math.Min(available, bytes.Length)].CopyTo(bytes);
        else Unconsumed().CopyPrefixTo(bytes);

        byte b0 = bytes[0], b1 = bytes[1];
        bool masked = (b1 & 0x80) != 0;
        int length7 = b1 & 0x7F;
        int lengthBytes = length7 == 126 ? 2 : length7 == 127 ? 8 : 0;
        int headerLength = 2 + lengthBytes + (masked ? 4 : 0);
        if (available < headerLength) return false;

        long length = lengthBytes switch
        {
            2 => BinaryPrimitives.ReadUInt16BigEndian(bytes[2..]),
            8 => (long)BinaryPrimitives.ReadUInt64BigEndian(bytes[2..]),
            _ => length7,
        };
        if (length < 0)
        {
            // §5.2: "the most significant bit MUST be 0" of a 64-bit length.
            Error = "64-bit payload length with the most significant bit set";
            return false;
        }

        uint maskKey = masked ? BitConverter.ToUInt32(bytes[(2 + lengthBytes)..]) : 0;
        header = new FrameHeader(
            Opcode: (Opcode)(b0 & 0x0F),
            Fin: (b0 & 0x80) != 0,
            Rsv: (byte)((b0 >> 4) & 0x07),
            Masked: masked,
            MaskKey: maskKey,
            Length: length);
        Consume(headerLength);
        return true;
    }

    private ByteString TakePayload()
    {
        int count = (int)Math.Min(_remaining, Buffered);
        if (count == 0) return ByteString.Empty;
        ByteString data;
        if (_masked && ownsInput && TryGetContiguous(out var received) && KeepsLittleElse(count))
        {
            // The payload becomes a slice of the received array. Only when it is at least half of that array: a message
            // kept by the application then keeps at most as much again of other bytes alive.
            var writable = MemoryMarshal.CreateSpan(ref MemoryMarshal.GetReference(received), count);
            _maskPhase = Masking.Apply(writable, writable, _maskKey, _maskPhase);
            data = _consumed == 0 && count == _buffer.Count ? _buffer : _buffer.Slice(_consumed, count);
        }
        else if (_masked)
        {
            var unmasked = GC.AllocateUninitializedArray<byte>(count); // every byte is written below
            if (TryGetContiguous(out var contiguous))
            {
                _maskPhase = Masking.Apply(contiguous[..count], unmasked, _maskKey, _maskPhase);
            }
            else
            {
                Unconsumed().CopyPrefixTo(unmasked);
                _maskPhase = Masking.Apply(unmasked, unmasked, _maskKey, _maskPhase);
            }
            data = ByteString.FromBytes(unmasked);
        }
        else
        {
            data = _buffer.Slice(_consumed, count);
        }
        Consume(count);
        _remaining -= count;
        return data;
    }

    private bool KeepsLittleElse(int payloadBytes) => payloadBytes >= _buffer.Count - payloadBytes;
}

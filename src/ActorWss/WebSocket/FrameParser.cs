using System.Buffers.Binary;
using ActorWss.Buffers;
using Akka.IO;

namespace ActorWss.WebSocket;

/// <summary>
/// Incremental §5.2 frame parser: bytes in, <see cref="FrameEvent"/>s out, one at a time and only when asked, so the
/// stage around it pulls no more input than its consumer wants. Unmasks the payload (§5.3) into fresh buffers.
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
internal sealed class FrameParser
{
    private ByteString _buffer = ByteString.Empty;
    private bool _inPayload;
    private long _remaining;   // payload bytes of the current frame not yet emitted
    private bool _masked;
    private uint _maskKey;
    private int _maskPhase;

    /// <summary>Set when the input broke §5.2 so that no further frame can be delimited; parsing has stopped.</summary>
    public string? Error { get; private set; }

    /// <summary>Bytes received and not yet turned into events.</summary>
    public int Buffered => _buffer.Count;

    public void Feed(ByteString bytes)
    {
        if (Error is not null || bytes.IsEmpty) return;
        _buffer = _buffer.IsEmpty ? bytes : _buffer.Concat(bytes);
    }

    /// <summary>Produces the next event if the buffered bytes allow one.</summary>
    public bool TryRead(out FrameEvent? frameEvent)
    {
        frameEvent = null;
        if (Error is not null) return false;
        if (_inPayload)
        {
            if (_buffer.IsEmpty) return false;
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
        int available = _buffer.Count;
        if (available < 2) return false;
        Span<byte> bytes = stackalloc byte[Protocol.MaxHeaderLength];
        _buffer.CopyPrefixTo(bytes);

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
        _buffer = _buffer.Slice(headerLength);
        return true;
    }

    private ByteString TakePayload()
    {
        int count = (int)Math.Min(_remaining, _buffer.Count);
        if (count == 0) return ByteString.Empty;
        ByteString data;
        if (_masked)
        {
            var unmasked = GC.AllocateUninitializedArray<byte>(count); // every byte is written below
            if (_buffer.IsCompact)
            {
                _maskPhase = Masking.Apply(_buffer.ToReadOnlySpan()[..count], unmasked, _maskKey, _maskPhase);
            }
            else
            {
                _buffer.CopyPrefixTo(unmasked);
                _maskPhase = Masking.Apply(unmasked, unmasked, _maskKey, _maskPhase);
            }
            data = ByteString.FromBytes(unmasked);
        }
        else
        {
            data = _buffer.Slice(0, count);
        }
        _buffer = count == _buffer.Count ? ByteString.Empty : _buffer.Slice(count);
        _remaining -= count;
        return data;
    }
}

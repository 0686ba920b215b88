using System.Buffers.Binary;
using ActorWss.Buffers;
using Akka.IO;

namespace ActorWss.WebSocket;

/// <summary>Renders server frames (§5.2, never masked: §5.1).</summary>
internal static class FrameRenderer
{
    /// <summary>
    /// Up to this payload size header and payload are copied into one small array (cheaper than a two-segment
    /// ByteString). Larger payloads are not copied: the header is prepended as a separate segment, and the layer
    /// below (TLS, or the socket) gathers both into its own pooled buffer, the one copy it makes anyway.
    /// </summary>
    public const int CopyThreshold = 512;

    public static ByteString Render(OutboundFrame frame) => frame.Message switch
    {
        { } message when frame.Compressed => message.CompressedFrame,
        { } message => message.Frame,
        null => RenderNew(frame.Opcode, frame.Payload, frame.Fin, frame.Compressed),
    };

    internal static ByteString RenderNew(Opcode opcode, ByteString payload, bool fin, bool compressed = false)
    {
        int payloadLength = payload.Count;
        int headerLength = HeaderLength(payloadLength);
        if (payloadLength <= CopyThreshold)
        {
            var bytes = new byte[headerLength + payloadLength];
            WriteHeader(bytes, opcode, fin, compressed, payloadLength);
            payload.CopyPrefixTo(bytes.AsSpan(headerLength));
            return ByteString.FromBytes(bytes);
        }
        var header = new byte[headerLength];
        WriteHeader(header, opcode, fin, compressed, payloadLength);
        return ByteString.FromBytes(header).Concat(payload);
    }

    public static int HeaderLength(long payloadLength) => payloadLength switch
    {
        <= 125 => 2,
        <= ushort.MaxValue => 4,
        _ => 10,
    };

    private static void WriteHeader(Span<byte> destination, Opcode opcode, bool fin, bool compressed, int payloadLength)
    {
        destination[0] = (byte)((fin ? 0x80 : 0) | (compressed ? 0x40 : 0) | (byte)opcode); // 0x40: RSV1 (RFC 7692 §6)
        switch (HeaderLength(payloadLength))
        {
            case 2:
                destination[1] = (byte)payloadLength;
                break;
            case 4:
                destination[1] = 126;
                BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)payloadLength);
                break;
            default:
                destination[1] = 127;
                BinaryPrimitives.WriteUInt64BigEndian(destination[2..], (ulong)payloadLength);
                break;
        }
    }
}

using System.Buffers.Binary;
using ActorWss.WebSocket;

namespace ActorWss.Tests.Support;

/// <summary>Builds client frames byte by byte (§5.2), including the malformed ones a real client would never send.</summary>
internal static class ClientFrames
{
    public static readonly byte[] DefaultMaskKey = [0x37, 0xFA, 0x21, 0x3D];

    public static byte[] Build(Opcode opcode, ReadOnlySpan<byte> payload, bool fin = true, bool mask = true, byte rsv = 0,
        byte[]? maskKey = null, bool force64BitLength = false, ulong? declaredLength = null) =>
        Build((byte)opcode, payload, fin, mask, rsv, maskKey, force64BitLength, declaredLength);

    /// <summary>Raw opcode (0-15), so reserved opcodes can be sent.</summary>
    public static byte[] Build(byte opcode, ReadOnlySpan<byte> payload, bool fin = true, bool mask = true, byte rsv = 0,
        byte[]? maskKey = null, bool force64BitLength = false, ulong? declaredLength = null)
    {
        ulong length = declaredLength ?? (ulong)payload.Length;
        int lengthBytes = force64BitLength || length > ushort.MaxValue ? 8 : length > 125 ? 2 : 0;
        var frame = new byte[2 + lengthBytes + (mask ? 4 : 0) + payload.Length];
        frame[0] = (byte)((fin ? 0x80 : 0) | ((rsv & 0x7) << 4) | (opcode & 0x0F));
        frame[1] = (byte)((mask ? 0x80 : 0) | (lengthBytes == 8 ? 127 : lengthBytes == 2 ? 126 : (int)length));
        if (lengthBytes == 2) BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(2), (ushort)length);
        if (lengthBytes == 8) BinaryPrimitives.WriteUInt64BigEndian(frame.AsSpan(2), length);
        int offset = 2 + lengthBytes;
        if (mask)
        {
            var key = maskKey ?? DefaultMaskKey;
            key.CopyTo(frame, offset);
            offset += 4;
            for (int i = 0; i < payload.Length; i++) frame[offset + i] = (byte)(payload[i] ^ key[i & 3]);
        }
        else
        {
            payload.CopyTo(frame.AsSpan(offset));
        }
        return frame;
    }

    public static byte[] Close(ushort code, string reason = "") =>
        Build(Opcode.Close, ClosePayload(code, System.Text.Encoding.UTF8.GetBytes(reason)));

    public static byte[] ClosePayload(ushort code, byte[] reason)
    {
        var payload = new byte[2 + reason.Length];
        BinaryPrimitives.WriteUInt16BigEndian(payload, code);
        reason.CopyTo(payload, 2);
        return payload;
    }
}

using System.Buffers.Binary;
using System.Security.Cryptography;

namespace ActorWss.Bench.Load;

/// <summary>Client frames (§5.2), masked with a random key (§5.3), built once per connection.</summary>
internal static class ClientFrames
{
    /// <param name="opcode">0x1 text, 0x2 binary.</param>
    public static byte[] Masked(byte opcode, ReadOnlySpan<byte> payload)
    {
        int lengthBytes = payload.Length > ushort.MaxValue ? 8 : payload.Length > 125 ? 2 : 0;
        var frame = new byte[2 + lengthBytes + 4 + payload.Length];
        frame[0] = (byte)(0x80 | opcode); // FIN
        frame[1] = (byte)(0x80 | (lengthBytes == 8 ? 127 : lengthBytes == 2 ? 126 : payload.Length));
        if (lengthBytes == 2) BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(2), (ushort)payload.Length);
        if (lengthBytes == 8) BinaryPrimitives.WriteUInt64BigEndian(frame.AsSpan(2), (ulong)payload.Length);
        Span<byte> mask = stackalloc byte[4];
        RandomNumberGenerator.Fill(mask);
        mask.CopyTo(frame.AsSpan(2 + lengthBytes));
        int offset = 2 + lengthBytes + 4;
        for (int i = 0; i < payload.Length; i++) frame[offset + i] = (byte)(payload[i] ^ mask[i & 3]);
        return frame;
    }
}

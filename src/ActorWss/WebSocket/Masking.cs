using System.Numerics;
using System.Runtime.InteropServices;

namespace ActorWss.WebSocket;

/// <summary>§5.3: payload byte i is XORed with mask byte i mod 4. Vectorised; the phase carries across chunks.</summary>
internal static class Masking
{
    /// <summary>
    /// Writes <paramref name="source"/> XOR mask into <paramref name="destination"/> (they may be the same memory).
    /// <paramref name="mask"/> holds the four key bytes as read from the wire in native byte order; <paramref name="phase"/>
    /// is the payload offset mod 4 at the first byte. Returns the phase after the last byte.
    /// </summary>
    public static int Apply(ReadOnlySpan<byte> source, Span<byte> destination, uint mask, int phase)
    {
        if (source.Length == 0) return phase;
        uint rotated = Rotate(mask, phase);
        int i = 0;
        if (Vector.IsHardwareAccelerated && source.Length >= Vector<byte>.Count)
        {
            var maskVector = Vector.AsVectorByte(new Vector<uint>(rotated));
            for (; i <= source.Length - Vector<byte>.Count; i += Vector<byte>.Count)
                (new Vector<byte>(source[i..]) ^ maskVector).CopyTo(destination[i..]);
        }
        ulong mask64 = ((ulong)rotated << 32) | rotated;
        for (; i <= source.Length - 8; i += 8)
        {
            ulong value = MemoryMarshal.Read<ulong>(source[i..]) ^ mask64;
            MemoryMarshal.Write(destination[i..], in value);
        }
        Span<byte> maskBytes = stackalloc byte[4];
        MemoryMarshal.Write(maskBytes, in rotated);
        for (int k = 0; i < source.Length; i++, k++)
            destination[i] = (byte)(source[i] ^ maskBytes[k & 3]);
        return (phase + source.Length) & 3;
    }

    /// <summary>The key as it applies from payload offset <paramref name="phase"/> on (memory order rotated left).</summary>
    private static uint Rotate(uint mask, int phase)
    {
        if (phase == 0) return mask;
        Span<byte> bytes = stackalloc byte[4];
        Span<byte> rotated = stackalloc byte[4];
        MemoryMarshal.Write(bytes, in mask);
        for (int k = 0; k < 4; k++) rotated[k] = bytes[(k + phase) & 3];
        return MemoryMarshal.Read<uint>(rotated);
    }
}

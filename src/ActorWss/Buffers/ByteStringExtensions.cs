using Akka.IO;

namespace ActorWss.Buffers;

/// <summary>Span access to <see cref="ByteString"/>s: free for a single segment, one copy for a rope.</summary>
internal static class ByteStringExtensions
{
    /// <summary>Copies the first min(Count, destination.Length) bytes into <paramref name="destination"/>; returns that count.</summary>
    public static int CopyPrefixTo(this ByteString source, Span<byte> destination)
    {
        int count = Math.Min(source.Count, destination.Length);
        if (count == 0) return 0;
        if (source.IsCompact)
        {
            source.ToReadOnlySpan()[..count].CopyTo(destination);
            return count;
        }
        var target = destination[..count];
        return source.CopyTo(ref target, 0, count);
    }

    /// <summary>The bytes as one span: no copy when the ByteString is a single segment (the common case).</summary>
    public static ReadOnlySpan<byte> AsContiguousSpan(this ByteString source) => source.ToReadOnlySpan();
}

/// <summary>Making <see cref="ByteString"/>s.</summary>
internal static class ByteStrings
{
    /// <summary>
    /// A ByteString over a copy of <paramref name="source"/>. The array is not zeroed first (it is overwritten at
    /// once): for payload-sized copies on the hot path, the zeroing was as costly as the copy.
    /// </summary>
    public static ByteString CopyOf(ReadOnlySpan<byte> source)
    {
        if (source.IsEmpty) return ByteString.Empty;
        var copy = GC.AllocateUninitializedArray<byte>(source.Length);
        source.CopyTo(copy);
        return ByteString.FromBytes(copy);
    }
}

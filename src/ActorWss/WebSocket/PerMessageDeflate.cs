using System.Buffers;
using System.IO.Compression;
using ActorWss.Buffers;
using Akka.IO;

namespace ActorWss.WebSocket;

/// <summary>What inflating a compressed message came to.</summary>
internal enum InflateOutcome
{
    Inflated,
    /// <summary>§7.4.1 (1009): the message grows past the size limit once inflated; inflating stopped there.</summary>
    TooBig,
    /// <summary>The payload is not DEFLATE data (RFC 7692 §6.2); the connection fails with 1007.</summary>
    Invalid,
}

/// <summary>
/// RFC 7692 permessage-deflate without context takeover in either direction (the server negotiates
/// server_no_context_takeover and client_no_context_takeover, §7.1.1): every message is compressed and inflated on
/// its own, so a connection keeps no compression state between messages and an idle connection costs nothing more.
/// </summary>
internal static class PerMessageDeflate
{
    /// <summary>The empty stored block a sync flush ends with; §7.2.1 removes it from the wire, §7.2.2 appends it back.</summary>
    private static ReadOnlySpan<byte> FlushTail => [0x00, 0x00, 0xFF, 0xFF];

    /// <summary>
    /// §7.2.1: DEFLATE the payload, end it with a sync flush, and drop the flush's 4 trailing octets. Null when that
    /// is not smaller than the payload itself (already compressed or random data): the message goes uncompressed,
    /// which §6 allows for any message.
    /// </summary>
    public static ByteString? Compress(ByteString payload)
    {
        var output = new MemoryStream(payload.Count / 2 + 16);
        using (var deflater = new DeflateStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            deflater.Write(payload.AsContiguousSpan());
            deflater.Flush(); // Z_SYNC_FLUSH: the data so far, byte-aligned, then 00 00 FF FF
            var compressed = output.GetBuffer().AsSpan(0, (int)output.Length);
            if (!compressed.EndsWith(FlushTail)) throw new InvalidOperationException("DEFLATE sync flush did not end with 00 00 FF FF");
            int length = compressed.Length - FlushTail.Length;
            if (length >= payload.Count) return null;
            return ByteStrings.CopyOf(compressed[..length]);
        } // disposing writes a final block into the stream, after the bytes taken
    }

    /// <summary>
    /// §7.2.2: append 00 00 FF FF to the compressed payload and inflate it, at most <paramref name="limit"/> bytes.
    /// </summary>
    public static InflateOutcome Decompress(IReadOnlyList<ByteString> compressed, long compressedLength, long limit, out ByteString payload)
    {
        payload = ByteString.Empty;
        var input = new byte[checked((int)compressedLength + FlushTail.Length)];
        int offset = 0;
        foreach (var part in compressed) offset += part.CopyPrefixTo(input.AsSpan(offset));
        FlushTail.CopyTo(input.AsSpan(offset));

        var output = new ArrayBufferWriter<byte>((int)Math.Min(limit + 1, Math.Max(256, compressedLength * 4)));
        try
        {
            using var inflater = new DeflateStream(new MemoryStream(input, writable: false), CompressionMode.Decompress);
            while (true)
            {
                // Ask for one byte past the limit at most, so that a bomb stops as soon as it is known to be one.
                int room = (int)Math.Min(Math.Max(output.FreeCapacity, 4096), limit + 1 - output.WrittenCount);
                if (room <= 0) return InflateOutcome.TooBig;
                int read = inflater.Read(output.GetSpan(room)[..room]);
                if (read == 0) break;
                output.Advance(read);
            }
        }
        catch (InvalidDataException)
        {
            return InflateOutcome.Invalid;
        }
        if (output.WrittenCount > limit) return InflateOutcome.TooBig;
        payload = output.WrittenCount == 0 ? ByteString.Empty : ByteString.FromBytes(output.WrittenSpan.ToArray());
        return InflateOutcome.Inflated;
    }
}

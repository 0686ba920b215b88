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
        if (payload.Count < 8) return null; // DEFLATE cannot make it smaller (and flushes nothing for no input)
        // The output goes to a pooled buffer sized for zlib's worst case (deflateBound's n + n/8 + n/64 + 5, plus the
        // flush and the final block), so that data that does not shrink costs no exception.
        int capacity = payload.Count + (payload.Count >> 3) + (payload.Count >> 6) + 64;
        var buffer = ArrayPool<byte>.Shared.Rent(capacity);
        try
        {
            var output = new MemoryStream(buffer, 0, capacity, writable: true);
            using var deflater = new DeflateStream(output, CompressionLevel.Fastest, leaveOpen: true);
            deflater.Write(payload.AsContiguousSpan());
            deflater.Flush(); // Z_SYNC_FLUSH: the data so far, byte-aligned, then 00 00 FF FF
            var compressed = buffer.AsSpan(0, (int)output.Position);
            // A sync flush always ends so; if it ever did not, the plain message is still correct to send (§6).
            if (!compressed.EndsWith(FlushTail)) return null;
            int length = compressed.Length - FlushTail.Length;
            if (length >= payload.Count) return null;
            var result = ByteStrings.CopyOf(compressed[..length]);
            output.Position = 0; // disposing the deflater writes a final block: let it land anywhere but past the end
            return result;
        }
        catch (NotSupportedException)
        {
            return null; // past zlib's bound after all: not worth sending compressed either
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// §7.2.2: append 00 00 FF FF to the compressed payload and inflate it, at most <paramref name="limit"/> bytes.
    /// The compressed parts are read where they are, and the output goes to pooled buffers: the only array made is
    /// the message's own.
    /// </summary>
    public static InflateOutcome Decompress(IReadOnlyList<ByteString> compressed, long compressedLength, long limit, out ByteString payload)
    {
        payload = ByteString.Empty;
        // One byte past the limit is asked for, so that a bomb stops as soon as it is known to be one.
        int cap = (int)Math.Min(limit + 1, Array.MaxLength);
        var output = ArrayPool<byte>.Shared.Rent((int)Math.Min(cap, Math.Max(4096, compressedLength * 4)));
        int written = 0;
        try
        {
            using var inflater = new DeflateStream(new PartsStream(compressed, FlushTailBytes), CompressionMode.Decompress);
            while (true)
            {
                if (written == output.Length)
                {
                    if (written >= cap) return InflateOutcome.TooBig;
                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(cap, (long)output.Length * 2));
                    output.AsSpan(0, written).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(output);
                    output = larger;
                }
                int read = inflater.Read(output, written, Math.Min(output.Length, cap) - written);
                if (read == 0) break;
                written += read;
                if (written > limit) return InflateOutcome.TooBig;
            }
            payload = ByteStrings.CopyOf(output.AsSpan(0, written));
            return InflateOutcome.Inflated;
        }
        catch (InvalidDataException)
        {
            return InflateOutcome.Invalid;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(output);
        }
    }

    private static readonly byte[] FlushTailBytes = [0x00, 0x00, 0xFF, 0xFF];

    /// <summary>A read-only stream over a message's compressed parts, then the flush tail (§7.2.2).</summary>
    private sealed class PartsStream(IReadOnlyList<ByteString> parts, byte[] tail) : Stream
    {
        private int _part;
        private int _offset;
        private int _tailOffset;

        public override int Read(Span<byte> buffer)
        {
            int total = 0;
            while (total < buffer.Length)
            {
                ReadOnlySpan<byte> source;
                if (_part < parts.Count)
                {
                    source = parts[_part].AsContiguousSpan()[_offset..];
                    if (source.IsEmpty) { _part++; _offset = 0; continue; }
                }
                else
                {
                    source = tail.AsSpan(_tailOffset);
                    if (source.IsEmpty) break;
                }
                int count = Math.Min(source.Length, buffer.Length - total);
                source[..count].CopyTo(buffer[total..]);
                total += count;
                if (_part < parts.Count) _offset += count;
                else _tailOffset += count;
            }
            return total;
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

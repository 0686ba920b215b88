using System.Text;
using ActorWss.WebSocket;
using Akka.IO;

namespace ActorWss.Tests.Codec;

/// <summary>RFC 7692 §7.2: compressing and inflating one message, against the RFC's own examples (§7.2.3).</summary>
public class PerMessageDeflateTests
{
    private static ByteString Bytes(params byte[] bytes) => ByteString.FromBytes(bytes);

    private static (InflateOutcome Outcome, string Text) Inflate(long limit, params ByteString[] parts)
    {
        var outcome = PerMessageDeflate.Decompress(parts, parts.Sum(p => (long)p.Count), limit, out var payload);
        return (outcome, payload.ToString(Encoding.UTF8));
    }

    [Fact]
    public void A_message_that_does_not_shrink_goes_uncompressed_and_one_that_does_loses_the_flush_trailer()
    {
        // "Hello" deflates to 7 bytes (§7.2.3.1): more than it is.
        Assert.Null(PerMessageDeflate.Compress(ByteString.FromString("Hello")));
        Assert.Null(PerMessageDeflate.Compress(ByteString.Empty)); // nothing to flush: sent as an empty plain message
        var text = ByteString.FromString(string.Concat(Enumerable.Repeat("Hello", 100)));
        var compressed = PerMessageDeflate.Compress(text)!;
        Assert.True(compressed.Count < 30, $"{compressed.Count} bytes");
        Assert.False(compressed.ToArray().AsSpan().EndsWith(new byte[] { 0x00, 0x00, 0xFF, 0xFF }), "§7.2.1: the 4 trailing octets are removed");
        Assert.Equal((InflateOutcome.Inflated, text.ToString(Encoding.UTF8)), Inflate(1 << 20, compressed));
    }

    public static TheoryData<string, byte[][]> RfcExamples => new()
    {
        { "§7.2.3.1 a message in one frame", [[0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00]] },
        { "§7.2.3.1 the same message in two fragments", [[0xf2, 0x48, 0xcd], [0xc9, 0xc9, 0x07, 0x00]] },
        { "§7.2.3.3 a stored (uncompressed) block", [[0x00, 0x05, 0x00, 0xfa, 0xff, 0x48, 0x65, 0x6c, 0x6c, 0x6f, 0x00]] },
        { "§7.2.3.4 a block with BFINAL set", [[0xf3, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00, 0x00]] },
        { "§7.2.3.5 two DEFLATE blocks in one message", [[0xf2, 0x48, 0x05, 0x00, 0x00, 0x00, 0xff, 0xff, 0xca, 0xc9, 0xc9, 0x07, 0x00]] },
    };

    [Theory]
    [MemberData(nameof(RfcExamples))]
    public void The_examples_of_section_7_2_3_inflate_to_Hello(string example, byte[][] parts)
    {
        var (outcome, text) = Inflate(1 << 20, parts.Select(ByteString.FromBytes).ToArray());
        Assert.True(outcome == InflateOutcome.Inflated, example);
        Assert.Equal("Hello", text);
    }

    [Fact]
    public void Compressed_messages_round_trip_text_binary_and_large_payloads()
    {
        var random = new byte[200_000];
        new Random(7).NextBytes(random);
        foreach (var payload in new[]
                 {
                     ByteString.FromString(string.Concat(Enumerable.Repeat("{\"user\":\"ann\",\"text\":\"hello ✓\"}", 2000))),
                     ByteString.FromBytes(new byte[1 << 20]),
                     ByteString.FromString(new string('a', 300)).Concat(ByteString.FromString(new string('b', 300))), // a rope
                 })
        {
            var compressed = PerMessageDeflate.Compress(payload)!;
            Assert.True(compressed.Count < payload.Count);
            Assert.Equal(InflateOutcome.Inflated, PerMessageDeflate.Decompress([compressed], compressed.Count, payload.Count, out var inflated));
            Assert.Equal(payload.ToArray(), inflated.ToArray());
        }
        Assert.Null(PerMessageDeflate.Compress(ByteString.FromBytes(random))); // random bytes do not shrink: sent as they are
    }

    [Fact]
    public void A_message_is_compressed_once_and_its_frame_shared_by_every_connection_it_goes_to()
    {
        var message = Message.Text(string.Concat(Enumerable.Repeat("topic message ", 100)));

        var frame = message.AsCompressedFrame!;
        Assert.Same(frame, message.AsCompressedFrame);
        Assert.True(frame.Compressed);
        var wire = FrameRenderer.Render(frame);
        Assert.Same(wire, FrameRenderer.Render(message.AsCompressedFrame!));
        Assert.Equal(0x80 | 0x40 | (int)Opcode.Text, wire[0]); // FIN, RSV1 (§6), text
        Assert.Null(Message.Binary(new byte[] { 1, 2, 3 }).AsCompressedFrame); // does not shrink: sent as it is
    }

    [Fact]
    public void A_message_in_many_fragments_of_any_size_inflates_whole()
    {
        var payload = ByteString.FromString(string.Concat(Enumerable.Range(0, 5000).Select(i => $"line {i} ✓\n")));
        var compressed = PerMessageDeflate.Compress(payload)!.ToArray();
        var parts = new List<ByteString>();
        var random = new Random(3);
        for (int offset = 0; offset < compressed.Length;)
        {
            int size = Math.Min(random.Next(0, 40), compressed.Length - offset); // empty fragments too (§5.4 allows them)
            parts.Add(ByteString.FromBytes(compressed, offset, size));
            offset += size;
        }

        Assert.Equal(InflateOutcome.Inflated, PerMessageDeflate.Decompress(parts, compressed.Length, payload.Count, out var inflated));
        Assert.Equal(payload.ToArray(), inflated.ToArray());
    }

    [Fact]
    public void Inflating_stops_at_the_limit()
    {
        var zeros = PerMessageDeflate.Compress(ByteString.FromBytes(new byte[10 << 20]))!; // 10 MiB in about 10 KiB

        Assert.Equal(InflateOutcome.TooBig, PerMessageDeflate.Decompress([zeros], zeros.Count, (10 << 20) - 1, out var none));
        Assert.True(none.IsEmpty);
        Assert.Equal(InflateOutcome.Inflated, PerMessageDeflate.Decompress([zeros], zeros.Count, 10 << 20, out var all));
        Assert.Equal(10 << 20, all.Count);
    }

    [Fact]
    public void Bytes_that_are_not_deflate_data_are_invalid()
    {
        // Block type 3 is reserved (RFC 1951 §3.2.3).
        Assert.Equal(InflateOutcome.Invalid, Inflate(1 << 20, Bytes(0xff, 0xff, 0xff, 0xff)).Outcome);
    }
}

using System.Buffers.Binary;
using ActorWss.WebSocket;
using Akka.IO;

namespace ActorWss.Tests.Codec;

/// <summary>
/// RFC 6455 §5.2: <see cref="FrameParser"/> turns client bytes, in any chunking, back into the frames that were sent;
/// <see cref="FrameRenderer"/> writes server frames byte for byte as the RFC lays them out.
/// </summary>
public class FrameCodecTests
{
    private static readonly byte[] Key = [0x37, 0xFA, 0x21, 0x3D];

    /// <summary>A frame as a client sends it; <paramref name="maskKey"/> null: unmasked.</summary>
    private static byte[] ClientFrame(
        byte opcode, byte[] payload, byte[]? maskKey, bool fin = true, byte rsv = 0, bool force64BitLength = false)
    {
        var frame = new List<byte> { (byte)((fin ? 0x80 : 0) | (rsv << 4) | opcode) };
        byte maskBit = maskKey is null ? (byte)0 : (byte)0x80;
        if (payload.Length <= 125 && !force64BitLength)
        {
            frame.Add((byte)(maskBit | payload.Length));
        }
        else if (payload.Length <= ushort.MaxValue && !force64BitLength)
        {
            frame.Add((byte)(maskBit | 126));
            var length = new byte[2];
            BinaryPrimitives.WriteUInt16BigEndian(length, (ushort)payload.Length);
            frame.AddRange(length);
        }
        else
        {
            frame.Add((byte)(maskBit | 127));
            var length = new byte[8];
            BinaryPrimitives.WriteUInt64BigEndian(length, (ulong)payload.Length);
            frame.AddRange(length);
        }
        if (maskKey is null)
        {
            frame.AddRange(payload);
        }
        else
        {
            frame.AddRange(maskKey);
            for (int i = 0; i < payload.Length; i++) frame.Add((byte)(payload[i] ^ maskKey[i % 4]));
        }
        return frame.ToArray();
    }

    private static byte[] ClientFrame(Opcode opcode, byte[] payload, bool fin = true) =>
        ClientFrame((byte)opcode, payload, Key, fin);

    private static byte[] Payload(int length, int seed = 42)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static List<FrameEvent> ReadAll(FrameParser parser)
    {
        var events = new List<FrameEvent>();
        while (parser.TryRead(out var frameEvent)) events.Add(Assert.IsAssignableFrom<FrameEvent>(frameEvent));
        return events;
    }

    private sealed record ParsedFrame(FrameHeader Header, byte[] Payload);

    /// <summary>Joins each FrameStart with the FrameData parts after it, checking the parts follow the rules.</summary>
    private static List<ParsedFrame> Reassemble(IEnumerable<FrameEvent> events)
    {
        var frames = new List<ParsedFrame>();
        FrameHeader? header = null;
        var payload = new List<byte>();
        foreach (var frameEvent in events)
        {
            switch (frameEvent)
            {
                case FrameStart start:
                    Assert.Null(header); // the previous frame must have ended
                    header = start.Header;
                    payload.Clear();
                    break;
                case FrameData:
                    Assert.NotNull(header); // data only inside a frame
                    Assert.False(frameEvent.Data.IsEmpty, "a FrameData part without bytes");
                    break;
                default:
                    Assert.Fail($"unexpected event {frameEvent}");
                    break;
            }
            payload.AddRange(frameEvent.Data.ToArray());
            if (frameEvent.LastPart)
            {
                Assert.Equal(header!.Value.Length, payload.Count);
                frames.Add(new ParsedFrame(header.Value, payload.ToArray()));
                header = null;
            }
        }
        Assert.Null(header); // nothing left half-read
        return frames;
    }

    // ---- FrameParser: one frame ----

    [Theory]
    [InlineData(0, 2)]
    [InlineData(1, 2)]
    [InlineData(125, 2)]
    [InlineData(126, 4)]
    [InlineData(65_535, 4)]
    [InlineData(65_536, 10)]
    [InlineData(100_000, 10)]
    public void A_masked_frame_of_each_length_class_parses_to_one_frame_start(int length, int headerWithoutKey)
    {
        var payload = Payload(length);
        var bytes = ClientFrame(Opcode.Binary, payload);
        Assert.Equal(headerWithoutKey + 4 + length, bytes.Length); // the helper chose the minimal form
        var parser = new FrameParser();

        parser.Feed(ByteString.FromBytes(bytes));
        var events = ReadAll(parser);

        var start = Assert.IsType<FrameStart>(Assert.Single(events));
        Assert.Equal(new FrameHeader(Opcode.Binary, Fin: true, Rsv: 0, Masked: true, BitConverter.ToUInt32(Key), length),
            start.Header);
        Assert.True(start.LastPart);
        Assert.Equal(payload, start.Data.ToArray());
        Assert.Equal(0, parser.Buffered);
        Assert.Null(parser.Error);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(126)]
    [InlineData(70_000)]
    public void An_unmasked_frame_is_parsed_with_its_data_as_is(int length)
    {
        var payload = Payload(length);
        var parser = new FrameParser();

        parser.Feed(ByteString.FromBytes(ClientFrame((byte)Opcode.Text, payload, maskKey: null)));

        var start = Assert.IsType<FrameStart>(Assert.Single(ReadAll(parser)));
        Assert.False(start.Header.Masked);
        Assert.Equal(0u, start.Header.MaskKey);
        Assert.Equal(length, start.Header.Length);
        Assert.Equal(payload, start.Data.ToArray());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(200)]
    public void A_non_minimal_64_bit_length_is_read_as_its_value(int length)
    {
        // Minimal length encoding is a protocol rule checked one layer up; the parser only delimits frames.
        var payload = Payload(length);
        var parser = new FrameParser();

        parser.Feed(ByteString.FromBytes(ClientFrame((byte)Opcode.Binary, payload, Key, force64BitLength: true)));

        var start = Assert.IsType<FrameStart>(Assert.Single(ReadAll(parser)));
        Assert.Equal(length, start.Header.Length);
        Assert.Equal(payload, start.Data.ToArray());
    }

    [Theory]
    [InlineData(true, 0, 0x1)]
    [InlineData(false, 0, 0x0)]
    [InlineData(true, 4, 0x2)]  // RSV1
    [InlineData(true, 2, 0x8)]  // RSV2
    [InlineData(true, 1, 0x9)]  // RSV3
    [InlineData(false, 7, 0xA)]
    [InlineData(true, 0, 0x3)]  // reserved opcodes pass through: the protocol layer rejects them
    [InlineData(true, 0, 0xF)]
    public void The_first_byte_is_read_into_fin_rsv_and_opcode(bool fin, byte rsv, byte opcode)
    {
        var parser = new FrameParser();

        parser.Feed(ByteString.FromBytes(ClientFrame(opcode, Payload(3), Key, fin, rsv)));

        var start = Assert.IsType<FrameStart>(Assert.Single(ReadAll(parser)));
        Assert.Equal(fin, start.Header.Fin);
        Assert.Equal(rsv, start.Header.Rsv);
        Assert.Equal((Opcode)opcode, start.Header.Opcode);
    }

    [Fact]
    public void Several_frames_in_one_buffer_parse_in_order()
    {
        var frames = new[]
        {
            (Opcode.Text, Payload(10, 1), false),
            (Opcode.Ping, Payload(125, 2), true),
            (Opcode.Continuation, Payload(300, 3), true),
            (Opcode.Close, Payload(0, 4), true),
        };
        var bytes = frames.SelectMany(f => ClientFrame(f.Item1, f.Item2, f.Item3)).ToArray();
        var parser = new FrameParser();

        parser.Feed(ByteString.FromBytes(bytes));
        var parsed = Reassemble(ReadAll(parser));

        Assert.Equal(frames.Length, parsed.Count);
        for (int i = 0; i < frames.Length; i++)
        {
            Assert.Equal(frames[i].Item1, parsed[i].Header.Opcode);
            Assert.Equal(frames[i].Item3, parsed[i].Header.Fin);
            Assert.Equal(frames[i].Item2, parsed[i].Payload);
        }
    }

    [Fact]
    public void An_incomplete_header_yields_nothing_until_it_is_complete()
    {
        var bytes = ClientFrame(Opcode.Binary, Payload(300));
        var parser = new FrameParser();

        // 2 fixed bytes + 2 length bytes + 4 key bytes: nothing can be emitted before all 8 are here.
        for (int i = 0; i < 7; i++)
        {
            parser.Feed(ByteString.FromBytes([bytes[i]]));
            Assert.False(parser.TryRead(out var nothing));
            Assert.Null(nothing);
        }
        Assert.Equal(7, parser.Buffered);

        parser.Feed(ByteString.FromBytes([bytes[7]]));
        Assert.True(parser.TryRead(out var frameEvent));
        var start = Assert.IsType<FrameStart>(frameEvent);
        Assert.Equal(300, start.Header.Length);
        Assert.True(start.Data.IsEmpty);
        Assert.False(start.LastPart);
    }

    [Fact]
    public void A_payload_arriving_in_parts_yields_a_start_then_data_parts()
    {
        var payload = Payload(1000);
        var bytes = ClientFrame(Opcode.Binary, payload);
        var parser = new FrameParser();

        parser.Feed(ByteString.FromBytes(bytes[..(8 + 300)]));
        var start = Assert.IsType<FrameStart>(Assert.Single(ReadAll(parser)));
        Assert.False(start.LastPart);
        Assert.Equal(payload[..300], start.Data.ToArray());

        parser.Feed(ByteString.FromBytes(bytes[(8 + 300)..(8 + 301)]));
        var middle = Assert.IsType<FrameData>(Assert.Single(ReadAll(parser)));
        Assert.False(middle.LastPart);
        Assert.Equal(payload[300..301], middle.Data.ToArray());

        parser.Feed(ByteString.FromBytes(bytes[(8 + 301)..]));
        var last = Assert.IsType<FrameData>(Assert.Single(ReadAll(parser)));
        Assert.True(last.LastPart);
        Assert.Equal(payload[301..], last.Data.ToArray());
    }

    [Fact]
    public void Events_are_produced_only_on_demand()
    {
        var first = ClientFrame(Opcode.Text, Payload(20, 1));
        var second = ClientFrame(Opcode.Binary, Payload(30, 2));
        var parser = new FrameParser();

        parser.Feed(ByteString.FromBytes(first.Concat(second).ToArray()));

        Assert.True(parser.TryRead(out var firstEvent));
        var firstStart = Assert.IsType<FrameStart>(firstEvent);
        Assert.Equal(Opcode.Text, firstStart.Header.Opcode);
        Assert.True(firstStart.LastPart);
        Assert.Equal(second.Length, parser.Buffered); // the second frame is still untouched

        Assert.True(parser.TryRead(out var secondEvent));
        var secondStart = Assert.IsType<FrameStart>(secondEvent);
        Assert.Equal(Opcode.Binary, secondStart.Header.Opcode);
        Assert.Equal(Payload(30, 2), secondStart.Data.ToArray());
        Assert.Equal(0, parser.Buffered);
        Assert.False(parser.TryRead(out _));
    }

    [Fact]
    public void A_64_bit_length_with_the_most_significant_bit_set_is_an_error()
    {
        var bytes = new byte[] { 0x82, 0x80 | 127, 0x80, 0, 0, 0, 0, 0, 0, 1, 0x37, 0xFA, 0x21, 0x3D, 0x00 };
        var parser = new FrameParser();

        parser.Feed(ByteString.FromBytes(bytes));

        Assert.False(parser.TryRead(out var frameEvent));
        Assert.Null(frameEvent);
        Assert.NotNull(parser.Error);
        // Parsing has stopped for good: a valid frame after it is not read.
        parser.Feed(ByteString.FromBytes(ClientFrame(Opcode.Text, Payload(1))));
        Assert.False(parser.TryRead(out _));
        Assert.NotNull(parser.Error);
    }

    [Fact]
    public void A_64_bit_length_just_below_the_most_significant_bit_is_not_an_error()
    {
        var bytes = new byte[] { 0x82, 0x80 | 127, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x37, 0xFA, 0x21, 0x3D };
        var parser = new FrameParser();

        parser.Feed(ByteString.FromBytes(bytes));

        Assert.True(parser.TryRead(out var frameEvent));
        Assert.Equal(long.MaxValue, Assert.IsType<FrameStart>(frameEvent).Header.Length);
        Assert.Null(parser.Error);
    }

    // ---- FrameParser: any chunking gives back the frames sent ----

    private static readonly byte[] Opcodes = [0x0, 0x1, 0x2, 0x8, 0x9, 0xA, 0x3, 0xB];

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // every chunk below is a fresh array: the parser may unmask it in place
    public void A_stream_of_random_frames_in_random_chunks_parses_back_to_the_same_frames(bool ownsInput)
    {
        var random = new Random(20240601);
        var sent = new List<(FrameHeader Header, byte[] Payload)>();
        var stream = new List<byte>();
        for (int i = 0; i < 50; i++)
        {
            byte opcode = Opcodes[random.Next(Opcodes.Length)];
            bool control = (opcode & 0x8) != 0;
            int length = control
                ? random.Next(0, Protocol.MaxControlPayloadLength + 1)
                : random.Next(5) switch
                {
                    0 => 0,
                    1 => random.Next(1, 126),
                    2 => new[] { 125, 126, 127, 65_535, 65_536 }[random.Next(5)],
                    _ => random.Next(126, 70_001),
                };
            var payload = new byte[length];
            random.NextBytes(payload);
            bool fin = control || random.Next(2) == 0;
            byte rsv = random.Next(4) == 0 ? (byte)random.Next(8) : (byte)0;
            byte[]? key = null;
            if (random.Next(8) != 0)
            {
                key = new byte[4];
                random.NextBytes(key);
            }
            bool force64 = random.Next(10) == 0;

            stream.AddRange(ClientFrame(opcode, payload, key, fin, rsv, force64));
            var header = new FrameHeader((Opcode)opcode, fin, rsv, key is not null,
                key is null ? 0u : BitConverter.ToUInt32(key), length);
            sent.Add((header, payload));
        }
        var bytes = stream.ToArray();

        for (int run = 0; run < 3; run++)
        {
            var parser = new FrameParser(ownsInput);
            var events = new List<FrameEvent>();
            int offset = 0;
            while (offset < bytes.Length)
            {
                int size = random.Next(4) switch
                {
                    0 or 1 => 1,
                    2 => random.Next(1, 20),
                    _ => random.Next(1, 80_000),
                };
                size = Math.Min(size, bytes.Length - offset);
                parser.Feed(ByteString.FromBytes(bytes[offset..(offset + size)]));
                events.AddRange(ReadAll(parser));
                offset += size;
            }

            var received = Reassemble(events);
            Assert.Null(parser.Error);
            Assert.Equal(0, parser.Buffered);
            Assert.Equal(sent.Count, received.Count);
            for (int i = 0; i < sent.Count; i++)
            {
                Assert.Equal(sent[i].Header, received[i].Header);
                Assert.True(sent[i].Payload.AsSpan().SequenceEqual(received[i].Payload), $"run {run}, frame {i} payload");
            }
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_stream_fed_one_byte_at_a_time_parses_back_to_the_same_frames(bool ownsInput)
    {
        var payloads = new[] { Payload(0, 1), Payload(1, 2), Payload(125, 3), Payload(126, 4), Payload(1000, 5) };
        var bytes = payloads.SelectMany((p, i) => ClientFrame(i % 2 == 0 ? Opcode.Text : Opcode.Binary, p)).ToArray();
        var parser = new FrameParser(ownsInput);
        var events = new List<FrameEvent>();

        foreach (var b in bytes)
        {
            parser.Feed(ByteString.FromBytes([b]));
            events.AddRange(ReadAll(parser));
        }

        var received = Reassemble(events);
        Assert.Equal(payloads.Length, received.Count);
        for (int i = 0; i < payloads.Length; i++) Assert.Equal(payloads[i], received[i].Payload);
    }

    // ---- FrameParser: unmasking where the bytes lie (input it owns) ----

    [Fact]
    public void A_parser_that_does_not_own_its_input_never_writes_to_it()
    {
        var payload = Payload(4096);
        var bytes = ClientFrame(Opcode.Binary, payload);
        var sent = bytes.ToArray();
        var parser = new FrameParser();

        parser.Feed(ByteString.FromBytes(bytes));
        var start = Assert.IsType<FrameStart>(Assert.Single(ReadAll(parser)));

        Assert.Equal(payload, start.Data.ToArray());
        Assert.Equal(sent, bytes); // still the masked frame: a shared buffer is left as it was
    }

    [Fact]
    public void A_parser_that_owns_its_input_unmasks_a_payload_where_it_lies()
    {
        var payload = Payload(4096);
        var bytes = ClientFrame(Opcode.Binary, payload);
        int headerLength = bytes.Length - payload.Length;
        var parser = new FrameParser(ownsInput: true);

        parser.Feed(ByteString.FromBytes(bytes));
        var start = Assert.IsType<FrameStart>(Assert.Single(ReadAll(parser)));

        Assert.Equal(payload, start.Data.ToArray());
        Assert.Equal(payload, bytes[headerLength..]); // no copy: the received array now holds the unmasked payload
    }

    [Fact]
    public void A_payload_under_half_of_its_received_chunk_is_copied_so_that_keeping_it_keeps_little_else()
    {
        var small = Payload(10, 1);
        var large = Payload(1000, 2);
        var smallFrame = ClientFrame(Opcode.Text, small);
        var bytes = smallFrame.Concat(ClientFrame(Opcode.Binary, large)).ToArray();
        var parser = new FrameParser(ownsInput: true);

        parser.Feed(ByteString.FromBytes(bytes));
        var events = ReadAll(parser);

        Assert.Equal(2, events.Count);
        Assert.Equal(small, events[0].Data.ToArray());
        Assert.Equal(large, events[1].Data.ToArray());
        Assert.Equal(ClientFrame(Opcode.Text, small), bytes[..smallFrame.Length]); // the small one was copied out
        Assert.Equal(large, bytes[^large.Length..]); // the large one, at least half of the chunk, was unmasked in place
    }

    // ---- FrameRenderer ----

    [Theory]
    [InlineData(0, "00")]
    [InlineData(125, "7D")]
    [InlineData(126, "7E 00 7E")]
    [InlineData(20_000, "7E 4E 20")]
    [InlineData(65_535, "7E FF FF")]
    [InlineData(65_536, "7F 00 00 00 00 00 01 00 00")]
    public void Render_writes_fin_opcode_and_the_minimal_length_without_a_mask(int length, string lengthHex)
    {
        var payload = Payload(length);

        var rendered = FrameRenderer.Render(new OutboundFrame(Opcode.Binary, ByteString.FromBytes(payload))).ToArray();

        var expectedHeader = new byte[] { 0x82 }.Concat(Convert.FromHexString(lengthHex.Replace(" ", ""))).ToArray();
        Assert.Equal(expectedHeader, rendered[..expectedHeader.Length]);
        Assert.Equal(0, rendered[1] & 0x80); // §5.1: a server never masks
        Assert.Equal(payload, rendered[expectedHeader.Length..]);
        Assert.Equal(FrameRenderer.HeaderLength(length), expectedHeader.Length);
    }

    [Theory]
    [InlineData((byte)Opcode.Text, true, 0x81)]
    [InlineData((byte)Opcode.Text, false, 0x01)]
    [InlineData((byte)Opcode.Continuation, true, 0x80)]
    [InlineData((byte)Opcode.Continuation, false, 0x00)]
    [InlineData((byte)Opcode.Close, true, 0x88)]
    [InlineData((byte)Opcode.Ping, true, 0x89)]
    [InlineData((byte)Opcode.Pong, true, 0x8A)]
    public void Render_puts_the_fin_bit_and_opcode_in_the_first_byte(byte opcode, bool fin, byte expected)
    {
        var rendered = FrameRenderer.Render(new OutboundFrame((Opcode)opcode, ByteString.FromBytes([1, 2]), fin)).ToArray();

        Assert.Equal(new byte[] { expected, 0x02, 1, 2 }, rendered);
    }

    [Fact]
    public void Render_of_the_rfc_example_unmasked_hello()
    {
        // §5.7: a single-frame unmasked text message "Hello".
        var rendered = FrameRenderer.Render(new OutboundFrame(Opcode.Text, ByteString.FromString("Hello"))).ToArray();

        Assert.Equal(new byte[] { 0x81, 0x05, 0x48, 0x65, 0x6C, 0x6C, 0x6F }, rendered);
    }

    [Theory]
    [InlineData(100)]
    [InlineData(20_000)]
    public void Render_copies_a_payload_made_of_several_segments(int length)
    {
        var payload = Payload(length);
        var segmented = ByteString.FromBytes(payload[..(length / 3)])
            .Concat(ByteString.FromBytes(payload[(length / 3)..(length / 2)]))
            .Concat(ByteString.FromBytes(payload[(length / 2)..]));

        var rendered = FrameRenderer.Render(new OutboundFrame(Opcode.Binary, segmented)).ToArray();

        Assert.Equal(payload, rendered[FrameRenderer.HeaderLength(length)..]);
    }

    [Theory]
    [InlineData(0L, 2)]
    [InlineData(125L, 2)]
    [InlineData(126L, 4)]
    [InlineData(65_535L, 4)]
    [InlineData(65_536L, 10)]
    [InlineData(long.MaxValue, 10)]
    public void HeaderLength_is_the_minimal_server_header_size(long payloadLength, int expected) =>
        Assert.Equal(expected, FrameRenderer.HeaderLength(payloadLength));

    [Theory]
    [InlineData((byte)Opcode.Text, true, 0)]
    [InlineData((byte)Opcode.Binary, false, 125)]
    [InlineData((byte)Opcode.Continuation, true, 126)]
    [InlineData((byte)Opcode.Ping, true, 125)]
    [InlineData((byte)Opcode.Close, true, 2)]
    [InlineData((byte)Opcode.Binary, true, 65_535)]
    [InlineData((byte)Opcode.Binary, true, 65_536)]
    [InlineData((byte)Opcode.Text, false, FrameRenderer.CopyThreshold + 1)]
    public void A_rendered_frame_parses_back_to_the_same_frame(byte opcode, bool fin, int length)
    {
        var payload = Payload(length);
        var parser = new FrameParser();

        parser.Feed(FrameRenderer.Render(new OutboundFrame((Opcode)opcode, ByteString.FromBytes(payload), fin)));

        var frame = Assert.Single(Reassemble(ReadAll(parser)));
        Assert.Equal(new FrameHeader((Opcode)opcode, fin, Rsv: 0, Masked: false, MaskKey: 0, length), frame.Header);
        Assert.Equal(payload, frame.Payload);
    }
}

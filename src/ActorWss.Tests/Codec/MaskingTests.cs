using ActorWss.WebSocket;

namespace ActorWss.Tests.Codec;

/// <summary>
/// RFC 6455 §5.3: payload byte i is XORed with key byte (i mod 4). <see cref="Masking.Apply"/> is vectorised, so it is
/// checked against the obvious byte-by-byte loop for lengths around every vector and word width, every phase, in place
/// and out of place, and across arbitrary chunkings.
/// </summary>
public class MaskingTests
{
    private static readonly byte[] KeyBytes = [0x37, 0xFA, 0x21, 0x3D];

    /// <summary>The key as the parser hands it over: the four wire bytes read in native order.</summary>
    private static readonly uint Mask = BitConverter.ToUInt32(KeyBytes);

    public static TheoryData<int> Phases => new() { 0, 1, 2, 3 };

    /// <summary>0..200 covers every tail length around 8-, 16-, 32- and 64-byte blocks; the rest are larger odd sizes.</summary>
    private static IEnumerable<int> Lengths() =>
        Enumerable.Range(0, 201).Concat([255, 256, 257, 1000, 1023, 4096, 4096 + 3, 65_536 + 7]);

    private static byte[] Reference(byte[] source, byte[] key, int phase)
    {
        var result = new byte[source.Length];
        for (int i = 0; i < source.Length; i++) result[i] = (byte)(source[i] ^ key[(phase + i) % 4]);
        return result;
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    [Theory]
    [MemberData(nameof(Phases))]
    public void Apply_into_a_separate_buffer_matches_a_byte_by_byte_xor(int phase)
    {
        var random = new Random(17 + phase);
        foreach (int length in Lengths())
        {
            var source = RandomBytes(random, length);
            var original = (byte[])source.Clone();
            var destination = new byte[length];

            int next = Masking.Apply(source, destination, Mask, phase);

            Assert.True(Reference(source, KeyBytes, phase).AsSpan().SequenceEqual(destination), $"length {length}");
            Assert.Equal((phase + length) & 3, next);
            Assert.True(original.AsSpan().SequenceEqual(source), $"source changed at length {length}");
        }
    }

    [Theory]
    [MemberData(nameof(Phases))]
    public void Apply_in_place_matches_a_byte_by_byte_xor(int phase)
    {
        var random = new Random(31 + phase);
        foreach (int length in Lengths())
        {
            var buffer = RandomBytes(random, length);
            var expected = Reference(buffer, KeyBytes, phase);

            int next = Masking.Apply(buffer, buffer, Mask, phase);

            Assert.True(expected.AsSpan().SequenceEqual(buffer), $"length {length}");
            Assert.Equal((phase + length) & 3, next);
        }
    }

    [Theory]
    [MemberData(nameof(Phases))]
    public void Apply_on_unaligned_spans_matches_a_byte_by_byte_xor(int phase)
    {
        var random = new Random(47 + phase);
        foreach (int length in Lengths().Where(l => l % 7 == 0 || l > 200))
        {
            var backing = RandomBytes(random, length + 3);
            var source = backing.AsSpan(3, length);
            var expected = Reference(source.ToArray(), KeyBytes, phase);
            var destinationBacking = new byte[length + 1];

            Masking.Apply(source, destinationBacking.AsSpan(1), Mask, phase);

            Assert.True(expected.AsSpan().SequenceEqual(destinationBacking.AsSpan(1)), $"length {length}");
            Assert.Equal(0, destinationBacking[0]);
        }
    }

    [Fact]
    public void Applying_the_mask_twice_restores_the_payload()
    {
        var payload = RandomBytes(new Random(5), 1000);
        var buffer = (byte[])payload.Clone();

        Masking.Apply(buffer, buffer, Mask, 2);
        Masking.Apply(buffer, buffer, Mask, 2);

        Assert.Equal(payload, buffer);
    }

    [Fact]
    public void A_zero_mask_leaves_the_payload_unchanged()
    {
        var payload = RandomBytes(new Random(6), 300);
        var destination = new byte[payload.Length];

        Masking.Apply(payload, destination, 0u, 1);

        Assert.Equal(payload, destination);
    }

    [Fact]
    public void An_empty_input_returns_the_phase_unchanged()
    {
        for (int phase = 0; phase < 4; phase++)
            Assert.Equal(phase, Masking.Apply(ReadOnlySpan<byte>.Empty, Span<byte>.Empty, Mask, phase));
    }

    [Fact]
    public void The_rfc_6455_example_masks_hello()
    {
        // §5.7: a masked "Hello" with key 37 fa 21 3d is 7f 9f 4d 51 58.
        var destination = new byte[5];

        Masking.Apply("Hello"u8, destination, Mask, 0);

        Assert.Equal(new byte[] { 0x7F, 0x9F, 0x4D, 0x51, 0x58 }, destination);
    }

    [Theory]
    [MemberData(nameof(Phases))]
    public void Chaining_apply_over_arbitrary_splits_equals_one_call(int startPhase)
    {
        var random = new Random(101 + startPhase);
        for (int round = 0; round < 200; round++)
        {
            int length = round < 100 ? random.Next(0, 300) : random.Next(300, 20_000);
            var source = RandomBytes(random, length);
            var whole = new byte[length];
            int wholePhase = Masking.Apply(source, whole, Mask, startPhase);

            var chunked = new byte[length];
            int phase = startPhase;
            int offset = 0;
            while (offset < length)
            {
                int size = random.Next(4) == 0 ? 1 : random.Next(1, Math.Min(length - offset, 200) + 1);
                size = Math.Min(size, length - offset);
                phase = Masking.Apply(source.AsSpan(offset, size), chunked.AsSpan(offset, size), Mask, phase);
                offset += size;
            }

            Assert.Equal(whole, chunked);
            Assert.Equal(wholePhase, phase);
        }
    }
}

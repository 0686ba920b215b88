using System.Text;
using System.Text.Unicode;
using ActorWss.WebSocket;

namespace ActorWss.Tests.Codec;

/// <summary>
/// RFC 6455 §8.1 with RFC 3629 UTF-8: no overlongs, no surrogates, nothing above U+10FFFF. The validator sees a message
/// in chunks; whatever the chunking, its verdict must equal the whole-buffer <see cref="Utf8.IsValid"/>.
/// </summary>
public class Utf8ValidatorTests
{
    private static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", ""));

    /// <summary>The verdict on a whole message: every Feed accepted and the text ends on a character boundary.</summary>
    private static bool Verdict(IEnumerable<byte[]> chunks)
    {
        var validator = new Utf8Validator();
        foreach (var chunk in chunks)
            if (!validator.Feed(chunk)) return false;
        return validator.IsComplete;
    }

    private static bool VerdictWhole(byte[] bytes) => Verdict([bytes]);

    private static IEnumerable<byte[]> ByteByByte(byte[] bytes) => bytes.Select(b => new[] { b });

    private static IEnumerable<byte[]> SplitAt(byte[] bytes, params int[] points)
    {
        int previous = 0;
        foreach (int point in points)
        {
            yield return bytes[previous..point];
            previous = point;
        }
        yield return bytes[previous..];
    }

    // ---- Whole-buffer verdicts ----

    [Theory]
    [InlineData("")]
    [InlineData("48 65 6C 6C 6F")]                      // ASCII "Hello"
    [InlineData("00")]                                  // U+0000 is a valid character
    [InlineData("7F")]                                  // U+007F, last 1-byte
    [InlineData("C2 80")]                               // U+0080, first 2-byte
    [InlineData("C3 A9")]                               // é
    [InlineData("DF BF")]                               // U+07FF, last 2-byte
    [InlineData("E0 A0 80")]                            // U+0800, first 3-byte
    [InlineData("E2 82 AC")]                            // €
    [InlineData("ED 9F BF")]                            // U+D7FF, just below the surrogates
    [InlineData("EE 80 80")]                            // U+E000, just above the surrogates
    [InlineData("EF BF BD")]                            // U+FFFD replacement character
    [InlineData("EF BF BF")]                            // U+FFFF, last 3-byte
    [InlineData("F0 90 80 80")]                         // U+10000, first 4-byte
    [InlineData("F0 9F 98 80")]                         // 😀
    [InlineData("F4 8F BF BF")]                         // U+10FFFF, the last code point
    [InlineData("CE BA E1 BD B9 CF 83 CE BC CE B5")]    // κόσμε
    public void Valid_utf8_is_accepted(string hex)
    {
        var bytes = Hex(hex);
        var validator = new Utf8Validator();

        Assert.True(validator.Feed(bytes));
        Assert.True(validator.IsComplete);
    }

    [Theory]
    // Overlong encodings.
    [InlineData("C0 80")]
    [InlineData("C1 BF")]
    [InlineData("E0 80 80")]
    [InlineData("E0 9F BF")]
    [InlineData("F0 80 80 80")]
    [InlineData("F0 8F BF BF")]
    // UTF-16 surrogates encoded as UTF-8.
    [InlineData("ED A0 80")]
    [InlineData("ED BF BF")]
    [InlineData("ED A0 80 ED B0 80")]                   // a surrogate pair, each half encoded
    // Above U+10FFFF, and bytes that never occur in UTF-8.
    [InlineData("F4 90 80 80")]
    [InlineData("F5 80 80 80")]
    [InlineData("F7 BF BF BF")]
    [InlineData("F8")]
    [InlineData("F8 88 80 80 80")]
    [InlineData("FC 84 80 80 80 80")]
    [InlineData("FE")]
    [InlineData("FF")]
    // Lone continuation bytes.
    [InlineData("80")]
    [InlineData("BF")]
    [InlineData("41 80 41")]
    [InlineData("C3 A9 A9")]
    // A lead byte followed by ASCII.
    [InlineData("C3 41")]
    [InlineData("E2 82 41")]
    [InlineData("F0 9F 98 41")]
    [InlineData("E2 41 41")]
    public void Invalid_utf8_is_rejected(string hex)
    {
        var bytes = Hex(hex);
        var validator = new Utf8Validator();

        Assert.False(validator.Feed(bytes));
        Assert.False(Utf8.IsValid(bytes)); // the reference agrees
    }

    [Theory]
    [InlineData("C3")]
    [InlineData("E2")]
    [InlineData("E2 82")]
    [InlineData("F0")]
    [InlineData("F0 9F")]
    [InlineData("F0 9F 98")]
    [InlineData("48 69 F4 8F BF")]
    public void A_sequence_truncated_at_the_end_is_accepted_so_far_but_not_complete(string hex)
    {
        var validator = new Utf8Validator();

        Assert.True(validator.Feed(Hex(hex)));
        Assert.False(validator.IsComplete);
    }

    [Theory]
    [InlineData("E0 80")]      // overlong whatever follows
    [InlineData("E0 9F")]
    [InlineData("ED A0")]      // a surrogate whatever follows
    [InlineData("F0 8F")]      // overlong
    [InlineData("F4 90")]      // above U+10FFFF
    [InlineData("C0")]
    [InlineData("C1")]
    [InlineData("F5")]
    public void A_truncated_prefix_that_no_continuation_can_fix_is_rejected_at_once(string hex)
    {
        var validator = new Utf8Validator();

        Assert.False(validator.Feed(Hex(hex)));
    }

    [Fact]
    public void A_truncated_sequence_completed_by_the_next_chunk_is_complete()
    {
        var validator = new Utf8Validator();

        Assert.True(validator.Feed(Hex("41 F0 9F")));
        Assert.False(validator.IsComplete);
        Assert.True(validator.Feed(Hex("98 80 42")));
        Assert.True(validator.IsComplete);
    }

    [Fact]
    public void Empty_chunks_change_nothing()
    {
        var validator = new Utf8Validator();

        Assert.True(validator.Feed([]));
        Assert.True(validator.IsComplete);
        Assert.True(validator.Feed(Hex("E2")));
        Assert.True(validator.Feed([]));
        Assert.False(validator.IsComplete);
        Assert.True(validator.Feed(Hex("82")));
        Assert.True(validator.Feed([]));
        Assert.True(validator.Feed(Hex("AC")));
        Assert.True(validator.IsComplete);
    }

    [Fact]
    public void Reset_forgets_a_pending_sequence()
    {
        var validator = new Utf8Validator();
        Assert.True(validator.Feed(Hex("E2 82")));

        validator.Reset();

        Assert.True(validator.IsComplete);
        Assert.True(validator.Feed(Hex("41")));
        Assert.True(validator.IsComplete);
    }

    // ---- Any chunking gives the whole-buffer verdict ----

    public static TheoryData<string> SplitCases => new()
    {
        // valid
        "",
        "41",
        "C3 A9",
        "E2 82 AC",
        "F0 9F 98 80",
        "F4 8F BF BF",
        "EF BF BD",
        "CE BA E1 BD B9 CF 83 CE BC CE B5",
        "41 C3 A9 E2 82 AC F0 9F 98 80 42",
        "F0 9F 98 80 F0 9F 98 80 F0 9F 98 80",
        "E0 A0 80 DF BF C2 80 7F EF BF BF F0 90 80 80",
        // invalid
        "C0 80",
        "E0 80 80",
        "E0 9F BF",
        "F0 8F BF BF",
        "ED A0 80",
        "ED BF BF",
        "F4 90 80 80",
        "F5 80 80 80",
        "FF",
        "80",
        "41 80",
        "C3 41",
        "E2 82 41",
        "F0 9F 98 41",
        "F0 9F 98 80 80",
        "CE BA E1 BD B9 CF 83 CE BC CE B5 ED A0 80 65 64 69 74 65 64",
        "CE BA E1 BD B9 CF 83 CE BC CE B5 F4 90 80 80 65 64 69 74 65 64",
        // truncated at the end
        "C3",
        "E2 82",
        "F0 9F 98",
        "41 42 43 F0 9F",
        "CE BA E1 BD",
    };

    [Theory]
    [MemberData(nameof(SplitCases))]
    public void Splitting_at_every_point_gives_the_whole_buffer_verdict(string hex)
    {
        var bytes = Hex(hex);
        bool expected = Utf8.IsValid(bytes);

        Assert.Equal(expected, VerdictWhole(bytes));
        for (int point = 0; point <= bytes.Length; point++)
            Assert.True(expected == Verdict(SplitAt(bytes, point)), $"split at {point}");
    }

    [Theory]
    [MemberData(nameof(SplitCases))]
    public void Splitting_at_every_pair_of_points_gives_the_whole_buffer_verdict(string hex)
    {
        var bytes = Hex(hex);
        bool expected = Utf8.IsValid(bytes);

        for (int first = 0; first <= bytes.Length; first++)
            for (int second = first; second <= bytes.Length; second++)
                Assert.True(expected == Verdict(SplitAt(bytes, first, second)), $"split at {first} and {second}");
    }

    [Theory]
    [MemberData(nameof(SplitCases))]
    public void Feeding_byte_by_byte_gives_the_whole_buffer_verdict(string hex)
    {
        var bytes = Hex(hex);

        Assert.Equal(Utf8.IsValid(bytes), Verdict(ByteByByte(bytes)));
    }

    [Fact]
    public void Random_text_in_random_chunks_gets_the_whole_buffer_verdict()
    {
        var random = new Random(1234);
        int valid = 0, invalid = 0;
        for (int round = 0; round < 4000; round++)
        {
            var bytes = RandomMostlyUtf8(random);
            bool expected = Utf8.IsValid(bytes);
            if (expected) valid++; else invalid++;

            Assert.True(expected == VerdictWhole(bytes), $"round {round}, whole: {Convert.ToHexString(bytes)}");
            Assert.True(expected == Verdict(RandomChunks(random, bytes)),
                $"round {round}, chunked: {Convert.ToHexString(bytes)}");
            if (round % 10 == 0)
                Assert.True(expected == Verdict(ByteByByte(bytes)), $"round {round}, byte by byte: {Convert.ToHexString(bytes)}");
        }
        // The generator must exercise both verdicts, or the comparison proves little.
        Assert.True(valid > 500, $"only {valid} valid inputs");
        Assert.True(invalid > 500, $"only {invalid} invalid inputs");
    }

    /// <summary>
    /// Valid characters of every length, with now and then one damaged byte, a stray byte, or a cut sequence; sometimes
    /// long enough to reach the vectorised path.
    /// </summary>
    private static byte[] RandomMostlyUtf8(Random random)
    {
        var bytes = new List<byte>();
        int characters = random.Next(4) == 0 ? random.Next(0, 200) : random.Next(0, 12);
        Span<byte> encoded = stackalloc byte[4];
        for (int c = 0; c < characters; c++)
        {
            int scalar = random.Next(5) switch
            {
                0 => random.Next(0, 0x80),
                1 => random.Next(0x80, 0x800),
                2 => random.Next(0x800, 0xD800),
                3 => random.Next(0xE000, 0x10000),
                _ => random.Next(0x10000, 0x110000),
            };
            int length = new Rune(scalar).EncodeToUtf8(encoded);
            for (int k = 0; k < length; k++) bytes.Add(encoded[k]);
        }

        switch (random.Next(6))
        {
            case 0: // flip a byte to anything
                if (bytes.Count > 0) bytes[random.Next(bytes.Count)] = (byte)random.Next(256);
                break;
            case 1: // insert a byte from the interesting range
                bytes.Insert(random.Next(bytes.Count + 1), (byte)random.Next(0x80, 0x100));
                break;
            case 2: // cut the end
                int cut = Math.Min(bytes.Count, random.Next(1, 4));
                bytes.RemoveRange(bytes.Count - cut, cut);
                break;
            case 3: // a hand-picked bad or edge sequence
                var edge = EdgeSequences[random.Next(EdgeSequences.Length)];
                bytes.InsertRange(random.Next(bytes.Count + 1), edge);
                break;
            default: // leave it valid
                break;
        }
        return bytes.ToArray();
    }

    private static readonly byte[][] EdgeSequences =
    [
        [0xC0, 0x80], [0xC1, 0xBF], [0xE0, 0x80, 0x80], [0xE0, 0x9F, 0xBF], [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF],
        [0xF0, 0x8F, 0xBF, 0xBF], [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xF8], [0xFF], [0x80], [0xBF],
        [0xE0, 0xA0, 0x80], [0xED, 0x9F, 0xBF], [0xEE, 0x80, 0x80], [0xF0, 0x90, 0x80, 0x80], [0xF4, 0x8F, 0xBF, 0xBF],
        [0xEF, 0xBF, 0xBD], [0xC2], [0xE2, 0x82], [0xF0, 0x9F, 0x98],
    ];

    private static List<byte[]> RandomChunks(Random random, byte[] bytes)
    {
        var chunks = new List<byte[]>();
        int offset = 0;
        while (offset < bytes.Length)
        {
            int size = random.Next(3) switch
            {
                0 => 1,
                1 => random.Next(1, 5),
                _ => random.Next(1, bytes.Length + 1),
            };
            size = Math.Min(size, bytes.Length - offset);
            chunks.Add(bytes[offset..(offset + size)]);
            offset += size;
        }
        return chunks;
    }

    // ---- Invalid input is reported at the chunk that contains it ----

    private static readonly byte[] Kosme = Encoding.UTF8.GetBytes("κόσμε");
    private static readonly byte[] Edited = Encoding.UTF8.GetBytes("edited");

    /// <summary>
    /// Autobahn 6.4.x: "κόσμε", then a sequence that turns invalid at a known byte, then more valid text. The second
    /// argument is the offset of the first byte that makes the text invalid, counted from the end of "κόσμε".
    /// </summary>
    public static TheoryData<string, int> FailFastCases => new()
    {
        { "ED A0 80", 1 },       // a surrogate: ED could still start U+D000..U+D7FF; A0 cannot follow it
        { "F4 90 80 80", 1 },    // above U+10FFFF: F4 is fine, 90 is not
        { "80 80", 0 },          // a lone continuation byte
        { "C0 80", 0 },          // C0 never occurs
        { "F8 88 80 80 80", 0 }, // F8 never occurs
        { "E2 82 41", 2 },       // a lead byte followed by ASCII
        { "F0 9F 98 2E", 3 },
    };

    [Theory]
    [MemberData(nameof(FailFastCases))]
    public void Invalid_input_is_reported_at_the_chunk_that_contains_the_first_invalid_byte(string badHex, int badOffset)
    {
        var bytes = Kosme.Concat(Hex(badHex)).Concat(Edited).ToArray();
        int firstInvalid = Kosme.Length + badOffset;

        for (int chunkSize = 1; chunkSize <= bytes.Length; chunkSize++)
        {
            var validator = new Utf8Validator();
            for (int offset = 0; offset < bytes.Length; offset += chunkSize)
            {
                int end = Math.Min(offset + chunkSize, bytes.Length);
                bool accepted = validator.Feed(bytes.AsSpan(offset, end - offset));
                bool containsInvalid = firstInvalid < end;
                Assert.True(accepted == !containsInvalid,
                    $"chunk size {chunkSize}: chunk [{offset}, {end}) was {(accepted ? "accepted" : "rejected")}");
                if (!accepted) break;
            }
        }
    }

    [Fact]
    public void Invalid_input_is_reported_even_when_the_bad_byte_starts_a_chunk()
    {
        var validator = new Utf8Validator();

        Assert.True(validator.Feed(Kosme));
        Assert.True(validator.Feed(Hex("ED")));
        Assert.False(validator.Feed(Hex("A0 80").Concat(Edited).ToArray()));
    }
}

using System.Buffers.Binary;
using System.Text;

namespace ActorWss.Tests.Reliability.Fuzz;

/// <summary>
/// Sequences of client frames from a seeded random source: mostly valid traffic (messages of every size up to and
/// around the limit, fragmented, with control frames between fragments), and in about a third of the sequences one
/// rule of RFC 6455 broken somewhere. Every sequence ends with a Close, so every case has an end the oracle knows.
/// </summary>
internal sealed class FrameFuzzer(int seed, int maxMessageSize)
{
    private readonly Random _random = new(seed);

    private static readonly string[] Texts = ["", "a", "hello", "é✓😀", "κόσμε", new string('x', 300)];

    public List<FuzzFrame> NextSequence()
    {
        var frames = new List<FuzzFrame>();
        int messages = _random.Next(0, 5);
        for (int i = 0; i < messages; i++) AddMessage(frames);
        if (_random.Next(3) == 0) Break(frames);
        frames.Add(Close());
        return frames;
    }

    private void AddMessage(List<FuzzFrame> frames)
    {
        bool text = _random.Next(2) == 0;
        byte[] payload = text ? TextPayload() : BinaryPayload();
        int fragments = _random.Next(4) == 0 ? _random.Next(2, 5) : 1;
        int offset = 0;
        for (int f = 0; f < fragments; f++)
        {
            int end = f == fragments - 1 ? payload.Length : _random.Next(offset, payload.Length + 1);
            frames.Add(Data(f == 0 ? (byte)(text ? 1 : 2) : (byte)0, payload[offset..end], fin: f == fragments - 1));
            offset = end;
            if (_random.Next(4) == 0) frames.Add(_random.Next(2) == 0 ? Ping() : Control(10, RandomBytes(_random.Next(0, 20))));
        }
    }

    private byte[] TextPayload()
    {
        var text = Texts[_random.Next(Texts.Length)];
        if (_random.Next(8) == 0) text = new string('y', maxMessageSize - 1 + _random.Next(3)); // at the limit, by one either way
        return Encoding.UTF8.GetBytes(text);
    }

    private byte[] BinaryPayload() => _random.Next(6) switch
    {
        0 => RandomBytes(maxMessageSize - 1 + _random.Next(3)),
        1 => [],
        _ => RandomBytes(_random.Next(1, 200)),
    };

    /// <summary>Breaks one rule somewhere in the sequence.</summary>
    private void Break(List<FuzzFrame> frames)
    {
        int at = _random.Next(frames.Count + 1);
        FuzzFrame bad = _random.Next(14) switch
        {
            0 => Data(2, RandomBytes(5)) with { Rsv = (byte)_random.Next(1, 8) },
            1 => Data(1, "x"u8.ToArray()) with { Masked = false },
            2 => new FuzzFrame((byte)_random.Next(3, 8), true, 0, true, RandomBytes(3)),
            3 => new FuzzFrame((byte)_random.Next(11, 16), true, 0, true, RandomBytes(3)),
            4 => Control(9, RandomBytes(126)),
            5 => Control(9, RandomBytes(3)) with { Fin = false },
            6 => Data(0, RandomBytes(3)),
            7 => Data(1, [0xCE, 0xBA, 0xFF]),
            8 => Data(1, [0xED, 0xA0, 0x80]) with { Fin = _random.Next(2) == 0 },
            9 => Data(2, [], fin: _random.Next(2) == 0) with { DeclaredLength = (ulong)long.MaxValue - (ulong)_random.Next(2) },
            10 => Data(2, RandomBytes(maxMessageSize + 1)),
            11 => Control(8, ClosePayload((ushort)(_random.Next(2) == 0 ? _random.Next(0, 1000) : _random.Next(5000, 65536)))),
            12 => Control(8, [0x03]),
            _ => Control(8, [0x03, 0xE8, 0xFF, 0xFE]),
        };
        frames.Insert(at, bad);
        // A started message that the bad frame interrupts makes it a second violation: fine, the oracle takes either code.
    }

    private FuzzFrame Close()
    {
        ushort code = _random.Next(4) switch { 0 => 1000, 1 => 1001, 2 => (ushort)_random.Next(3000, 5000), _ => 0 };
        return Control(8, code == 0 ? [] : ClosePayload(code));
    }

    private FuzzFrame Ping() => Control(9, RandomBytes(_random.Next(0, 126)));

    private static FuzzFrame Data(byte opcode, byte[] payload, bool fin = true) => new(opcode, fin, 0, true, payload);

    private static FuzzFrame Control(byte opcode, byte[] payload) => new(opcode, true, 0, true, payload);

    private static byte[] ClosePayload(ushort code)
    {
        var payload = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(payload, code);
        return payload;
    }

    private byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        _random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>Cuts <paramref name="bytes"/> into 1 to 4 writes at random places, so frames straddle reads (and TLS records).</summary>
    public List<byte[]> Split(byte[] bytes)
    {
        int parts = _random.Next(1, 5);
        var cuts = Enumerable.Range(0, parts - 1).Select(_ => _random.Next(bytes.Length + 1)).Order().ToList();
        var result = new List<byte[]>();
        int start = 0;
        foreach (int cut in cuts.Append(bytes.Length))
        {
            if (cut > start) result.Add(bytes[start..cut]);
            start = Math.Max(start, cut);
        }
        return result;
    }
}

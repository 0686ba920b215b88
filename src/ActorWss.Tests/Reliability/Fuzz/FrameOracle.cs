using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;
using ActorWss.Tests.Support;

namespace ActorWss.Tests.Reliability.Fuzz;

/// <summary>A client frame as the fuzzer writes it: any opcode, flags, masking, and a declared length that may lie.</summary>
internal sealed record FuzzFrame(byte Opcode, bool Fin, byte Rsv, bool Masked, byte[] Payload, ulong? DeclaredLength = null)
{
    public byte[] ToBytes() => DeclaredLength is { } declared
        ? ClientFrames.Build(Opcode, [], Fin, Masked, Rsv, declaredLength: declared) // the header alone
        : ClientFrames.Build(Opcode, Payload, Fin, Masked, Rsv);

    public override string ToString() =>
        $"[op {Opcode:X} fin {Fin} rsv {Rsv} masked {Masked} len {DeclaredLength?.ToString() ?? Payload.Length.ToString()}]";
}

/// <summary>What RFC 6455 says a server does with a sequence of client frames.</summary>
/// <param name="Echoes">The data messages an echo server sends back, in order (opcode, payload).</param>
/// <param name="CloseCodes">The codes its Close may carry (several when one frame breaks several rules: the RFC orders no checks).</param>
/// <param name="Pings">Ping payloads sent: every pong must carry one of them (§5.5.3: only the latest need be answered).</param>
/// <param name="AllEchoed">
/// The peer closed normally, so every message before its Close is answered (§5.5.1 lets the server finish sending
/// first; this server does). After a broken rule or an error code the server closes at once (§7.1.7): any prefix.
/// </param>
internal sealed record OracleVerdict(IReadOnlyList<(byte Opcode, byte[] Payload)> Echoes, IReadOnlySet<ushort> CloseCodes,
    IReadOnlyList<byte[]> Pings, bool AllEchoed = false);

/// <summary>
/// An independent model of an RFC 6455 echo server, written from the RFC rather than from the server: §5.1 (masking),
/// §5.2 (RSV, opcodes), §5.4 (fragmentation), §5.5 (control frames), §5.5.1 and §7.4 (Close and its codes), §8.1
/// (UTF-8, checked as early as the bytes allow) and §7.4.1 1009 (the message size limit).
/// </summary>
internal static class FrameOracle
{
    public static OracleVerdict Judge(IReadOnlyList<FuzzFrame> frames, long maxMessageSize)
    {
        var echoes = new List<(byte, byte[])>();
        var pings = new List<byte[]>();
        bool inMessage = false;
        byte messageOpcode = 0;
        var message = new List<byte>();

        foreach (var frame in frames)
        {
            long length = frame.DeclaredLength is { } d ? (long)d : frame.Payload.Length;
            var broken = new HashSet<ushort>();
            if (frame.Rsv != 0) broken.Add(1002);                                              // §5.2
            if (frame.Opcode is not (0 or 1 or 2 or 8 or 9 or 10)) broken.Add(1002);           // §5.2
            if (!frame.Masked) broken.Add(1002);                                                // §5.1
            if (frame.DeclaredLength is { } declared && declared > long.MaxValue) broken.Add(1002); // §5.2: top bit
            bool control = frame.Opcode >= 8;
            if (control && (!frame.Fin || length > 125)) broken.Add(1002);                      // §5.5
            if (!control && frame.Opcode is 0 or 1 or 2)
            {
                if (frame.Opcode == 0 && !inMessage) broken.Add(1002);                          // §5.4
                if (frame.Opcode != 0 && inMessage) broken.Add(1002);                           // §5.4
                long sofar = frame.Opcode == 0 ? message.Count : 0;
                if (length < 0 || length > maxMessageSize - sofar) broken.Add(1009);            // §7.4.1
            }
            if (broken.Count > 0) return new OracleVerdict(echoes, broken, pings);

            switch (frame.Opcode)
            {
                case 9:
                    pings.Add(frame.Payload);
                    continue;
                case 10:
                    continue;
                case 8:
                    var reply = CloseReply(frame.Payload);
                    return new OracleVerdict(echoes, new HashSet<ushort> { reply }, pings, AllEchoed: reply is 1000 or 1001 or (>= 3000 and <= 4999));
            }

            if (frame.Opcode != 0)
            {
                inMessage = true;
                messageOpcode = frame.Opcode;
                message.Clear();
            }
            message.AddRange(frame.Payload);
            if (messageOpcode == 1 && !IsUtf8Prefix(message.ToArray())) return new OracleVerdict(echoes, new HashSet<ushort> { 1007 }, pings); // §8.1
            if (!frame.Fin) continue;
            if (messageOpcode == 1 && !Utf8.IsValid(message.ToArray())) return new OracleVerdict(echoes, new HashSet<ushort> { 1007 }, pings);
            echoes.Add((messageOpcode, message.ToArray()));
            inMessage = false;
        }
        throw new InvalidOperationException("a fuzzed sequence must end in a Close or a violation");
    }

    /// <summary>§5.5.1: echo the peer's code (1000 when it gave none); §7.4: 1002 for a code that may not be sent or a reason that is not UTF-8.</summary>
    private static ushort CloseReply(byte[] payload)
    {
        if (payload.Length == 0) return 1000;
        if (payload.Length == 1) return 1002;
        ushort code = BinaryPrimitives.ReadUInt16BigEndian(payload);
        bool sendable = code is (>= 1000 and <= 1003) or (>= 1007 and <= 1014) or (>= 3000 and <= 4999);
        if (!sendable || !Utf8.IsValid(payload.AsSpan(2))) return 1002;
        return code;
    }

    /// <summary>Could more bytes still make this valid UTF-8? (Invalid as soon as a byte rules it out.)</summary>
    private static bool IsUtf8Prefix(byte[] bytes)
    {
        var rest = bytes.AsSpan();
        while (!rest.IsEmpty)
        {
            var status = Rune.DecodeFromUtf8(rest, out _, out int consumed);
            if (status == OperationStatus.NeedMoreData) return true;
            if (status != OperationStatus.Done) return false;
            rest = rest[consumed..];
        }
        return true;
    }
}

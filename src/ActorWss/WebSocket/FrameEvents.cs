using Akka.IO;

namespace ActorWss.WebSocket;

/// <summary>A parsed §5.2 frame header. <see cref="Rsv"/> holds RSV1-3 as bits 2..0.</summary>
internal readonly record struct FrameHeader(Opcode Opcode, bool Fin, byte Rsv, bool Masked, uint MaskKey, long Length);

/// <summary>What the frame parser emits: a frame's start (header and the payload bytes at hand), then more payload.</summary>
internal abstract class FrameEvent
{
    private protected FrameEvent(ByteString data, bool lastPart)
    {
        Data = data;
        LastPart = lastPart;
    }

    /// <summary>Unmasked payload bytes of this part.</summary>
    public ByteString Data { get; }

    /// <summary>True when this part ends the frame's payload.</summary>
    public bool LastPart { get; }
}

internal sealed class FrameStart(FrameHeader header, ByteString data, bool lastPart) : FrameEvent(data, lastPart)
{
    public FrameHeader Header { get; } = header;

    public override string ToString() => $"FrameStart({Header}, {Data.Count} bytes, last={LastPart})";
}

internal sealed class FrameData(ByteString data, bool lastPart) : FrameEvent(data, lastPart)
{
    public override string ToString() => $"FrameData({Data.Count} bytes, last={LastPart})";
}

/// <summary>The input cannot be delimited into frames any more (§5.2); the protocol layer fails the connection with 1002.</summary>
internal sealed class FrameError(string reason) : FrameEvent(ByteString.Empty, true)
{
    public string Reason { get; } = reason;

    public override string ToString() => $"FrameError({Reason})";
}

/// <summary>
/// A frame to send: servers never mask (§5.1). A class, not a struct: a struct pushed through a stream port is boxed
/// on every push, while the frame of a whole message is made once (<see cref="Of"/>) and shared by every connection
/// the message goes to, as its rendering is.
/// </summary>
internal sealed record OutboundFrame(Opcode Opcode, ByteString Payload, bool Fin = true)
{
    /// <summary>The whole message this frame carries, when it is one: its rendering is shared by every connection it goes to.</summary>
    public Message? Message { get; init; }

    /// <summary>RFC 7692 §6.1: the payload is DEFLATE data; the frame goes with RSV1 set.</summary>
    public bool Compressed { get; init; }

    public static OutboundFrame Of(Message message) => message.AsFrame;
}

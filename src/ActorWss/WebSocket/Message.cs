using System.Text;
using Akka.IO;

namespace ActorWss.WebSocket;

public enum MessageType
{
    Text,
    Binary,
}

/// <summary>
/// A whole WebSocket message as handlers see it. Text payloads are kept as their (validated) UTF-8 bytes, so an echo
/// never decodes or re-encodes; <see cref="GetText"/> decodes on demand.
/// </summary>
public sealed class Message
{
    private Message(MessageType type, ByteString payload)
    {
        Type = type;
        Payload = payload;
    }

    public MessageType Type { get; }

    public ByteString Payload { get; }

    public bool IsText => Type == MessageType.Text;

    public static Message Text(string text) => new(MessageType.Text, ByteString.FromString(text, Encoding.UTF8));

    /// <summary>A text message from bytes the caller guarantees to be UTF-8 (the protocol layer validated them).</summary>
    internal static Message TextFromUtf8(ByteString utf8) => new(MessageType.Text, utf8);

    public static Message Binary(ByteString bytes) => new(MessageType.Binary, bytes);

    public static Message Binary(byte[] bytes) => new(MessageType.Binary, ByteString.CopyFrom(bytes));

    public string GetText() => Payload.ToString(Encoding.UTF8);

    private ByteString? _frame;
    private OutboundFrame? _asFrame;

    /// <summary>This message as the frame the protocol layer sends, made on first use and then shared (two threads
    /// racing make two equal frames; either serves).</summary>
    internal OutboundFrame AsFrame => _asFrame ??= new(IsText ? Opcode.Text : Opcode.Binary, Payload) { Message = this };

    /// <summary>
    /// This message as one unmasked frame (§5.2), rendered on first use and then shared: a message published to many
    /// connections is framed once (the frames are the same bytes; over TLS each connection still encrypts its own).
    /// </summary>
    internal ByteString Frame
    {
        get
        {
            var frame = Volatile.Read(ref _frame);
            if (frame is not null) return frame;
            frame = FrameRenderer.RenderNew(IsText ? Opcode.Text : Opcode.Binary, Payload, fin: true);
            return Interlocked.CompareExchange(ref _frame, frame, null) ?? frame;
        }
    }

    private OutboundFrame? _compressedFrame;
    private ByteString? _compressedWire;
    private bool _incompressible;

    /// <summary>
    /// RFC 7692 §7.2.1: this message compressed (without context takeover the result is the same for every
    /// connection, so it is made once and shared, as <see cref="Frame"/> is); null when compressing does not make it
    /// smaller, and it is sent as it is.
    /// </summary>
    internal OutboundFrame? AsCompressedFrame
    {
        get
        {
            if (Volatile.Read(ref _compressedFrame) is { } made) return made;
            if (Volatile.Read(ref _incompressible)) return null;
            if (PerMessageDeflate.Compress(Payload) is not { } compressed)
            {
                Volatile.Write(ref _incompressible, true);
                return null;
            }
            var frame = new OutboundFrame(IsText ? Opcode.Text : Opcode.Binary, compressed) { Message = this, Compressed = true };
            return Interlocked.CompareExchange(ref _compressedFrame, frame, null) ?? frame;
        }
    }

    /// <summary>The compressed frame's bytes on the wire (RSV1 set), rendered once.</summary>
    internal ByteString CompressedFrame
    {
        get
        {
            var wire = Volatile.Read(ref _compressedWire);
            if (wire is not null) return wire;
            var frame = AsCompressedFrame ?? throw new InvalidOperationException("this message has no compressed form");
            wire = FrameRenderer.RenderNew(frame.Opcode, frame.Payload, fin: true, compressed: true);
            return Interlocked.CompareExchange(ref _compressedWire, wire, null) ?? wire;
        }
    }

    public override string ToString() => $"{Type}Message({Payload.Count} bytes)";
}

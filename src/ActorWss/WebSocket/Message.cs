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
    // The frame(s) this message is sent as: its plain OutboundFrame or, once a compressing connection asked (RFC 7692),
    // a Compressions holding it and the compressed one. One field for both, so a message costs no more when compression
    // is off (48 bytes, allocated per message received).
    private object? _frames;

    /// <summary>This message as the frame the protocol layer sends, made on first use and then shared (two threads
    /// racing make two equal frames; either serves).</summary>
    internal OutboundFrame AsFrame
    {
        get
        {
            switch (Volatile.Read(ref _frames))
            {
                case OutboundFrame plain: return plain;
                case Compressions both: return both.Plain ??= NewPlainFrame();
            }
            var made = NewPlainFrame();
            return Interlocked.CompareExchange(ref _frames, made, null) switch
            {
                null => made,
                OutboundFrame plain => plain,
                Compressions both => both.Plain ??= made,
                _ => made,
            };
        }
    }

    private OutboundFrame NewPlainFrame() => new(IsText ? Opcode.Text : Opcode.Binary, Payload) { Message = this };

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

    /// <summary>
    /// RFC 7692 §7.2.1: this message compressed (without context takeover the result is the same for every
    /// connection, so it is made once and shared, as <see cref="Frame"/> is); null when compressing does not make it
    /// smaller, and it is sent as it is.
    /// </summary>
    internal OutboundFrame? AsCompressedFrame => GetCompressions().Frame;

    /// <summary>The compressed frame's bytes on the wire (RSV1 set), rendered once.</summary>
    internal ByteString CompressedFrame => GetCompressions().Wire;

    private Compressions GetCompressions()
    {
        while (true)
        {
            var current = Volatile.Read(ref _frames);
            if (current is Compressions existing) return existing;
            var created = new Compressions(this, current as OutboundFrame);
            if (Interlocked.CompareExchange(ref _frames, created, current) == current) return created;
        }
    }

    /// <summary>A message's compressed form, made once; racing threads compress twice and either result serves.</summary>
    private sealed class Compressions(Message message, OutboundFrame? plain)
    {
        private const int NotTried = 0, Compressed = 1, Incompressible = 2;
        private int _state;
        private OutboundFrame? _frame;
        private ByteString? _wire;

        public OutboundFrame? Plain { get; set; } = plain;

        public OutboundFrame? Frame
        {
            get
            {
                if (Volatile.Read(ref _state) == NotTried)
                {
                    if (PerMessageDeflate.Compress(message.Payload) is { } compressed)
                    {
                        _frame = new OutboundFrame(message.IsText ? Opcode.Text : Opcode.Binary, compressed)
                            { Message = message, Compressed = true };
                        Volatile.Write(ref _state, Compressed);
                    }
                    else Volatile.Write(ref _state, Incompressible);
                }
                return _frame;
            }
        }

        public ByteString Wire
        {
            get
            {
                if (Volatile.Read(ref _wire) is { } wire) return wire;
                var frame = Frame ?? throw new InvalidOperationException("this message has no compressed form");
                wire = FrameRenderer.RenderNew(frame.Opcode, frame.Payload, fin: true, compressed: true);
                Volatile.Write(ref _wire, wire);
                return wire;
            }
        }
    }

    public override string ToString() => $"{Type}Message({Payload.Count} bytes)";
}

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

    public override string ToString() => $"{Type}Message({Payload.Count} bytes)";
}

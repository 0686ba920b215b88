using System.Text;
using ActorWss.WebSocket;
using Akka.Actor;
using Akka.IO;
using Akka.Serialization;

namespace ActorWss.Cluster;

/// <summary>
/// Binary encoding of <see cref="IClusterMessage"/>s: length-prefixed strings and payloads, no reflection. A message's
/// payload is written as it is (text stays validated UTF-8: it was validated where it entered).
/// </summary>
internal sealed class ClusterMessageSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    private const string TopicManifest = "T", UserManifest = "U", ConnectionManifest = "C";

    public override int Identifier => 4247;

    public override string Manifest(object o) => o switch
    {
        TopicDelivery => TopicManifest,
        UserDelivery => UserManifest,
        ConnectionDelivery => ConnectionManifest,
        _ => throw new ArgumentException($"cannot serialize {o.GetType()}", nameof(o)),
    };

    public override byte[] ToBinary(object obj)
    {
        using var buffer = new MemoryStream();
        using var writer = new BinaryWriter(buffer, Encoding.UTF8);
        switch (obj)
        {
            case TopicDelivery topic:
                writer.Write(topic.Topic);
                WriteMessage(writer, topic.Message);
                writer.Write(topic.Except is null ? "" : Serialization.SerializedActorPath(topic.Except));
                writer.Write(topic.Origin);
                break;
            case UserDelivery user:
                writer.Write(user.User);
                WriteMessage(writer, user.Message);
                writer.Write(user.Origin);
                break;
            case ConnectionDelivery connection:
                writer.Write(connection.ConnectionId);
                writer.Write(connection.Message is not null);
                if (connection.Message is { } message) WriteMessage(writer, message);
                writer.Write(connection.CloseCode);
                writer.Write(connection.CloseReason);
                break;
            default:
                throw new ArgumentException($"cannot serialize {obj.GetType()}", nameof(obj));
        }
        writer.Flush();
        return buffer.ToArray();
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        using var reader = new BinaryReader(new MemoryStream(bytes), Encoding.UTF8);
        switch (manifest)
        {
            case TopicManifest:
                var topic = reader.ReadString();
                var message = ReadMessage(reader);
                var except = reader.ReadString();
                return new TopicDelivery(topic, message, except.Length == 0 ? null : system.Provider.ResolveActorRef(except), reader.ReadString());
            case UserManifest:
                return new UserDelivery(reader.ReadString(), ReadMessage(reader), reader.ReadString());
            case ConnectionManifest:
                var id = reader.ReadString();
                var payload = reader.ReadBoolean() ? ReadMessage(reader) : null;
                return new ConnectionDelivery(id, payload, reader.ReadUInt16(), reader.ReadString());
            default:
                throw new System.Runtime.Serialization.SerializationException($"unknown manifest '{manifest}'");
        }
    }

    private static void WriteMessage(BinaryWriter writer, Message message)
    {
        writer.Write(message.IsText);
        writer.Write(message.Payload.Count);
        if (message.Payload.IsCompact) writer.Write(message.Payload.ToReadOnlySpan());
        else writer.Write(message.Payload.ToArray());
    }

    private static Message ReadMessage(BinaryReader reader)
    {
        bool text = reader.ReadBoolean();
        var payload = ByteString.FromBytes(reader.ReadBytes(reader.ReadInt32()));
        return text ? Message.TextFromUtf8(payload) : Message.Binary(payload);
    }
}

namespace ActorWss.WebSocket;

/// <summary>Sees whole messages cross the protocol layer (metrics). Called on the connection's stream thread: keep it cheap.</summary>
internal interface IWebSocketObserver
{
    void OnMessageReceived(MessageType type, int payloadBytes);

    void OnMessageSent(MessageType type, int payloadBytes);

    /// <summary>A message crossed compressed (RFC 7692): its payload, and its compressed size on the wire.</summary>
    void OnCompressedMessage(bool sent, int payloadBytes, int compressedBytes);
}

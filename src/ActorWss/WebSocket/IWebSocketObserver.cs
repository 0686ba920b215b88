namespace ActorWss.WebSocket;

/// <summary>Sees whole messages cross the protocol layer (metrics). Called on the connection's stream thread: keep it cheap.</summary>
internal interface IWebSocketObserver
{
    void OnMessageReceived(MessageType type, int payloadBytes);

    void OnMessageSent(MessageType type, int payloadBytes);
}

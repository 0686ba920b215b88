namespace ActorWss.Configuration;

/// <summary>RFC 7692 permessage-deflate (HOCON <c>actorwss.websocket.permessage-deflate</c>).</summary>
/// <param name="Enabled">Accept a client's offer on every route that does not say otherwise (<c>routes.NAME.permessage-deflate</c>).</param>
/// <param name="MinMessageSize">Messages this large or larger are sent compressed; smaller ones gain too little to be worth the CPU.</param>
internal sealed record PerMessageDeflateSettings(bool Enabled, int MinMessageSize)
{
    public static PerMessageDeflateSettings Off { get; } = new(false, 256);
}

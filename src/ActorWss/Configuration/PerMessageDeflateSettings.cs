namespace ActorWss.Configuration;

/// <summary>RFC 7692 permessage-deflate (HOCON <c>actorwss.websocket.permessage-deflate</c>), when enabled.</summary>
/// <param name="MinMessageSize">Messages this large or larger are sent compressed; smaller ones gain too little to be worth the CPU.</param>
internal sealed record PerMessageDeflateSettings(int MinMessageSize);

namespace ActorWss.Http;

/// <summary>What to do with a complete request head: switch to WebSocket, or answer in HTTP and close.</summary>
internal abstract record HandshakeDecision;

/// <summary>Answer 101 and hand the connection to the WebSocket layers.</summary>
internal sealed record AcceptUpgrade(HttpRequest Request, string Accept, string? Subprotocol) : HandshakeDecision
{
    /// <summary>The endpoint the path matched (set by the router); its authenticator runs before the 101.</summary>
    public Routing.Route? Route { get; init; }

    /// <summary>The negotiated <c>Sec-WebSocket-Extensions</c> of the 101 (RFC 7692 permessage-deflate), if any.</summary>
    public string? Extensions { get; init; }
}

/// <summary>Answer with <paramref name="Response"/> and close; <paramref name="Reason"/> names the case for logs and metrics.</summary>
internal sealed record Respond(HttpResponse Response, string Reason) : HandshakeDecision;

namespace ActorWss.Http;

/// <summary>What the upgrade handshake accepts, from configuration.</summary>
/// <param name="AllowedOrigins">Empty: any Origin (or none). Otherwise the exact origins allowed; "*" allows all.</param>
/// <param name="Subprotocols">Subprotocols this server speaks, in no particular order; the client's order decides.</param>
internal sealed record HandshakePolicy(IReadOnlyList<string> AllowedOrigins, IReadOnlyList<string> Subprotocols)
{
    /// <summary>Negotiate RFC 7692 permessage-deflate (some route accepts it; the router keeps it for those only).</summary>
    public bool PerMessageDeflate { get; init; }

    public static HandshakePolicy Default { get; } = new([], []);
}

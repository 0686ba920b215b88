namespace ActorWss.Auth;

/// <summary>Settings of <see cref="JwtAuthenticator"/> (HOCON <c>actorwss.auth.jwt</c> when a route says <c>auth = jwt</c>).</summary>
public sealed class JwtAuthenticatorOptions
{
    /// <summary>The HMAC key tokens are signed with (HS256, HS384 or HS512); at least 32 bytes.</summary>
    public required byte[] SigningKey { get; init; }

    /// <summary>When set, a token's <c>iss</c> must equal it.</summary>
    public string? Issuer { get; init; }

    /// <summary>When set, a token's <c>aud</c> must contain it.</summary>
    public string? Audience { get; init; }

    /// <summary>The claim that names the user (<see cref="Connections.ConnectionInfo.UserName"/>).</summary>
    public string NameClaim { get; init; } = "sub";

    /// <summary>The query parameter that may carry the token (<c>wss://host/path?access_token=...</c>).</summary>
    public string QueryParameter { get; init; } = "access_token";

    /// <summary>
    /// Browsers cannot set headers on a WebSocket: the token may instead be one of the offered subprotocols, written
    /// with this prefix (<c>new WebSocket(url, ["chat", "bearer." + token])</c>). That entry is never selected: offer
    /// a real subprotocol of the route beside it.
    /// </summary>
    public string SubprotocolPrefix { get; init; } = "bearer.";

    /// <summary>Tolerance for clock differences when checking <c>exp</c> and <c>nbf</c>.</summary>
    public TimeSpan ClockSkew { get; init; } = TimeSpan.FromSeconds(30);
}

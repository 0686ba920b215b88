using ActorWss.Connections;

namespace ActorWss.Auth;

/// <summary>
/// Decides, before the 101, who may open a WebSocket on a route (HOCON <c>actorwss.routes.NAME.auth</c>). It sees
/// the whole opening handshake (path, query, headers, cookies, offered subprotocols, client address and
/// certificate). It runs inside the handshake's time limit (<c>actorwss.http.handshake-timeout</c>): past it the
/// client gets 503 and the cancellation token is cancelled. An exception answers 500.
/// </summary>
public interface IWebSocketAuthenticator
{
    ValueTask<AuthenticationResult> AuthenticateAsync(WebSocketRequest request, CancellationToken cancellationToken);
}

using ActorWss.Auth;
using ActorWss.Connections;

namespace ActorWss.Routing;

/// <summary>
/// A WebSocket endpoint: a path, the handler that serves it, who may connect, and its limits.
/// <paramref name="Path"/> is exact unless <paramref name="IsPrefix"/> (HOCON <c>"/rooms/*"</c>: every path under /rooms/).
/// </summary>
internal sealed record Route(
    string Name,
    string Path,
    bool IsPrefix,
    WebSocketHandler Handler,
    IWebSocketAuthenticator? Authenticator,
    IReadOnlyList<string> Subprotocols,
    long MaxMessageSize,
    int OutboundQueueSize,
    OverflowPolicy Overflow,
    bool PerMessageDeflate)
{
    public bool Matches(string path) => IsPrefix
        ? path.StartsWith(Path, StringComparison.Ordinal) || path == Path.TrimEnd('/')
        : path == Path;
}

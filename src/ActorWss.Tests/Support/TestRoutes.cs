using ActorWss.Routing;

namespace ActorWss.Tests.Support;

/// <summary>Route tables for tests of the HTTP layer alone.</summary>
internal static class TestRoutes
{
    public static Route Route(string path = "/", WebSocketHandler? handler = null, IReadOnlyList<string>? subprotocols = null,
        Auth.IWebSocketAuthenticator? authenticator = null, string name = "echo") =>
        new(name, path.EndsWith("/*", StringComparison.Ordinal) ? path[..^1] : path, path.EndsWith("/*", StringComparison.Ordinal),
            handler ?? WebSocketHandler.Echo, authenticator, subprotocols ?? [], 16 * 1024 * 1024, 256, OverflowPolicy.Close1013,
            PerMessageDeflate: false);

    /// <summary>The echo handler at "/" (the default server's only route).</summary>
    public static RouteTable Echo(IReadOnlyList<string>? subprotocols = null) => new([Route(subprotocols: subprotocols)]);
}

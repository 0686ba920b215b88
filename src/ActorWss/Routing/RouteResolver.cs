using ActorWss.Auth;
using ActorWss.Configuration;
using System.Text;

namespace ActorWss.Routing;

/// <summary>Turns the configured routes into served ones: handler and authenticator names become the registered objects.</summary>
internal static class RouteResolver
{
    /// <summary>Handlers every server has.</summary>
    public static IReadOnlyDictionary<string, WebSocketHandler> BuiltInHandlers { get; } = new Dictionary<string, WebSocketHandler>(StringComparer.Ordinal)
    {
        ["echo"] = WebSocketHandler.Echo,
        ["echo-flow"] = WebSocketHandler.FromFlow(Akka.Streams.Dsl.Flow.Create<WebSocket.Message>()),
        ["echo-actor"] = WebSocketHandler.FromActor<EchoActor>(),
    };

    /// <summary>Authenticator names with a built-in meaning.</summary>
    public static IReadOnlySet<string> BuiltInAuthenticators { get; } = new HashSet<string>(StringComparer.Ordinal) { "none", "jwt" };

    public static RouteTable Resolve(ServerSettings settings, IReadOnlyDictionary<string, WebSocketHandler> handlers,
        IReadOnlyDictionary<string, IWebSocketAuthenticator> authenticators)
    {
        JwtAuthenticator? jwt = null;
        var routes = new List<Route>();
        foreach (var route in settings.Routes)
        {
            var key = $"actorwss.routes.{route.Name}";
            var handler = handlers.GetValueOrDefault(route.Handler) ?? BuiltInHandlers.GetValueOrDefault(route.Handler)
                ?? throw new InvalidConfigurationException($"{key}.handler: '{route.Handler}' is not a registered handler; registered: "
                    + string.Join(", ", BuiltInHandlers.Keys.Concat(handlers.Keys).Order(StringComparer.Ordinal)));
            IWebSocketAuthenticator? authenticator = route.Auth switch
            {
                "none" => null,
                "jwt" => jwt ??= CreateJwt(settings.Jwt),
                var name => authenticators.GetValueOrDefault(name) ?? throw new InvalidConfigurationException(
                    $"{key}.auth: '{name}' is not an authenticator; expected none, jwt" +
                    (authenticators.Count == 0 ? "" : ", " + string.Join(", ", authenticators.Keys.Order(StringComparer.Ordinal)))),
            };
            routes.Add(new Route(route.Name, route.MatchPath, route.IsPrefix, handler, authenticator,
                route.Subprotocols ?? settings.WebSocket.Subprotocols,
                route.MaxMessageSize ?? settings.WebSocket.MaxMessageSize,
                route.OutboundQueueSize, route.Overflow,
                route.PerMessageDeflate ?? settings.WebSocket.PerMessageDeflate.Enabled));
        }
        return new RouteTable(routes);
    }

    private static JwtAuthenticator CreateJwt(JwtSettings jwt)
    {
        var key = jwt.Secret is null ? [] : Encoding.UTF8.GetBytes(jwt.Secret);
        if (key.Length < JwtAuthenticator.MinimumKeyBytes)
            throw new InvalidConfigurationException(
                $"actorwss.auth.jwt.secret: {(key.Length == 0 ? "not set" : $"{key.Length} bytes")}, but a route uses auth = jwt; " +
                $"expected a key of at least {JwtAuthenticator.MinimumKeyBytes} bytes (e.g. secret = ${{?ACTORWSS_JWT_SECRET}})");
        return new JwtAuthenticator(new JwtAuthenticatorOptions
        {
            SigningKey = key,
            Issuer = jwt.Issuer,
            Audience = jwt.Audience,
            NameClaim = jwt.NameClaim,
            QueryParameter = jwt.QueryParameter,
            SubprotocolPrefix = jwt.SubprotocolPrefix,
            ClockSkew = jwt.ClockSkew,
        });
    }
}

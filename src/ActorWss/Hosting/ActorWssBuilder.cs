using ActorWss.Auth;
using ActorWss.Routing;
using Akka.Configuration;

namespace ActorWss.Hosting;

/// <summary>
/// What an application adds to ActorWss in code, next to its HOCON (<c>actorwss { ... }</c>): passed to
/// <c>AddActorWss</c> and <see cref="ActorWssApplication.RunAsync"/>.
/// </summary>
public sealed class ActorWssBuilder
{
    private Config _defaults = Config.Empty;
    private readonly Dictionary<string, WebSocketHandler> _handlers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IWebSocketAuthenticator> _authenticators = new(StringComparer.Ordinal);

    internal ActorWssBuilder()
    {
    }

    /// <summary>
    /// Registers a handler under <paramref name="name"/>: routes select it with <c>handler = NAME</c>
    /// (<c>actorwss.routes.ROUTE.handler</c>). Built in, and not to be replaced: <c>echo</c>, <c>echo-flow</c>, <c>echo-actor</c>.
    /// </summary>
    public ActorWssBuilder AddHandler(string name, WebSocketHandler handler)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(handler);
        if (RouteResolver.BuiltInHandlers.ContainsKey(name) || !_handlers.TryAdd(name, handler))
            throw new ArgumentException($"a handler named '{name}' is already registered", nameof(name));
        return this;
    }

    /// <summary>
    /// Serves <paramref name="handler"/> at <paramref name="path"/> (<c>"/exact"</c> or <c>"/prefix/*"</c>) as the route
    /// <paramref name="name"/>. Configuration can still change any of its keys (<c>actorwss.routes.NAME.*</c>: its
    /// authentication, limits, overflow policy) or turn it off (<c>enabled = off</c>).
    /// </summary>
    public ActorWssBuilder MapRoute(string name, string path, WebSocketHandler handler)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        AddHandler(name, handler);
        return AddDefaultConfig($"actorwss.routes.{Quote(name)} {{ path = {Quote(path)}, handler = {Quote(name)} }}");
    }

    private static string Quote(string value) => System.Text.Json.JsonSerializer.Serialize(value);

    /// <summary>
    /// Registers an authenticator under <paramref name="name"/>: routes select it with <c>auth = NAME</c>. Built in,
    /// and not to be replaced: <c>none</c>, <c>jwt</c> (configured in <c>actorwss.auth.jwt</c>).
    /// </summary>
    public ActorWssBuilder AddAuthenticator(string name, IWebSocketAuthenticator authenticator)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(authenticator);
        if (RouteResolver.BuiltInAuthenticators.Contains(name) || !_authenticators.TryAdd(name, authenticator))
            throw new ArgumentException($"an authenticator named '{name}' is already registered", nameof(name));
        return this;
    }

    /// <summary>
    /// HOCON that configuration may override: a library or sample ships its own routes and settings this way, and
    /// the application's configuration (file, <c>--set</c>) still wins. Later calls override earlier ones.
    /// </summary>
    public ActorWssBuilder AddDefaultConfig(string hocon)
    {
        ArgumentNullException.ThrowIfNull(hocon);
        _defaults = ConfigurationFactory.ParseString(hocon).WithFallback(_defaults);
        return this;
    }

    /// <summary>The defaults added by <see cref="AddDefaultConfig"/>, above ActorWss's own reference configuration.</summary>
    internal Config Defaults => _defaults;

    internal IReadOnlyDictionary<string, WebSocketHandler> Handlers => _handlers;

    internal IReadOnlyDictionary<string, IWebSocketAuthenticator> Authenticators => _authenticators;

    /// <summary>Called with the server once its listeners are bound (tests, the benchmark's in-process server).</summary>
    internal Action<Server.ActorWssServer>? Started { get; set; }

    /// <summary>No handlers or authenticators of the application's own: the built-ins only.</summary>
    internal static ActorWssBuilder Empty => new();
}

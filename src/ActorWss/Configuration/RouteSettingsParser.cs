using ActorWss.Routing;

namespace ActorWss.Configuration;

/// <summary>Reads <c>actorwss.routes</c> (each falling back to <c>actorwss.route-defaults</c>) and <c>actorwss.auth</c>.</summary>
internal static class RouteSettingsParser
{
    private static readonly Dictionary<string, OverflowPolicy> OverflowPolicies = new()
    {
        ["drop-oldest"] = OverflowPolicy.DropOldest,
        ["drop-newest"] = OverflowPolicy.DropNewest,
        ["close-1008"] = OverflowPolicy.Close1008,
        ["close-1013"] = OverflowPolicy.Close1013,
    };

    public static IReadOnlyList<RouteSettings> ParseRoutes(ConfigReader root)
    {
        var routesSection = root.Section("routes");
        var defaults = root.Section("route-defaults");
        var routes = new List<RouteSettings>();
        foreach (var name in routesSection.Keys.OrderBy(k => k, StringComparer.Ordinal))
        {
            var route = routesSection.Section(name).WithFallback(defaults);
            if (!route.GetBoolean("enabled")) continue;
            var path = route.GetString("path");
            if (!path.StartsWith('/') || path.Contains('?') || path.Contains('#') || path.Contains(' ') || path.IndexOf('*') is >= 0 and var star && star != path.Length - 1
                || (path.EndsWith('*') && !path.EndsWith("/*", StringComparison.Ordinal)))
                throw new InvalidConfigurationException(
                    $"{route.Path}.path: '{path}' is not valid; expected an absolute path, \"/exact\" or \"/prefix/*\"");
            var outbound = route.Section("outbound");
            routes.Add(new RouteSettings(
                Name: name,
                Path: path,
                Handler: route.GetString("handler"),
                Auth: route.GetString("auth"),
                Subprotocols: route.IsList("subprotocols") ? route.GetStringList("subprotocols") : Inherit(route, "subprotocols", null),
                MaxMessageSize: route.IsInherit("max-message-size") ? null : route.GetByteSize("max-message-size", 1, int.MaxValue),
                OutboundQueueSize: outbound.GetInt("queue-size", 1, 1_000_000),
                Overflow: outbound.GetEnum("overflow", OverflowPolicies),
                PerMessageDeflate: route.IsInherit("permessage-deflate") ? null : route.GetBoolean("permessage-deflate")));
        }
        var duplicate = routes.GroupBy(r => r.Path, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new InvalidConfigurationException(
                $"actorwss.routes: {string.Join(" and ", duplicate.Select(r => r.Name))} both serve the path {duplicate.Key}");
        return routes;
    }

    public static JwtSettings ParseJwt(ConfigReader root)
    {
        var jwt = root.Section("auth").Section("jwt");
        return new JwtSettings(
            Secret: jwt.GetOptionalString("secret"),
            Issuer: jwt.GetOptionalString("issuer"),
            Audience: jwt.GetOptionalString("audience"),
            NameClaim: jwt.GetString("name-claim"),
            QueryParameter: jwt.GetString("query-parameter"),
            SubprotocolPrefix: jwt.GetString("subprotocol-prefix"),
            ClockSkew: jwt.GetNonNegativeDuration("clock-skew"));
    }

    private static IReadOnlyList<string>? Inherit(ConfigReader route, string key, IReadOnlyList<string>? inherited)
    {
        if (route.IsInherit(key)) return inherited;
        throw new InvalidConfigurationException($"{route.Path}.{key}: expected a list of strings, e.g. [\"chat.v1\"], or inherit");
    }
}

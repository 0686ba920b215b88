namespace ActorWss.Routing;

/// <summary>The routes of a server: an exact path wins over a prefix, a longer prefix over a shorter one.</summary>
internal sealed class RouteTable(IReadOnlyList<Route> routes)
{
    private readonly Dictionary<string, Route> _exact = routes.Where(r => !r.IsPrefix).ToDictionary(r => r.Path, StringComparer.Ordinal);
    private readonly Route[] _prefixes = routes.Where(r => r.IsPrefix).OrderByDescending(r => r.Path.Length).ToArray();

    public IReadOnlyList<Route> All { get; } = routes;

    public Route? Match(string path)
    {
        if (_exact.TryGetValue(path, out var route)) return route;
        foreach (var prefix in _prefixes)
            if (prefix.Matches(path)) return prefix;
        return null;
    }
}

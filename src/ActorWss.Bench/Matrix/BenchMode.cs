using ActorWss.Bench.Model;

namespace ActorWss.Bench.Matrix;

public enum ServerKind
{
    ActorWss,
    Kestrel,
}

/// <summary>A server configuration the matrix measures: which server, which listener, which overrides.</summary>
public sealed record BenchMode(string Name, ServerKind Server, string Scheme, IReadOnlyList<string> Overrides, string Description)
{
    public static IReadOnlyList<BenchMode> Defaults { get; } =
    [
        new("ws", ServerKind.ActorWss, "ws", [], "ActorWss, plain ws://"),
        new("wss-inline", ServerKind.ActorWss, "wss", ["actorwss.tls.mode=inline"], "ActorWss, TLS inline on the connection's stream thread"),
        new("wss-offload", ServerKind.ActorWss, "wss", ["actorwss.tls.mode=offload"], "ActorWss, TLS steps offloaded to the dedicated dispatcher"),
        new("kestrel-ws", ServerKind.Kestrel, "ws", [], "ASP.NET Core Kestrel + WebSocket middleware, ws://"),
        new("kestrel-wss", ServerKind.Kestrel, "wss", [], "ASP.NET Core Kestrel + WebSocket middleware, wss://"),
    ];

    /// <summary>
    /// An ActorWss mode from the command line: <c>name=key=value;key=value</c>. Names starting with "wss" use the
    /// wss:// listener, others ws://.
    /// </summary>
    public static BenchMode Parse(string text)
    {
        int eq = text.IndexOf('=');
        if (eq <= 0) throw new ArgumentException($"--mode: '{text}' is not name=key=value;key=value");
        var name = text[..eq];
        var overrides = text[(eq + 1)..].Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (overrides.Any(o => !o.Contains('='))) throw new ArgumentException($"--mode {name}: every override is key=value");
        return new BenchMode(name, ServerKind.ActorWss, name.StartsWith("wss", StringComparison.Ordinal) ? "wss" : "ws", overrides,
            "ActorWss, " + string.Join(", ", overrides));
    }

    public ModeInfo ToInfo() => new(Name, Description, Overrides);
}

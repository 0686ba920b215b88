using ActorWss.Bench.Model;

namespace ActorWss.Bench.Matrix;

public enum ServerKind
{
    ActorWss,
    Kestrel,
    Gorilla,
}

/// <summary>A server configuration the matrix measures: which server, which listener, which overrides.</summary>
/// <param name="TwinOf">An A/A mode: identical to that mode, run under another name so that its spread is the noise.</param>
/// <param name="Path">The WebSocket path on the server ("/" for echo, "/chat" for fan-out).</param>
public sealed record BenchMode(string Name, ServerKind Server, string Scheme, IReadOnlyList<string> Overrides, string Description,
    string? TwinOf = null, string Path = "/")
{
    private const string PoolThreads = "actorwss.tls.offload-dispatcher.dedicated-thread-pool.thread-count";

    /// <summary>Every mode the suites know, for a machine of <paramref name="cores"/> cores.</summary>
    public static IReadOnlyList<BenchMode> Catalog(int cores)
    {
        var modes = new List<BenchMode>
        {
            new("ws", ServerKind.ActorWss, "ws", [], "ActorWss, plain ws://"),
            new("wss-inline", ServerKind.ActorWss, "wss", ["actorwss.tls.mode=inline"], "ActorWss, TLS inline on the connection's stream thread"),
            new("wss-inline-aa", ServerKind.ActorWss, "wss", ["actorwss.tls.mode=inline"],
                "A/A twin of wss-inline: the same server under another name; its spread is the noise band", TwinOf: "wss-inline"),
            new("wss-offload", ServerKind.ActorWss, "wss", ["actorwss.tls.mode=offload"],
                "ActorWss, TLS steps offloaded to the dedicated dispatcher (the default pool: half the CPUs, rounded up)"),
            new("wss-adaptive", ServerKind.ActorWss, "wss", ["actorwss.tls.mode=adaptive"],
                "ActorWss, TLS batches of 16 KiB and more offloaded, smaller ones inline (the default threshold)"),
            new("wss-offload-pool1", ServerKind.ActorWss, "wss", ["actorwss.tls.mode=offload", PoolThreads + "=1"],
                "ActorWss, TLS offloaded to a dedicated pool of 1 thread"),
        };
        modes.Add(new("wss-offload-pool2", ServerKind.ActorWss, "wss", ["actorwss.tls.mode=offload", PoolThreads + "=2"],
            "ActorWss, TLS offloaded to a dedicated pool of 2 threads (the default before 2026-12-02)"));
        if (cores > 2)
            modes.Add(new($"wss-offload-pool{cores}", ServerKind.ActorWss, "wss", ["actorwss.tls.mode=offload", $"{PoolThreads}={cores}"],
                $"ActorWss, TLS offloaded to a dedicated pool of {cores} threads (one per core)"));
        modes.AddRange(
        [
            new("ws-flow", ServerKind.ActorWss, "ws", ["actorwss.routes.echo.handler=echo-flow"],
                "ActorWss, ws://, the echo through a flow handler"),
            new("wss-flow", ServerKind.ActorWss, "wss", ["actorwss.tls.mode=inline", "actorwss.routes.echo.handler=echo-flow"],
                "ActorWss, wss:// inline, the echo through a flow handler"),
            new("ws-actor", ServerKind.ActorWss, "ws", ["actorwss.routes.echo.handler=echo-actor"],
                "ActorWss, ws://, the echo through a connection actor"),
            new("wss-actor", ServerKind.ActorWss, "wss", ["actorwss.tls.mode=inline", "actorwss.routes.echo.handler=echo-actor"],
                "ActorWss, wss:// inline, the echo through a connection actor"),
            new("ws-akka-tcp", ServerKind.ActorWss, "ws", ["actorwss.transport.kind=akka-streams-tcp"],
                "ActorWss, ws:// over Akka.Streams TcpStream()"),
            new("wss-offload-threadpool", ServerKind.ActorWss, "wss",
                ["actorwss.tls.mode=offload", "actorwss.tls.offload.dispatcher=akka.actor.default-dispatcher"],
                "ActorWss, TLS offloaded to the .NET thread pool"),
            new("kestrel-ws", ServerKind.Kestrel, "ws", [], "ASP.NET Core Kestrel + WebSocket middleware, ws:// (TieredPGO off, as ActorWss.Server ships)"),
            new("kestrel-wss", ServerKind.Kestrel, "wss", [], "ASP.NET Core Kestrel + WebSocket middleware, wss:// (TieredPGO off, as ActorWss.Server ships)"),
            new("go-ws", ServerKind.Gorilla, "ws", [], "Go net/http + gorilla/websocket (Debian's), ws://"),
            new("go-wss", ServerKind.Gorilla, "wss", [], "Go net/http + crypto/tls + gorilla/websocket (Debian's), wss://"),
            new("ws-chat", ServerKind.ActorWss, "ws", [], "ActorWss, the chat sample the ready-made server serves at /chat, ws://", Path: "/chat"),
            new("wss-chat", ServerKind.ActorWss, "wss", ["actorwss.tls.mode=inline"], "ActorWss, the chat sample at /chat, wss:// inline", Path: "/chat"),
        ]);
        return modes;
    }

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

    public ModeInfo ToInfo() => new(Name, Description, Overrides, TwinOf);
}

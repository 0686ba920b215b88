using ActorWss.Bench.Model;

namespace ActorWss.Bench.Matrix;

/// <summary>
/// The suites of the matrix. Each runs on its own (<c>--suite NAME</c>) in about half an hour on a 2-core machine
/// at the defaults (3 repeats, 5 s cases); <c>all</c> runs them one after the other.
/// </summary>
public static class SuiteCatalog
{
    public static readonly IReadOnlyList<string> Names = ["reference", "regimes", "peers", "memory", "fanout"];

    /// <summary>Connections of the large-message cells: few enough that a 1 MiB round trip is short against a case.</summary>
    private const int LargeConnections = 10;

    public static Suite Build(string name, SuiteOptions options)
    {
        var suite = name switch
        {
            "reference" => Reference(options),
            "regimes" => Regimes(options),
            "peers" => Peers(options),
            "memory" => Memory(options),
            "fanout" => Fanout(options),
            _ => throw new ArgumentException($"--suite: unknown suite '{name}' (known: {string.Join(", ", Names)}, all)"),
        };
        return ApplyOverrides(suite, options);
    }

    /// <summary>The reference report's two sweeps, with the A/A twin and the Kestrel peer.</summary>
    private static Suite Reference(SuiteOptions o)
    {
        string[] modes = ["ws", "wss-inline", "wss-inline-aa", "wss-offload", "kestrel-ws", "kestrel-wss"];
        Comparison[] comparisons =
        [
            new("wss-offload", "wss-inline"), new("wss-inline", "ws"), new("wss-inline-aa", "wss-inline"),
            new("wss-inline", "kestrel-wss"), new("ws", "kestrel-ws"),
        ];
        int all = o.Cores;
        return new Suite("reference", "Reference sweeps",
            "The reference report's method and sweeps: one message in flight per connection, connections 50–500 at 64 B, sizes 64 B–4 KiB at 100 connections.",
            [
                new TableSpec("connections", "Echo 64 B — varying connection count", "connections", modes,
                    (o.Connections ?? [50, 100, 200, 500]).Select(c => new CellSpec(c, 64, 1, all)).ToArray(), comparisons),
                new TableSpec("sizes", "Echo — varying message size (100 connections)", "size", modes,
                    (o.Sizes ?? [64, 256, 1024, 4096]).Select(s => new CellSpec(100, s, 1, all)).ToArray(), comparisons),
            ]);
    }

    /// <summary>The regimes the reference's recommendations are about: batching, large messages, pool sizes, cores.</summary>
    private static Suite Regimes(SuiteOptions o)
    {
        int all = o.Cores;
        string[] tls = ["ws", "wss-inline", "wss-inline-aa", "wss-offload", "wss-adaptive"];
        Comparison[] tlsComparisons =
        [
            new("wss-offload", "wss-inline"), new("wss-adaptive", "wss-inline"), new("wss-inline", "ws"), new("wss-inline-aa", "wss-inline"),
        ];
        var pools = new List<string> { "wss-inline", "wss-offload-pool1", "wss-offload-pool2", "wss-offload" };
        if (o.Cores > 2) pools.Add($"wss-offload-pool{o.Cores}");
        var poolCells = new[] { new CellSpec(100, 64, 8, all), new CellSpec(LargeConnections, 64 * 1024, 1, all) };
        var coreCells = new[] { 1, all }.Distinct().SelectMany(cpus => poolCells.Select(c => c with { ServerCpus = cpus })).ToArray();
        return new Suite("regimes", "Regimes",
            "Where batching, large records, pool sizes and core counts matter: pipelined connections, messages of 16 KiB–1 MiB, offload pools of 1, 2 and all cores, the server on 1 CPU and on all.",
            [
                new TableSpec("pipelined", "Pipelined: 64 B, 100 connections, k messages in flight per connection", "in-flight", tls,
                    (o.InFlight ?? [1, 8, 32]).Select(k => new CellSpec(100, 64, k, all)).ToArray(), tlsComparisons,
                    "With one message in flight every TLS batch holds one message; with k in flight a step can take several."),
                new TableSpec("large", "Large messages (10 connections, one in flight)", "size", tls,
                    (o.Sizes ?? [16 * 1024, 64 * 1024, 256 * 1024, 1024 * 1024]).Select(s => new CellSpec(LargeConnections, s, 1, all)).ToArray(), tlsComparisons,
                    "Adaptive offloads batches of 16 KiB and more (its default threshold): from 16 KiB on it behaves like offload. "
                    + "10 connections, not 100, so that a measured window holds many round trips of a 1 MiB message."),
                new TableSpec("pool", "Offload pool size", "case", pools, poolCells,
                    pools.Skip(1).Where(m => m != "wss-offload").Select(m => new Comparison(m, "wss-offload")).Append(new("wss-offload", "wss-inline")).ToArray()),
                new TableSpec("cores", "Server CPUs (the rest run the load generator)", "server-cpus", ["ws", "wss-inline", "wss-inline-aa", "wss-offload"],
                    coreCells, [new("wss-offload", "wss-inline"), new("wss-inline", "ws"), new("wss-inline-aa", "wss-inline")],
                    "On 1 CPU the server has a core of its own and the load generator the other; on all, they share."),
            ]);
    }

    /// <summary>ActorWss beside Kestrel and Go's gorilla/websocket, the reference's own comparison.</summary>
    private static Suite Peers(SuiteOptions o)
    {
        int all = o.Cores;
        return new Suite("peers", "Peers",
            "ActorWss beside ASP.NET Core Kestrel and Go's gorilla/websocket, every wss:// server on the same RSA-2048 certificate.",
            [
                new TableSpec("peers", "Echo against other servers (100 connections)", "case",
                    ["ws", "wss-inline", "wss-inline-aa", "kestrel-ws", "kestrel-wss", "go-ws", "go-wss"],
                    [new CellSpec(100, 64, 1, all), new CellSpec(100, 4096, 1, all), new CellSpec(100, 64, 8, all)],
                    [
                        new("wss-inline", "go-wss"), new("wss-inline", "kestrel-wss"), new("ws", "go-ws"), new("go-wss", "go-ws"),
                        new("wss-inline", "ws"), new("wss-inline-aa", "wss-inline"),
                    ]),
            ]);
    }

    private static Suite Memory(SuiteOptions o) => new("memory", "Idle memory",
        $"Server memory per idle connection: a fresh server, a warm-up, then {o.IdleConnections:N0} connections that each complete one echo and stay open.",
        [], Idle: new IdleSpec(["ws", "wss-inline", "wss-inline-aa", "kestrel-ws", "kestrel-wss", "go-ws", "go-wss"], o.IdleConnections));

    private static Suite Fanout(SuiteOptions o) => new("fanout", "Fan-out",
        "One publisher, N subscribers in one chat room: delivered messages per second and send-to-delivery latency.",
        [], Fanout: new FanoutSpec(["ws-chat", "wss-chat"], o.Subscribers ?? [10, 100, 1000], o.FanoutWindow, o.FanoutMessageSize));

    private static Suite ApplyOverrides(Suite suite, SuiteOptions o)
    {
        IReadOnlyList<string> Modes(IReadOnlyList<string> own) =>
            o.Modes ?? own.Concat(o.ExtraModes ?? []).Distinct(StringComparer.Ordinal).ToArray();
        IReadOnlyList<CellSpec> Cells(IReadOnlyList<CellSpec> own) => o.ServerCpus is { } cpus
            ? own.Select(c => c with { ServerCpus = 0 }).Distinct().SelectMany(c => cpus.Select(n => c with { ServerCpus = n })).ToArray()
            : own;
        if (o.Tables?.FirstOrDefault(id => suite.Tables.All(t => t.Id != id)) is { } unknown)
            throw new ArgumentException($"--tables: the {suite.Name} suite has no table '{unknown}' (it has: {string.Join(", ", suite.Tables.Select(t => t.Id))})");
        return suite with
        {
            Tables = suite.Tables.Where(t => o.Tables is null || o.Tables.Contains(t.Id))
                .Select(t => t with { Modes = Modes(t.Modes), Cells = Cells(t.Cells) }).ToArray(),
            Idle = suite.Idle is { } idle ? idle with { Modes = Modes(idle.Modes) } : null,
            Fanout = suite.Fanout is { } fanout ? fanout with { Modes = o.Modes ?? fanout.Modes } : null,
        };
    }
}

using ActorWss.Bench.Model;

namespace ActorWss.Tests.Bench;

/// <summary>
/// Runs built in code. The reference suite: ws, wss-inline, its A/A twin wss-inline-aa and wss-offload, three
/// repeats each, at 100 and 500 connections (64 B) and at 64 B and 4 KiB (100 connections). At 100 connections and
/// 64 B the A/A spread is about 9.7% and offload is about 21% below inline with ranges apart (a finding); at 500
/// connections the ranges overlap (noise); at 4 KiB no twin ran. wss-offload's third repeat at 4 KiB failed.
/// </summary>
internal static class SampleRuns
{
    public const double CaseSeconds = 10;
    public const string ErrorText = "echo 17 differs at byte 5";
    public const int Cores = 2;

    public static readonly MachineInfo Machine =
        new("AMD EPYC 7B13", Cores, "Debian GNU/Linux 12 (bookworm)", ".NET 10.0.0", "Workstation, concurrent");

    public static readonly RunEnvironment Environment =
        new(Machine, "0123456789abcdef", "OpenSSL 3.0.17 1 Jul 2025", "RSA 2048, self-signed", "go version go1.19.8 linux/amd64");

    private static readonly Comparison[] Comparisons =
        [new("wss-offload", "wss-inline"), new("wss-inline", "ws"), new("wss-inline-aa", "wss-inline")];

    private static readonly string[] ModeNames = ["ws", "wss-inline", "wss-inline-aa", "wss-offload"];

    public static BenchmarkRun Reference() => new(
        "reference", "Reference sweeps", "The reference report's sweeps.",
        new DateTimeOffset(2025, 6, 1, 12, 30, 0, TimeSpan.Zero),
        "dotnet run -c Release --project src/ActorWss.Bench -- matrix --suite reference",
        Environment,
        new RunSettings(CaseSeconds, 1, 2, 3, 42,
            [new RepeatOrder(1, ["wss-offload", "ws", "wss-inline-aa", "wss-inline"]), new RepeatOrder(2, ["ws", "wss-inline", "wss-offload", "wss-inline-aa"]),
             new RepeatOrder(3, ["wss-inline-aa", "wss-offload", "wss-inline", "ws"])], Client: "go", Order: "by-cell"),
        [
            new ModeInfo("ws", "ActorWss, plain ws://", []),
            new ModeInfo("wss-inline", "ActorWss, TLS inline", ["actorwss.tls.mode=inline"]),
            new ModeInfo("wss-inline-aa", "A/A twin of wss-inline", ["actorwss.tls.mode=inline"], TwinOf: "wss-inline"),
            new ModeInfo("wss-offload", "ActorWss, TLS offloaded to the dedicated pool", ["actorwss.tls.mode=offload"]),
        ],
        [
            new TableSpec("connections", "Echo 64 B — varying connection count", "connections", ModeNames,
                [new CellSpec(100, 64, 1, Cores), new CellSpec(500, 64, 1, Cores)], Comparisons),
            new TableSpec("sizes", "Echo — varying message size (100 connections)", "size", ModeNames,
                [new CellSpec(100, 64, 1, Cores), new CellSpec(100, 4096, 1, Cores)], Comparisons),
        ],
        [.. Results()],
        [],
        []);

    private static IEnumerable<CaseResult> Results()
    {
        foreach (var (mode, connections, size, rates) in new (string, int, int, double[])[]
                 {
                     ("ws", 100, 64, [80_000, 81_000, 90_000]),
                     ("wss-inline", 100, 64, [50_000, 52_000, 54_000]),
                     ("wss-inline-aa", 100, 64, [49_000, 51_000, 53_000]),
                     ("wss-offload", 100, 64, [40_000, 41_000, 42_000]),
                     ("ws", 500, 64, [85_000, 86_000, 87_000]),
                     ("wss-inline", 500, 64, [50_000, 60_000, 70_000]),
                     ("wss-inline-aa", 500, 64, [52_000, 58_000, 66_000]),
                     ("wss-offload", 500, 64, [55_000, 56_000, 57_000]),
                     ("ws", 100, 4096, [60_000, 61_000, 62_000]),
                     ("wss-inline", 100, 4096, [30_000, 31_000, 32_000]),
                     ("wss-offload", 100, 4096, [33_000, 34_000, 0]),
                 })
        {
            for (int repeat = 1; repeat <= rates.Length; repeat++)
            {
                yield return rates[repeat - 1] == 0
                    ? Case(mode, connections, size, repeat, 0, errors: 2, firstError: ErrorText)
                    : Case(mode, connections, size, repeat, rates[repeat - 1]);
            }
        }
    }

    /// <summary>
    /// One repeat. Server costs per echo: ws 8 µs user + 4 µs system; wss-inline (and its twin) 10 + 5; wss-offload
    /// 12 + 6; 0.5 context switches, 1 work item (offload 3), 620 B allocated (offload 700), 2 TLS steps of 92 B
    /// decrypt and 66 B encrypt over TLS; peak RSS 150 MiB.
    /// </summary>
    public static CaseResult Case(string mode, int connections, int size, int repeat, double messagesPerSecond,
        long errors = 0, string? firstError = null, int inFlight = 1)
    {
        var echoes = (long)(messagesPerSecond * CaseSeconds);
        bool tls = mode.StartsWith("wss", StringComparison.Ordinal);
        double user = mode == "ws" ? 8 : mode == "wss-offload" ? 12 : 10;
        var server = echoes == 0 ? null : new ServerCosts(
            UserCpuSeconds: echoes * user / 1e6,
            SystemCpuSeconds: echoes * user / 2 / 1e6,
            VoluntaryContextSwitches: echoes / 4,
            InvoluntaryContextSwitches: echoes / 4,
            PeakRssBytes: 150L << 20,
            PeakRssReset: true,
            AllocatedBytes: echoes * (mode == "wss-offload" ? 700 : 620),
            ThreadPoolWorkItems: echoes * (mode == "wss-offload" ? 3 : 1),
            Gen0Collections: 10,
            Gen2Collections: 0,
            TlsSteps: tls ? echoes * 2 : null,
            TlsOffloadedSteps: mode == "wss-offload" ? echoes * 2 : tls ? 0 : null,
            TlsDecryptSteps: tls ? echoes : null,
            TlsDecryptBytes: tls ? echoes * 92 : null,
            TlsEncryptSteps: tls ? echoes : null,
            TlsEncryptBytes: tls ? echoes * 66 : null,
            WindowEchoes: echoes);
        return new CaseResult(
            mode, connections, size, inFlight, Cores, repeat, CaseSeconds, echoes, errors, firstError,
            messagesPerSecond,
            ResultMath.MiBPerSecond(messagesPerSecond, size),
            new LatencySummary(1_000, 900, 1_500, 2_000, 3_000, 5_000),
            ClientCpuSeconds: 8,
            server,
            null,
            null,
            tls ? "Tls13 TLS_AES_256_GCM_SHA384" : null);
    }

    public static BenchmarkRun Memory() => Reference() with
    {
        Suite = "memory",
        Title = "Idle memory",
        Description = "Server memory per idle connection.",
        Modes = [new ModeInfo("ws", "ActorWss, plain ws://", []), new ModeInfo("go-ws", "Go", [])],
        Tables = [],
        Results = [],
        IdleMemory =
        [
            // 5,000 connections: 20, 25 and 30 KiB each.
            new IdleMemoryResult("ws", 5000, 1, 100L << 20, (100L << 20) + 5000L * 20 * 1024, 4.5, 0, null, null),
            new IdleMemoryResult("ws", 5000, 2, 100L << 20, (100L << 20) + 5000L * 25 * 1024, 4.0, 0, null, null),
            new IdleMemoryResult("ws", 5000, 3, 100L << 20, (100L << 20) + 5000L * 30 * 1024, 5.0, 0, null, null),
            new IdleMemoryResult("go-ws", 5000, 1, 10L << 20, (10L << 20) + 5000L * 8 * 1024, 3.0, 0, null, null),
        ],
        Fanout =
        [
            new FanoutResult("ws-chat", 100, 64, 8, 1, 10, 20_000, 2_000_000, 0, null, new LatencySummary(0, 1_000, 0, 4_000, 9_000, 20_000), 5, null),
        ],
    };
}

using ActorWss.Bench.Model;

namespace ActorWss.Tests.Bench;

/// <summary>
/// A small run built in code: ws, wss-inline and wss-offload, unpinned and pinned. wss-inline and wss-offload at
/// 64 B carry the reference report's figures. wss-offload was not run at 4 KiB unpinned, and its pinned
/// 500-connection case saw errors.
/// </summary>
internal static class SampleRuns
{
    public const double CaseSeconds = 10;
    public const string ErrorText = "echo 17 differs at byte 5";

    public static readonly MachineInfo Machine =
        new("AMD EPYC 7B13", 4, "Debian GNU/Linux 12 (bookworm)", ".NET 10.0.0", "workstation, concurrent");

    public static BenchmarkRun ThreeModes() => new(
        new DateTimeOffset(2025, 6, 1, 12, 30, 0, TimeSpan.Zero),
        "dotnet run -c Release --project src/ActorWss.Bench -- matrix --seconds 10",
        Machine,
        CaseSeconds,
        [
            new ModeInfo("ws", "ActorWss, plain ws://", ["actorwss.tls.enabled=off"]),
            new ModeInfo("wss-inline", "ActorWss, TLS inline", ["actorwss.tls.mode=inline"]),
            new ModeInfo("wss-offload", "ActorWss, TLS offloaded to the dedicated pool", ["actorwss.tls.mode=offload"]),
        ],
        [
            .. Unpinned(),
            .. Pinned(),
        ]);

    public static BenchmarkRun UnpinnedOnly()
    {
        var run = ThreeModes();
        return run with { Results = run.Results.Where(r => !r.Pinned).ToArray() };
    }

    private static IEnumerable<CaseResult> Unpinned()
    {
        yield return Case("ws", false, 50, 64, 220_000, 227);
        yield return Case("ws", false, 100, 64, 219_813, 455);
        yield return Case("ws", false, 200, 64, 215_000, 930);
        yield return Case("ws", false, 500, 64, 200_000, 2_500);
        yield return Case("ws", false, 100, 256, 210_000, 476);
        yield return Case("ws", false, 100, 1024, 190_000, 526);
        yield return Case("ws", false, 100, 4096, 120_000, 833);

        yield return Case("wss-inline", false, 50, 64, 186_513, 268);
        yield return Case("wss-inline", false, 100, 64, 186_068, 537);
        yield return Case("wss-inline", false, 200, 64, 184_066, 1_090);
        yield return Case("wss-inline", false, 500, 64, 167_019, 2_990);
        yield return Case("wss-inline", false, 100, 256, 174_475, 573);
        yield return Case("wss-inline", false, 100, 1024, 149_246, 670);
        yield return Case("wss-inline", false, 100, 4096, 92_686, 1_079);

        yield return Case("wss-offload", false, 50, 64, 56_737, 881);
        yield return Case("wss-offload", false, 100, 64, 56_692, 1_760);
        yield return Case("wss-offload", false, 200, 64, 57_223, 3_490);
        yield return Case("wss-offload", false, 500, 64, 55_144, 9_060);
        yield return Case("wss-offload", false, 100, 256, 54_170, 1_850);
        yield return Case("wss-offload", false, 100, 1024, 54_589, 1_830);
    }

    private static IEnumerable<CaseResult> Pinned()
    {
        yield return Case("ws", true, 100, 64, 150_000, 667);
        yield return Case("ws", true, 100, 4096, 90_000, 1_111);
        yield return Case("wss-inline", true, 100, 64, 120_000, 833);
        yield return Case("wss-inline", true, 100, 4096, 70_000, 1_428);
        yield return Case("wss-offload", true, 100, 64, 40_000, 2_500);
        yield return Case("wss-offload", true, 100, 4096, 38_000, 2_631);
        yield return Case("wss-offload", true, 500, 64, 39_000, 12_800, errors: 3, firstError: ErrorText);
    }

    public static CaseResult Case(
        string mode, bool pinned, int connections, int size, double messagesPerSecond, double meanUs,
        long errors = 0, string? firstError = null, double? serverCpuSeconds = 9.5, long? serverPeakRssBytes = 150L << 20)
    {
        var echoes = (long)(messagesPerSecond * CaseSeconds);
        return new CaseResult(
            mode, connections, size, pinned, CaseSeconds, echoes, errors, firstError,
            messagesPerSecond,
            ResultMath.MiBPerSecond(messagesPerSecond, size),
            new LatencySummary(meanUs, meanUs * 0.9, meanUs * 1.2, meanUs * 2, meanUs * 5),
            ClientCpuSeconds: 12.5,
            serverCpuSeconds,
            serverPeakRssBytes,
            ResultMath.PerCpuSecond(echoes, serverCpuSeconds),
            pinned ? "0-1" : null,
            pinned ? "2-3" : null);
    }
}

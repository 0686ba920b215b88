using System.Text.Json;
using ActorWss.Bench.Matrix;
using ActorWss.Bench.Model;
using ActorWss.Bench.Report;
using Spectre.Console;

namespace ActorWss.Bench.Cli;

/// <summary><c>matrix</c>: the reference report's sweeps for every mode, written as docs/BENCHMARKS.md, charts and JSON.</summary>
public static class MatrixCommand
{
    public const string Usage = """
        matrix [options]                    start each server as a Release process, run both sweeps, write the report
          -d, --duration T                  measured time per case (default 10s)
          --quick                           2s per case, 1s warm-up
          --warmup T                        warm-up per case (default 2s)
          --modes a,b,...                   which modes (default: ws,wss-inline,wss-offload,kestrel-ws,kestrel-wss)
          --mode NAME=key=value;key=value   an extra ActorWss mode from HOCON overrides (repeatable), e.g.
                                            --mode wss-adaptive=actorwss.tls.mode=adaptive
          --no-kestrel                      leave out the Kestrel peer
          --pinning both|unpinned|pinned    pinned: server and load generator on disjoint CPUs (default both)
          --server-cpus LIST                CPUs of the server when pinned (default 0)
          --client-cpus LIST                CPUs of the load generator when pinned (default 1)
          --connections LIST                connection sweep at 64 B (default 50,100,200,500)
          --sizes LIST                      size sweep at 100 connections (default 64,256,1K,4K)
          --output DIR                      where BENCHMARKS.md and bench/ go (default: the repository's docs/)
          --notes FILE                      Markdown appended to the report
        """;

    public static async Task<int> RunAsync(CommandArgs args, string[] rawArgs)
    {
        bool quick = args.Flag("--quick");
        var extraModes = args.All("--mode").Select(BenchMode.Parse).ToList();
        var known = BenchMode.Defaults.Concat(extraModes).ToList();
        var names = args.Text("--modes")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            ?? BenchMode.Defaults.Select(m => m.Name).Concat(extraModes.Select(m => m.Name)).ToArray();
        if (args.Flag("--no-kestrel")) names = names.Where(n => !n.StartsWith("kestrel", StringComparison.Ordinal)).ToArray();
        var modes = names.Select(n => known.FirstOrDefault(m => m.Name == n)
            ?? throw new ArgumentException($"--modes: unknown mode '{n}' (known: {string.Join(", ", known.Select(m => m.Name))})")).ToList();
        var pinnings = (args.Text("--pinning") ?? "both") switch
        {
            "both" => new[] { false, true },
            "unpinned" => [false],
            "pinned" => [true],
            var other => throw new ArgumentException($"--pinning: '{other}' is not both, unpinned or pinned"),
        };
        var plan = new MatrixPlan(modes,
            args.IntList("--connections", [50, 100, 200, 500]),
            args.IntList("--sizes", [64, 256, 1024, 4096]),
            args.Duration("--duration", quick ? TimeSpan.FromSeconds(2) : TimeSpan.FromSeconds(10)),
            args.Duration("--warmup", quick ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(2)),
            pinnings,
            args.Text("--server-cpus") ?? "0",
            args.Text("--client-cpus") ?? "1");
        var paths = RepositoryPaths.Find();
        var output = args.Text("--output") ?? Path.Combine(paths.Root, "docs");
        var notes = args.Text("--notes") is { } notesFile ? await File.ReadAllTextAsync(notesFile) : null;
        args.RejectUnknown();

        var console = AnsiConsole.Console;
        console.WriteLine($"{plan.Modes.Count} modes x {plan.Cases.Count} cases x {plan.Pinnings.Count} pinning(s), " +
                          $"{plan.Duration.TotalSeconds:0.#}s each after {plan.Warmup.TotalSeconds:0.#}s warm-up");
        var started = DateTimeOffset.UtcNow;
        var results = await new MatrixRunner(plan, paths, console).RunAsync();

        var run = new BenchmarkRun(started, "dotnet run -c Release --project src/ActorWss.Bench -- " + string.Join(' ', rawArgs.Select(Quote)),
            MachineDescription.Current(), plan.Duration.TotalSeconds, plan.Modes.Select(m => m.ToInfo()).ToList(), results);
        var benchFolder = Path.Combine(output, "bench");
        Directory.CreateDirectory(benchFolder);
        await File.WriteAllTextAsync(Path.Combine(benchFolder, "results.json"), JsonSerializer.Serialize(run, RunCommand.Json));
        var charts = Charts.Write(run, benchFolder);
        await File.WriteAllTextAsync(Path.Combine(output, "BENCHMARKS.md"), MarkdownReport.Render(run, notes));
        console.WriteLine($"wrote {Path.Combine(output, "BENCHMARKS.md")}, {benchFolder}/results.json and {charts.Count} charts");
        return results.Any(r => r.Errors > 0) ? 3 : 0;
    }

    private static string Quote(string arg) => arg.Any(char.IsWhiteSpace) || arg.Contains(';') ? $"'{arg}'" : arg;
}

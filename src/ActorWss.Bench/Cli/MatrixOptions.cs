using ActorWss.Bench.Load;
using ActorWss.Bench.Matrix;
using ActorWss.Bench.Peers;
using ActorWss.Bench.Report;

namespace ActorWss.Bench.Cli;

/// <summary>The <c>matrix</c> command's options, parsed and checked (see <see cref="MatrixCommand.Usage"/>).</summary>
public sealed record MatrixOptions(
    IReadOnlyList<string> Suites,
    SuiteOptions Suite,
    IReadOnlyDictionary<string, BenchMode> Catalog,
    IReadOnlyList<BenchMode> ExtraModes,
    bool NoKestrel,
    bool NoGo,
    bool DryRun,
    LoadClient Client,
    int Repeats,
    int Seed,
    TimeSpan Duration,
    TimeSpan Warmup,
    TimeSpan WarmupCase,
    string Certificate,
    RepositoryPaths Paths,
    string Output,
    string NotesFile)
{
    public static MatrixOptions Parse(CommandArgs args)
    {
        bool quick = args.Flag("--quick");
        int cores = Environment.ProcessorCount;
        var suiteName = args.Text("--suite") ?? "all";
        var extraModes = args.All("--mode").Select(BenchMode.Parse).ToList();
        var catalog = BenchMode.Catalog(cores).Concat(extraModes).ToDictionary(m => m.Name, StringComparer.Ordinal);
        var selected = List(args, "--modes");
        foreach (var name in selected ?? [])
            if (!catalog.ContainsKey(name)) throw new ArgumentException($"--modes: unknown mode '{name}' (known: {string.Join(", ", catalog.Keys)})");
        var suite = new SuiteOptions(cores,
            Modes: selected,
            ExtraModes: extraModes.Select(m => m.Name).ToArray(),
            Connections: Numbers(args, "--connections"),
            Sizes: Numbers(args, "--sizes"),
            InFlight: Numbers(args, "--in-flight"),
            ServerCpus: Numbers(args, "--server-cpus"),
            IdleConnections: args.Int("--idle-connections", quick ? 500 : 5000),
            Subscribers: Numbers(args, "--subscribers"),
            FanoutWindow: args.Int("--window", 8),
            Tables: List(args, "--tables"));
        var paths = RepositoryPaths.Find();
        var output = args.Text("--output") ?? paths.Docs;
        var options = new MatrixOptions(
            suiteName == "all" ? SuiteCatalog.Names : [suiteName],
            suite,
            catalog,
            extraModes,
            NoKestrel: args.Flag("--no-kestrel"),
            NoGo: args.Flag("--no-go"),
            DryRun: args.Flag("--dry-run"),
            Client: args.Text("--client") is { } client ? LoadClients.Parse(client)
                : GorillaClient.Available ? LoadClient.Go : LoadClient.Dotnet,
            Repeats: args.Int("--repeat", quick ? 1 : 3),
            Seed: args.Int("--seed", Random.Shared.Next(1, 1_000_000), min: 0),
            Duration: args.Duration("--duration", quick ? TimeSpan.FromSeconds(2) : TimeSpan.FromSeconds(5)),
            Warmup: args.Duration("--warmup", TimeSpan.FromSeconds(1)),
            WarmupCase: args.Duration("--warmup-case", quick ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(2)),
            Certificate: args.Text("--certificate") ?? "rsa2048",
            paths,
            output,
            NotesFile: args.Text("--notes") ?? Path.Combine(output, MarkdownReport.ChartFolder, "NOTES.md"));
        args.RejectUnknown();
        if (extraModes.Any(m => m.Server != ServerKind.ActorWss)) throw new ArgumentException("--mode defines ActorWss modes only");
        return options;
    }

    private static IReadOnlyList<string>? List(CommandArgs args, string name) =>
        args.Text(name)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static IReadOnlyList<int>? Numbers(CommandArgs args, string name) => args.Text(name) is null ? null : args.IntList(name, []);
}

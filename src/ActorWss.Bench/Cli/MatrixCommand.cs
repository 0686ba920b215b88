using System.Globalization;
using System.Text.Json;
using ActorWss.Bench.Load;
using ActorWss.Bench.Matrix;
using ActorWss.Bench.Model;
using ActorWss.Bench.Peers;
using ActorWss.Bench.Report;
using Spectre.Console;

namespace ActorWss.Bench.Cli;

/// <summary>
/// <c>matrix</c>: one suite or all, each written as docs/bench/results-SUITE.json (saved after every step); then
/// docs/BENCHMARKS.md and the charts are rendered from every results-*.json there, so suites run separately add up
/// to one report.
/// </summary>
public static class MatrixCommand
{
    public const string Usage = """
        matrix [options]                    start a server per case, measure, write docs/bench/results-SUITE.json and
                                            render docs/BENCHMARKS.md from every suite's results
          --suite NAME                      reference | regimes | peers | memory | fanout | all (default all)
          --repeat N                        repeats of every cell, modes shuffled per repeat (default 3; --quick 1);
                                            each cell runs on all its modes back to back
          --seed N                          the shuffle's seed (default: random; recorded in the report)
          -d, --duration T                  measured time per case (default 5s)
          --warmup T                        unmeasured load at the start of each case (default 1s)
          --warmup-case T                   a discarded case after each server start (default 2s; 0s: none)
          --quick                           2s cases, 1s warm-ups, 1 repeat, 500 idle connections: a smoke run
          --modes a,b,...                   replace the suite's modes (see the Modes table of the report)
          --tables a,b,...                  only these tables of the suite (regimes: pipelined, large, pool, cores)
          --mode NAME=key=value;key=value   an extra ActorWss mode from HOCON overrides (repeatable), added to every
                                            table, e.g. --mode 'wss-big-batch=actorwss.tls.mode=offload;actorwss.tls.max-batch-bytes=256KiB'
          --no-kestrel, --no-go             leave out the Kestrel or Go peer
          --client go|dotnet                the echo cases' load generator (default: go when Go and Debian's
                                            gorilla/websocket are installed, else dotnet; recorded in the report).
                                            Idle memory and fan-out use the .NET client
          --server-cpus LIST                server CPU counts for every cell (default: all CPUs, shared with the load
                                            generator; the regimes suite's core table: 1 and all). The server runs on
                                            the first N CPUs, the load generator on the rest. e.g. 1,2,4,8 on 16 cores
          --connections LIST                reference: the connection sweep (default 50,100,200,500)
          --sizes LIST                      reference: the size sweep (default 64,256,1K,4K); regimes: large sizes
                                            (default 16K,64K,256K,1M)
          --in-flight LIST                  regimes: messages in flight per connection (default 1,8,32)
          --idle-connections N              memory: idle connections (default 5000)
          --subscribers LIST                fanout: subscriber counts (default 10,100,1000)
          --window W                        fanout: messages outstanding (default 8)
          --certificate rsa2048|ecdsa-p256  the one certificate of every wss:// server (default rsa2048)
          --dry-run                         print each suite's steps and an estimate of its time, run nothing
          --output DIR                      where BENCHMARKS.md and bench/ go (default: the repository's docs/)
          --notes FILE                      Markdown appended to the report (default: DIR/bench/NOTES.md if present)
        """;

    public static async Task<int> RunAsync(CommandArgs args, string[] rawArgs)
    {
        var o = MatrixOptions.Parse(args);
        var (catalog, paths, repeats, seed, duration, warmup, warmupCase) =
            (o.Catalog, o.Paths, o.Repeats, o.Seed, o.Duration, o.Warmup, o.WarmupCase);

        var built = o.Suites.Select(name => Without(SuiteCatalog.Build(name, o.Suite), o.NoKestrel, o.NoGo)).ToList();
        foreach (var mode in built.SelectMany(s => s.Modes))
            if (!catalog.ContainsKey(mode)) throw new ArgumentException($"mode '{mode}' is not known");

        if (o.DryRun)
        {
            foreach (var suite in built)
            {
                var schedule = Schedule.For(suite, repeats, seed);
                Console.WriteLine($"{suite.Name}: {schedule.Steps.Count} steps, about {Estimate(schedule, duration, warmup, warmupCase).TotalMinutes:0} min");
                foreach (var order in schedule.Orders) Console.WriteLine($"  repeat {order.Repeat}: {string.Join(", ", order.Modes)}");
            }
            return 0;
        }

        var console = AnsiConsole.Console;
        using var certificate = BenchCertificate.Create(o.Certificate);
        var launch = await LaunchAsync(paths, certificate, built.Any(s => s.Modes.Any(m => catalog[m].Server == ServerKind.Gorilla)), console);
        if (o.Client == LoadClient.Go)
            console.WriteLine($"load generator: {await GorillaClient.BuildAsync(paths.Root)}");
        var environment = RunEnvironmentProbe.Current(paths, certificate);
        var benchFolder = Path.Combine(o.Output, MarkdownReport.ChartFolder);
        Directory.CreateDirectory(benchFolder);
        var command = "dotnet run -c Release --project src/ActorWss.Bench -- " + string.Join(' ', rawArgs.Select(Quote));
        bool errors = false;

        foreach (var suite in built)
        {
            var plan = new RunPlan(suite, catalog, duration, warmup, warmupCase, repeats, seed, o.Suite.Cores, o.Client);
            var schedule = Schedule.For(suite, repeats, seed);
            console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{suite.Name}: {schedule.Steps.Count} steps, about {Estimate(schedule, duration, warmup, warmupCase).TotalMinutes:0} min ({suite.Modes.Count} modes, {repeats} repeat(s), seed {seed}), " +
                $"{duration.TotalSeconds:0.#}s measured after a {warmupCase.TotalSeconds:0.#}s warm-up case and {warmup.TotalSeconds:0.#}s warm-up"));
            var started = DateTimeOffset.UtcNow;
            BenchmarkRun RunOf(RunResults r) => new(suite.Name, suite.Title, suite.Description, started, command, environment,
                new RunSettings(duration.TotalSeconds, warmup.TotalSeconds, warmupCase.TotalSeconds, repeats, seed, schedule.Orders, o.Client.Name(), Schedule.ByCell),
                suite.Modes.Select(m => catalog[m].ToInfo()).ToList(), suite.Tables, r.Cases, r.IdleMemory, r.Fanout);
            var resultsFile = Path.Combine(benchFolder, $"results-{suite.Name}.json");
            var results = await new MatrixRunner(plan, launch, Console.Out).RunAsync(schedule,
                r => File.WriteAllTextAsync(resultsFile, JsonSerializer.Serialize(RunOf(r), RunCommand.Json)));
            errors |= results.AnyErrors;
            console.WriteLine($"wrote {resultsFile}");
        }

        var written = await ReportCommand.RenderAsync(o.Output, File.Exists(o.NotesFile) ? await File.ReadAllTextAsync(o.NotesFile) : null);
        Console.WriteLine(written);
        return errors ? 3 : 0;
    }

    private static Suite Without(Suite suite, bool noKestrel, bool noGo)
    {
        bool Keep(string mode) => !(noKestrel && mode.StartsWith("kestrel", StringComparison.Ordinal)) && !(noGo && mode.StartsWith("go-", StringComparison.Ordinal));
        return suite with
        {
            Tables = suite.Tables.Select(t => t with { Modes = t.Modes.Where(Keep).ToArray() }).ToArray(),
            Idle = suite.Idle is { } idle ? idle with { Modes = idle.Modes.Where(Keep).ToArray() } : null,
        };
    }

    private static async Task<ServerLaunch> LaunchAsync(RepositoryPaths paths, BenchCertificate certificate, bool needsGo, IAnsiConsole console)
    {
        if (!File.Exists(paths.ServerDll))
            throw new ArgumentException($"the server is not built at {paths.ServerDll}: build the solution in the bench's configuration first");
        if (!needsGo) return new ServerLaunch(paths, certificate, null, "not needed");
        try
        {
            return new ServerLaunch(paths, certificate, await GorillaPeer.BuildAsync(paths.Root), null);
        }
        catch (InvalidOperationException e)
        {
            console.WriteLine($"the Go peer is unavailable, its cases will fail: {e.Message}");
            return new ServerLaunch(paths, certificate, null, e.Message);
        }
    }

    /// <summary>
    /// A rough duration: each step's measured time and warm-ups plus about 5 s of server start and stop, child
    /// processes and connecting (measured on 2 cores); idle-memory steps also open thousands of connections.
    /// </summary>
    private static TimeSpan Estimate(Schedule schedule, TimeSpan duration, TimeSpan warmup, TimeSpan warmupCase) =>
        TimeSpan.FromSeconds(schedule.Steps.Sum(step => step.Work switch
        {
            IdleWork idle => warmupCase.TotalSeconds + 4 + 5 + idle.Connections / 400.0,
            FanoutWork fanout => duration.TotalSeconds + warmup.TotalSeconds + warmupCase.TotalSeconds + 5 + fanout.Subscribers / 200.0,
            _ => duration.TotalSeconds + warmup.TotalSeconds + warmupCase.TotalSeconds + 5,
        }));

    private static string Quote(string arg) => arg.Any(char.IsWhiteSpace) || arg.Contains(';') ? $"'{arg}'" : arg;
}

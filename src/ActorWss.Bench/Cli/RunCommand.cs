using System.Text.Json;
using ActorWss.Bench.Load;
using ActorWss.Bench.Matrix;
using ActorWss.Bench.Model;
using ActorWss.Bench.Peers;
using Spectre.Console;

namespace ActorWss.Bench.Cli;

/// <summary><c>run</c>: one closed-loop case against a running server; prints the result, optionally as JSON.</summary>
public static class RunCommand
{
    public const string Usage = """
        run --url URL [options]             one case against a running server
          --url URL                         ws:// or wss:// on this machine (e.g. ws://127.0.0.1:9090/)
          -c, --connections N               connections (default 100)
          -d, --duration T                  measured time (default 10s)
          --size BYTES                      message size (default 64; 4K, 1MiB accepted)
          --in-flight K                     messages in flight per connection (default 1: the reference's closed loop)
          --warmup T                        not measured (default 2s)
          --insecure                        accept the server's self-signed certificate
          --client dotnet|go                who generates the load: this bench's .NET connections (default) or the Go
                                            load generator on gorilla/websocket (built on first use; needs
                                            golang-go and golang-github-gorilla-websocket-dev)
          --json PATH|-                     write the result as JSON (- : stdout, progress goes to stderr)
          --server-pid PID                  also measure that process: CPU (user, system), context switches, peak RSS
          --metrics-url URL                 and read its /metrics at both ends (runtime counters, TLS steps)
          --mode NAME                       the name to record the case under (default: the URL's scheme)
          --repeat N, --server-cpus N, --server-cpu-list L
                                            recorded with the case (the matrix sets them)
        """;

    public static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static async Task<int> RunAsync(CommandArgs args)
    {
        var url = new Uri(args.Text("--url") ?? throw new ArgumentException("--url is required"));
        var options = new LoadOptions(url,
            Connections: args.Int("--connections", 100),
            Duration: args.Duration("--duration", TimeSpan.FromSeconds(10)),
            Warmup: args.Duration("--warmup", TimeSpan.FromSeconds(2)),
            Size: args.Size("--size", 64),
            Insecure: args.Flag("--insecure"),
            InFlight: args.Int("--in-flight", 1));
        var json = args.Text("--json");
        var probe = Probe(args);
        var client = LoadClients.Parse(args.Text("--client") ?? "dotnet");
        var mode = args.Text("--mode") ?? url.Scheme;
        int repeat = args.Int("--repeat", 1);
        int serverCpus = args.Int("--server-cpus", Environment.ProcessorCount);
        var serverCpuList = args.Text("--server-cpu-list");
        args.RejectUnknown();

        var console = ConsoleFor(json);
        var goClient = client == LoadClient.Go ? await GorillaClient.BuildAsync(RepositoryPaths.Find().Root) : null;
        var result = await ProgressDisplay.RunAsync(console, $"{mode} {options.Connections}c {options.Size}B k{options.InFlight}",
            report => goClient is null ? LoadGenerator.RunAsync(options, probe, report) : GorillaLoadGenerator.RunAsync(goClient, options, probe, report));
        var caseResult = result.ToCase(mode, options.Connections, options.Size, options.InFlight, serverCpus, repeat,
            serverCpuList, serverCpuList is null ? null : CpuAffinity.Describe());

        ProgressDisplay.Summarize(console, caseResult);
        await WriteJsonAsync(json, caseResult);
        return caseResult.Errors == 0 ? 0 : 3;
    }

    /// <summary>The server to measure, from --server-pid and --metrics-url; null without a pid.</summary>
    internal static ServerProbe? Probe(CommandArgs args)
    {
        int? pid = args.Text("--server-pid") is not null ? args.Int("--server-pid", 0) : null;
        var metrics = args.Text("--metrics-url") is { } m ? new Uri(m) : null;
        return pid is { } p ? new ServerProbe(p, metrics) : null;
    }

    /// <summary>Progress to stderr when the JSON goes to stdout.</summary>
    internal static IAnsiConsole ConsoleFor(string? json) =>
        json == "-" ? AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) }) : AnsiConsole.Console;

    internal static async Task WriteJsonAsync<T>(string? json, T value)
    {
        if (json == "-") Console.Out.WriteLine(JsonSerializer.Serialize(value, Json));
        else if (json is not null) await File.WriteAllTextAsync(json, JsonSerializer.Serialize(value, Json));
    }
}

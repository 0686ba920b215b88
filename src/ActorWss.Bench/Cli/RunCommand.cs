using System.Text.Json;
using ActorWss.Bench.Load;
using ActorWss.Bench.Model;
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
          --warmup T                        not measured (default 2s)
          --insecure                        accept the server's self-signed certificate
          --json PATH|-                     write the result as JSON (- : stdout, progress goes to stderr)
          --server-pid PID                  also measure that process's CPU seconds and peak RSS (from /proc)
          --mode NAME                       the name to record the case under (default: the URL's scheme)
          --pinned                          record the case as pinned (the caller pinned the processes)
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
            Insecure: args.Flag("--insecure"));
        var json = args.Text("--json");
        int? serverPid = args.Text("--server-pid") is { } pid ? args.Int("--server-pid", 0) : null;
        var mode = args.Text("--mode") ?? url.Scheme;
        bool pinned = args.Flag("--pinned");
        args.RejectUnknown();

        var console = json == "-" ? AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) }) : AnsiConsole.Console;
        var result = await ProgressDisplay.RunAsync(console, $"{mode} {options.Connections}c {options.Size}B",
            report => LoadGenerator.RunAsync(options, serverPid, report));
        var caseResult = result.ToCase(mode, options.Connections, options.Size, pinned, null, CpuAffinity.Describe());

        ProgressDisplay.Summarize(console, caseResult);
        if (json == "-") Console.Out.WriteLine(JsonSerializer.Serialize(caseResult, Json));
        else if (json is not null) await File.WriteAllTextAsync(json, JsonSerializer.Serialize(caseResult, Json));
        return caseResult.Errors == 0 ? 0 : 3;
    }
}

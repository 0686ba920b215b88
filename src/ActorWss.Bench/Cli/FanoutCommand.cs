using ActorWss.Bench.Load;
using ActorWss.Bench.Matrix;
using Spectre.Console;

namespace ActorWss.Bench.Cli;

/// <summary><c>fanout</c>: one publisher, N subscribers in one chat room, against running servers.</summary>
public static class FanoutCommand
{
    public const string Usage = """
        fanout --url URL [options]          one publisher, N subscribers in one room of the chat route
          --url URL                         the chat endpoint, e.g. ws://127.0.0.1:9090/chat (the publisher's, and
                                            the subscribers' unless --subscriber-url is given)
          --subscriber-url URL              where subscribers connect, round robin (repeatable: several cluster nodes)
          --subscribers N                   subscribers (default 100)
          --window W                        messages outstanding until delivered to every subscriber (default 8)
          --size N                          text length of each message (default 64)
          --room NAME                       the room (default bench)
          -d, --duration T, --warmup T, --insecure, --json, --server-pid, --metrics-url, --mode, --repeat   as for run
        """;

    public static async Task<int> RunAsync(CommandArgs args)
    {
        var url = new Uri(args.Text("--url") ?? throw new ArgumentException("--url is required"));
        var subscriberUrls = args.All("--subscriber-url").Select(u => new Uri(u)).ToList();
        var options = new FanoutOptions(url, subscriberUrls.Count > 0 ? subscriberUrls : [url],
            Subscribers: args.Int("--subscribers", 100),
            Window: args.Int("--window", 8),
            MessageSize: args.Size("--size", 64),
            Duration: args.Duration("--duration", TimeSpan.FromSeconds(10)),
            Warmup: args.Duration("--warmup", TimeSpan.FromSeconds(2)),
            Insecure: args.Flag("--insecure"),
            Room: args.Text("--room") ?? "bench");
        var json = args.Text("--json");
        var probe = RunCommand.Probe(args);
        var mode = args.Text("--mode") ?? url.Scheme;
        int repeat = args.Int("--repeat", 1);
        args.RejectUnknown();

        var console = RunCommand.ConsoleFor(json);
        var result = await FanoutLoad.RunAsync(options, mode, repeat, probe,
            p => console.WriteLine($"{mode}: {p.Phase} {p.Echoes:N0}"));
        console.WriteLine(StepLines.Fanout(result));
        await RunCommand.WriteJsonAsync(json, result);
        return result.Errors == 0 ? 0 : 3;
    }
}

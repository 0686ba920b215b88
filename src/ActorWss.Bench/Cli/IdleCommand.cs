using ActorWss.Bench.Load;
using ActorWss.Bench.Matrix;
using Spectre.Console;

namespace ActorWss.Bench.Cli;

/// <summary><c>idle</c>: server memory per idle connection, against a running server.</summary>
public static class IdleCommand
{
    public const string Usage = """
        idle --url URL --server-pid PID [options]
                                            server RSS growth per idle connection (each completes one echo first)
          -c, --connections N               idle connections (default 5000; the open-file limit must allow them, and
                                            loopback about 28,000 per server port: net.ipv4.ip_local_port_range)
          --settle T                        quiet time before each RSS reading (default 2s)
          --insecure, --json PATH|-, --mode NAME, --repeat N   as for run
        """;

    public static async Task<int> RunAsync(CommandArgs args)
    {
        var url = new Uri(args.Text("--url") ?? throw new ArgumentException("--url is required"));
        var options = new IdleOptions(url, args.Int("--connections", 5000), args.Flag("--insecure"), args.Duration("--settle", TimeSpan.FromSeconds(2)));
        int pid = args.Int("--server-pid", 0);
        if (pid == 0) throw new ArgumentException("--server-pid is required: the memory measured is that process's");
        var json = args.Text("--json");
        var mode = args.Text("--mode") ?? url.Scheme;
        int repeat = args.Int("--repeat", 1);
        args.RejectUnknown();

        int needed = options.Connections + 256;
        if (ChildProcess.CurrentOpenFileLimit() < needed)
            throw new ArgumentException($"--connections {options.Connections} needs at least {needed} open files; this process may open " +
                $"{ChildProcess.CurrentOpenFileLimit()} (raise it with ulimit -n or prlimit, as the matrix does)");

        var console = RunCommand.ConsoleFor(json);
        var result = await IdleLoad.RunAsync(options, pid, mode, repeat,
            p => console.WriteLine($"{mode}: {p.Phase} {p.Echoes} connections"));
        console.WriteLine(StepLines.Idle(result));
        await RunCommand.WriteJsonAsync(json, result);
        return result.Errors == 0 ? 0 : 3;
    }
}

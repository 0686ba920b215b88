using ActorWss.Bench.Cli;

const string Usage = $"""
    ActorWss.Bench: closed-loop WebSocket echo load (the method of the reference report), and the matrix that runs it.

    {RunCommand.Usage}
    {IdleCommand.Usage}
    {FanoutCommand.Usage}
    {MatrixCommand.Usage}
    {ReportCommand.Usage}
    {KestrelCommand.Usage}
    {TlsFloorCommand.Usage}
    {HopFloorCommand.Usage}
    """;

if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
{
    Console.WriteLine(Usage);
    return args.Length == 0 ? 2 : 0;
}

try
{
    var rest = args.Skip(1);
    return args[0] switch
    {
        "run" => await RunCommand.RunAsync(new CommandArgs(rest, LoadFlags, Aliases)),
        "idle" => await IdleCommand.RunAsync(new CommandArgs(rest, LoadFlags, Aliases)),
        "fanout" => await FanoutCommand.RunAsync(new CommandArgs(rest, LoadFlags, Aliases)),
        "matrix" => await MatrixCommand.RunAsync(new CommandArgs(rest, MatrixFlags, Aliases), args),
        "report" => await ReportCommand.RunAsync(new CommandArgs(rest, new HashSet<string>(), Aliases)),
        "kestrel" => await KestrelCommand.RunAsync(new CommandArgs(rest, new HashSet<string>(), Aliases)),
        "tls-floor" => await TlsFloorCommand.RunAsync(new CommandArgs(rest, new HashSet<string>(), Aliases)),
        "hop-floor" => await HopFloorCommand.RunAsync(new CommandArgs(rest, new HashSet<string>(), Aliases)),
        _ => throw new ArgumentException($"unknown command '{args[0]}'"),
    };
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"actorwss-bench: {e.Message}\n\n{Usage}");
    return 2;
}

partial class Program
{
    private static readonly HashSet<string> LoadFlags = ["--insecure"];
    private static readonly HashSet<string> MatrixFlags = ["--quick", "--no-kestrel", "--no-go", "--dry-run"];
    private static readonly Dictionary<string, string> Aliases = new()
    {
        ["-c"] = "--connections",
        ["-d"] = "--duration",
    };
}

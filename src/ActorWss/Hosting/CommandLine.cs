namespace ActorWss.Hosting;

/// <summary>The server's command line: <c>[--config PATH] [--set key=value]...</c>.</summary>
internal sealed record CommandLine(string ConfigPath, bool ConfigPathGiven, IReadOnlyList<string> Overrides, bool Help, bool HealthCheck = false,
    bool ReadyCheck = false)
{
    public const string DefaultConfigPath = "config/actorwss.conf";

    public const string Usage = """
        usage: ActorWss [--config PATH] [--set key=value]... [--health-check | --ready-check]

          --config PATH      HOCON configuration (default: config/actorwss.conf; all keys: src/ActorWss/reference.conf)
          --set key=value    override one key, e.g. --set actorwss.tls.mode=offload (repeatable)
          --health-check     do not serve: ask a running server's GET /healthz (same config), exit 0 if it answers 200
          --ready-check      the same with GET /readyz: listeners bound, not draining, an Up cluster member if clustered
          --help             this text
        """;

    public static CommandLine Parse(IReadOnlyList<string> args)
    {
        string? config = null;
        var overrides = new List<string>();
        bool help = false, healthCheck = false, readyCheck = false;
        for (int i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--config" when i + 1 < args.Count:
                    config = args[++i];
                    break;
                case "--set" when i + 1 < args.Count:
                    overrides.Add(args[++i]);
                    break;
                case "--help" or "-h":
                    help = true;
                    break;
                case "--health-check":
                    healthCheck = true;
                    break;
                case "--ready-check":
                    healthCheck = readyCheck = true;
                    break;
                default:
                    throw new ArgumentException($"unknown or incomplete argument '{args[i]}'");
            }
        }
        return new CommandLine(config ?? DefaultConfigPath, config is not null, overrides, help, healthCheck, readyCheck);
    }
}

using ActorWss.Configuration;
using Akka.Actor;
using Akka.Configuration;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using AkkaLogLevel = Akka.Event.LogLevel;

namespace ActorWss.Hosting;

/// <summary>
/// A whole ActorWss server process in one call, as the ready-made server (<c>src/ActorWss.Server</c>) runs: the
/// command line (<c>--config PATH</c>, <c>--set key=value</c>, <c>--health-check</c>, <c>--help</c>), HOCON from
/// <c>config/actorwss.conf</c>, console logging, and a drain on SIGTERM or Ctrl-C. An application adds its handlers
/// and defaults in <c>configure</c> and gets the same command line and exit codes.
/// </summary>
public static class ActorWssApplication
{
    /// <summary>
    /// Runs until SIGTERM or Ctrl-C. Returns 0 after a clean stop, 2 for invalid configuration or arguments, 1 when the
    /// start failed; a clustered node that its cluster downed returns 3, one that could not join its seed nodes 4.
    /// </summary>
    public static async Task<int> RunAsync(string[] args, Action<ActorWssBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        CommandLine commandLine;
        try
        {
            commandLine = CommandLine.Parse(args);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"actorwss: {e.Message}\n\n{CommandLine.Usage}");
            return 2;
        }
        if (commandLine.Help)
        {
            Console.WriteLine(CommandLine.Usage);
            return 0;
        }

        var options = new ActorWssBuilder();
        configure?.Invoke(options);
        Config config;
        ServerSettings settings;
        try
        {
            config = !commandLine.ConfigPathGiven && !File.Exists(commandLine.ConfigPath)
                ? ConfigLoader.ParseOverrides(commandLine.Overrides)
                : ConfigLoader.Load(commandLine.ConfigPath, commandLine.Overrides);
            settings = SettingsParser.Parse(config.WithFallback(options.Defaults));
        }
        catch (InvalidConfigurationException e)
        {
            Console.Error.WriteLine($"actorwss: invalid configuration: {e.Message}");
            return 2;
        }

        if (commandLine.HealthCheck) return await HealthCheck.RunAsync(settings, TimeSpan.FromSeconds(5), commandLine.ReadyCheck ? "/readyz" : "/healthz");
        try
        {
            // Before the host starts: a failed start would log the error with its stack trace twice before this message.
            Tls.CertificateLoader.Verify(settings);
        }
        catch (InvalidConfigurationException e)
        {
            Console.Error.WriteLine($"actorwss: invalid configuration: {e.Message}");
            return 2;
        }

        GlibcMallocArenas.Limit(settings.MallocArenaMax); // before the actor system's threads allocate

        var akkaLogLevel = (config.GetString("akka.loglevel", "INFO") ?? "INFO").ToUpperInvariant() switch
        {
            "DEBUG" => AkkaLogLevel.DebugLevel,
            "WARNING" => AkkaLogLevel.WarningLevel,
            "ERROR" => AkkaLogLevel.ErrorLevel,
            _ => AkkaLogLevel.InfoLevel,
        };

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "HH:mm:ss.fff ";
        });
        builder.Logging.SetMinimumLevel(akkaLogLevel == AkkaLogLevel.DebugLevel ? LogLevel.Debug : LogLevel.Information);
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = settings.DrainTimeout + TimeSpan.FromSeconds(15));
        builder.Services.AddAkka("actorwss", (akka, _) =>
        {
            akka.AddHocon(config, HoconAddMode.Prepend)
                .ConfigureLoggers(loggers =>
                {
                    loggers.LogLevel = akkaLogLevel;
                    loggers.ClearLoggers();
                    loggers.AddLogger<MicrosoftLoggingBridge>();
                })
                .AddActorWss(options);
            if (settings.Cluster.Enabled) akka.AddActorWssClustering(settings.Cluster);
        });

        using var host = builder.Build();
        if (settings.Cluster.Enabled)
            Console.WriteLine($"actorwss: clustered: remoting on {settings.Cluster.Host}:{settings.Cluster.Port}, seed nodes: " +
                (settings.Cluster.SeedNodes.Count == 0 ? "none (this node waits to be joined)" : string.Join(", ", settings.Cluster.SeedNodes)));
        try
        {
            await host.StartAsync();
            var system = host.Services.GetService<ActorSystem>();
            await host.WaitForShutdownAsync();
            return ExitCodeAfterStop(system);
        }
        catch (Exception e)
        {
            for (var inner = e; inner is not null; inner = inner.InnerException)
            {
                if (inner is InvalidConfigurationException invalid)
                {
                    Console.Error.WriteLine($"actorwss: invalid configuration: {invalid.Message}");
                    return 2;
                }
            }
            Console.Error.WriteLine($"actorwss: failed to start: {e.Message}");
            return 1;
        }
    }

    /// <summary>
    /// 0 when the server was asked to stop (SIGTERM, Ctrl-C, leaving the cluster). When the actor system stopped for
    /// another reason, the exit code Akka gives that reason: 3 when the cluster downed this node (its split-brain
    /// resolver, or an operator), 4 when it could not join its seed nodes. Those are failures a restart policy
    /// (<c>restart: on-failure</c>) should answer by starting the node again, so that it joins as a new member.
    /// </summary>
    private static int ExitCodeAfterStop(ActorSystem? system)
    {
        if (system is null) return 0;
        var reason = CoordinatedShutdown.Get(system).ShutdownReason;
        if (reason is null || reason.ExitCode == 0) return 0;
        var why = reason switch
        {
            CoordinatedShutdown.ClusterDowningReason => "the cluster downed this node",
            CoordinatedShutdown.ClusterJoinUnsuccessfulReason => "this node could not join its seed nodes",
            _ => reason.GetType().Name,
        };
        Console.Error.WriteLine($"actorwss: stopped: {why} (exit code {reason.ExitCode})");
        return reason.ExitCode;
    }
}

using ActorWss.Configuration;
using ActorWss.Hosting;
using Akka.Configuration;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using AkkaLogLevel = Akka.Event.LogLevel;

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

Config config;
ServerSettings settings;
try
{
    config = !commandLine.ConfigPathGiven && !File.Exists(commandLine.ConfigPath)
        ? ConfigLoader.ParseOverrides(commandLine.Overrides)
        : ConfigLoader.Load(commandLine.ConfigPath, commandLine.Overrides);
    settings = SettingsParser.Parse(config);
}
catch (InvalidConfigurationException e)
{
    Console.Error.WriteLine($"actorwss: invalid configuration: {e.Message}");
    return 2;
}

if (commandLine.HealthCheck) return await HealthCheck.RunAsync(settings, TimeSpan.FromSeconds(5));

var akkaLogLevel = (config.GetString("akka.loglevel", "INFO") ?? "INFO").ToUpperInvariant() switch
{
    "DEBUG" => AkkaLogLevel.DebugLevel,
    "WARNING" => AkkaLogLevel.WarningLevel,
    "ERROR" => AkkaLogLevel.ErrorLevel,
    _ => AkkaLogLevel.InfoLevel,
};

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
builder.Logging.ClearProviders();
builder.Logging.AddSimpleConsole(options =>
{
    options.SingleLine = true;
    options.TimestampFormat = "HH:mm:ss.fff ";
});
builder.Logging.SetMinimumLevel(akkaLogLevel == AkkaLogLevel.DebugLevel ? LogLevel.Debug : LogLevel.Information);
builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = settings.DrainTimeout + TimeSpan.FromSeconds(15));
builder.Services.AddAkka("actorwss", (akka, _) =>
{
    // The actor system sees the defaults too: the offload dispatcher is defined there.
    akka.AddHocon(config.WithFallback(SettingsParser.Reference), HoconAddMode.Prepend)
        .ConfigureLoggers(loggers =>
        {
            loggers.LogLevel = akkaLogLevel;
            loggers.ClearLoggers();
            loggers.AddLogger<MicrosoftLoggingBridge>();
        })
        .AddActorWss(settings);
});

using var host = builder.Build();
try
{
    await host.RunAsync();
    return 0;
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

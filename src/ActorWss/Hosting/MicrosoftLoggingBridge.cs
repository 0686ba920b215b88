using System.Collections.Concurrent;
using Akka.Actor;
using Akka.DependencyInjection;
using Akka.Dispatch;
using Akka.Event;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ActorWss.Hosting;

/// <summary>
/// Akka.NET's log events into Microsoft.Extensions.Logging, one readable line each: the category is the actor
/// that logged, up to its first level under /user or /system ("ActorWss.listener-ws", "Akka.IO-TCP"), and the
/// text is the message alone (the timestamp and level come from the console formatter).
/// </summary>
internal sealed class MicrosoftLoggingBridge : ReceiveActor, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
{
    private readonly ILoggerFactory _factory;
    private readonly ConcurrentDictionary<string, ILogger> _loggers = new();

    public MicrosoftLoggingBridge()
    {
        _factory = DependencyResolver.For(Context.System).Resolver.GetService<ILoggerFactory>();
        Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized()));
        Receive<LogEvent>(Write);
    }

    private void Write(LogEvent logEvent)
    {
        var logger = _loggers.GetOrAdd(Category(logEvent.LogSource), _factory.CreateLogger);
        var level = logEvent.LogLevel() switch
        {
            Akka.Event.LogLevel.DebugLevel => Microsoft.Extensions.Logging.LogLevel.Debug,
            Akka.Event.LogLevel.InfoLevel => Microsoft.Extensions.Logging.LogLevel.Information,
            Akka.Event.LogLevel.WarningLevel => Microsoft.Extensions.Logging.LogLevel.Warning,
            _ => Microsoft.Extensions.Logging.LogLevel.Error,
        };
        if (!logger.IsEnabled(level)) return;
#pragma warning disable CA2254 // the text is already formatted by Akka.NET
        logger.Log(level, logEvent.Cause, logEvent.Message?.ToString() ?? "");
#pragma warning restore CA2254
    }

    private static string Category(string source)
    {
        foreach (var (root, prefix) in new[] { ("/user/", "ActorWss."), ("/system/", "Akka.") })
        {
            int at = source.IndexOf(root, StringComparison.Ordinal);
            if (at < 0) continue;
            var rest = source[(at + root.Length)..];
            int slash = rest.IndexOfAny(['/', '#', '$']);
            return prefix + (slash < 0 ? rest : rest[..slash]);
        }
        int end = source.IndexOfAny([' ', '(']);
        var name = end < 0 ? source : source[..end];
        if (name.StartsWith("ActorWss.", StringComparison.Ordinal)) return name;
        bool fromAkka = source.Contains("akka://", StringComparison.Ordinal) || name.StartsWith("Akka", StringComparison.Ordinal);
        return (fromAkka ? "Akka." : "ActorWss.") + name;
    }
}

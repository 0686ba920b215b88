using System.Reflection;
using Akka.Configuration;

namespace ActorWss.Configuration;

/// <summary>Parses the <c>actorwss</c> section once into immutable settings; every error names its key.</summary>
public static class SettingsParser
{
    private static readonly Lazy<Config> ReferenceConfig = new(() =>
    {
        using var stream = typeof(SettingsParser).Assembly.GetManifestResourceStream("ActorWss.reference.conf")
            ?? throw new InvalidOperationException("reference.conf is not embedded in the ActorWss assembly");
        using var reader = new StreamReader(stream);
        return ConfigurationFactory.ParseString(reader.ReadToEnd());
    });

    /// <summary>The defaults of every key (src/ActorWss/reference.conf).</summary>
    public static Config Reference => ReferenceConfig.Value;

    private static readonly Dictionary<string, TransportKind> TransportKinds = new()
    {
        ["akka-streams-tcp"] = TransportKind.AkkaStreamsTcp,
    };

    private static readonly Dictionary<string, string> Handlers = new() { ["echo"] = "echo" };

    /// <summary>Reads <paramref name="config"/> (falling back to the reference defaults).</summary>
    public static ServerSettings Parse(Config config)
    {
        var root = new ConfigReader(config.WithFallback(Reference), "").Section("actorwss");

        var http = root.Section("http");
        var httpSettings = new HttpSettings(
            HandshakeTimeout: http.GetDuration("handshake-timeout"),
            MaxHeadBytes: (int)http.GetByteSize("max-header-size", 256, 1024 * 1024),
            LingerTimeout: http.GetDuration("linger-timeout"),
            AllowedOrigins: http.GetStringList("allowed-origins"));

        var ws = root.Section("websocket");
        var webSocketSettings = new WebSocketSettings(
            MaxMessageSize: ws.GetByteSize("max-message-size", 1, int.MaxValue),
            CloseTimeout: ws.GetDuration("close-timeout"),
            IdleTimeout: ws.GetOptionalDuration("idle-timeout"),
            KeepAliveInterval: ws.GetOptionalDuration("keep-alive-interval"),
            Subprotocols: ws.GetStringList("subprotocols"));

        var transport = root.Section("transport");
        var transportSettings = new TransportSettings(
            Kind: transport.GetEnum("kind", TransportKinds),
            WriteCoalesceBytes: (int)transport.GetByteSize("write-coalesce-bytes", 1, 16 * 1024 * 1024));

        var listeners = new List<ListenerSettings>();
        var listenersSection = root.Section("listeners");
        foreach (var name in listenersSection.Keys.OrderBy(k => k, StringComparer.Ordinal))
        {
            var listener = listenersSection.Section(name);
            if (!listener.GetBoolean("enabled")) continue;
            listeners.Add(new ListenerSettings(
                Name: name,
                Host: listener.GetString("host"),
                Port: listener.GetInt("port", 0, 65535),
                Backlog: listener.GetInt("backlog", 1, 65535),
                MaxConnections: listener.GetInt("max-connections", 1, 10_000_000)));
        }
        if (listeners.Count == 0)
            throw new InvalidConfigurationException("actorwss.listeners: no listener is enabled; enable at least one");
        var duplicate = listeners.GroupBy(l => (l.Host, l.Port)).FirstOrDefault(g => g.Key.Port != 0 && g.Count() > 1);
        if (duplicate is not null)
            throw new InvalidConfigurationException(
                $"actorwss.listeners: {string.Join(" and ", duplicate.Select(l => l.Name))} both bind {duplicate.Key.Host}:{duplicate.Key.Port}");

        return new ServerSettings(
            Listeners: listeners,
            Http: httpSettings,
            WebSocket: webSocketSettings,
            Transport: transportSettings,
            Handler: root.GetEnum("handler", Handlers),
            DrainTimeout: root.Section("shutdown").GetDuration("drain-timeout"));
    }
}

using System.Reflection;
using Akka.Configuration;

namespace ActorWss.Configuration;

/// <summary>Parses the <c>actorwss</c> section once into immutable settings; every error names its key.</summary>
internal static class SettingsParser
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
        ["auto"] = TransportKind.Auto,
        ["event-loop"] = TransportKind.EventLoop,
        ["socket"] = TransportKind.Socket,
        ["akka-streams-tcp"] = TransportKind.AkkaStreamsTcp,
    };

    private static readonly Dictionary<string, ushort?> CloseCodes = new()
    {
        ["auto"] = null,
        ["1001"] = WebSocket.CloseStatus.GoingAway,
        ["1012"] = WebSocket.CloseStatus.ServiceRestart,
    };

    private static readonly Dictionary<string, TlsMode> TlsModes = new()
    {
        ["inline"] = TlsMode.Inline,
        ["offload"] = TlsMode.Offload,
        ["adaptive"] = TlsMode.Adaptive,
    };

    private static readonly Dictionary<string, ClientCertificateMode> ClientCertificateModes = new()
    {
        ["none"] = ClientCertificateMode.None,
        ["optional"] = ClientCertificateMode.Optional,
        ["required"] = ClientCertificateMode.Required,
    };

    /// <summary>A shutdown that waits longer than this is not a drain but a hang (the host's own stop timeout follows it).</summary>
    public static readonly TimeSpan MaxDrainTimeout = TimeSpan.FromHours(1);

    /// <summary>Reads <paramref name="config"/> (falling back to the reference defaults).</summary>
    public static ServerSettings Parse(Config config)
    {
        KnownKeys.Check(config, Reference);
        var merged = config.WithFallback(Reference);
        var root = new ConfigReader(merged, "").Section("actorwss");

        var http = root.Section("http");
        var httpSettings = new HttpSettings(
            HandshakeTimeout: http.GetDuration("handshake-timeout"),
            MaxHeadBytes: (int)http.GetByteSize("max-header-size", 256, 1024 * 1024),
            LingerTimeout: http.GetDuration("linger-timeout"),
            AllowedOrigins: http.GetStringList("allowed-origins"),
            BrowserPage: http.GetBoolean("browser-page"));

        var ws = root.Section("websocket");
        var webSocketSettings = new WebSocketSettings(
            MaxMessageSize: ws.GetByteSize("max-message-size", 1, int.MaxValue),
            CloseTimeout: ws.GetDuration("close-timeout"),
            IdleTimeout: ws.GetOptionalDuration("idle-timeout"),
            KeepAliveInterval: ws.GetOptionalDuration("keep-alive-interval"),
            Subprotocols: ws.GetStringList("subprotocols"),
            PerMessageDeflate: ParsePerMessageDeflate(ws.Section("permessage-deflate")));

        var transport = root.Section("transport");
        var transportSettings = new TransportSettings(
            Kind: transport.GetEnum("kind", TransportKinds),
            WriteCoalesceBytes: (int)transport.GetByteSize("write-coalesce-bytes", 1, 16 * 1024 * 1024),
            ReceiveBufferBytes: (int)transport.GetByteSize("receive-buffer-bytes", 256, 16 * 1024 * 1024),
            SendTimeout: transport.GetOptionalDuration("send-timeout"),
            CorkWrites: transport.GetBoolean("cork-writes"));

        var listeners = new List<ListenerSettings>();
        var tlsSection = root.Section("tls");
        var listenersSection = root.Section("listeners");
        var listenerDefaults = root.Section("listener-defaults");
        foreach (var name in listenersSection.Keys.OrderBy(k => k, StringComparer.Ordinal))
        {
            var listener = listenersSection.Section(name).WithFallback(listenerDefaults);
            if (!listener.GetBoolean("enabled")) continue;
            listeners.Add(new ListenerSettings(
                Name: name,
                Host: listener.GetString("host"),
                Port: listener.GetInt("port", 0, 65535),
                Backlog: listener.GetInt("backlog", 1, 65535),
                MaxConnections: listener.GetInt("max-connections", 1, 10_000_000),
                Tls: ParseListenerTls(listener, tlsSection, config),
                Metrics: listener.GetBoolean("metrics")));
        }
        if (listeners.Count == 0)
            throw new InvalidConfigurationException("actorwss.listeners: no listener is enabled; enable at least one");
        if (transportSettings.Kind == TransportKind.AkkaStreamsTcp
            && listeners.FirstOrDefault(l => l.Host is "0.0.0.0" or "::" or "[::]") is { } wildcard)
            throw new InvalidConfigurationException(
                $"actorwss.listeners.{wildcard.Name}.host: '{wildcard.Host}' cannot be bound by transport akka-streams-tcp " +
                "(Akka.Streams resolves the host through DNS, which refuses wildcard addresses); use actorwss.transport.kind = socket");
        var duplicate = listeners.GroupBy(l => (l.Host, l.Port)).FirstOrDefault(g => g.Key.Port != 0 && g.Count() > 1);
        if (duplicate is not null)
            throw new InvalidConfigurationException(
                $"actorwss.listeners: {string.Join(" and ", duplicate.Select(l => l.Name))} both bind {duplicate.Key.Host}:{duplicate.Key.Port}");

        return new ServerSettings(
            Listeners: listeners,
            Http: httpSettings,
            WebSocket: webSocketSettings,
            Transport: transportSettings,
            Routes: RouteSettingsParser.ParseRoutes(root),
            Jwt: RouteSettingsParser.ParseJwt(root),
            Cluster: ClusterSettingsParser.Parse(root),
            DrainTimeout: root.Section("shutdown").GetDuration("drain-timeout", MaxDrainTimeout),
            Drain: new DrainSettings(
                BatchSize: root.Section("shutdown").GetInt("drain-batch-size", 1, 1_000_000),
                Interval: root.Section("shutdown").GetNonNegativeDuration("drain-interval"),
                CloseCode: root.Section("shutdown").GetEnum("close-code", CloseCodes)),
            MallocArenaMax: root.Section("process").GetInt("malloc-arena-max", 0, 1024));
    }

    private static PerMessageDeflateSettings ParsePerMessageDeflate(ConfigReader deflate) =>
        new(deflate.GetBoolean("enabled"), (int)deflate.GetByteSize("min-message-size", 0, int.MaxValue));

    /// <summary><c>tls = off | on | { overrides of actorwss.tls }</c>.</summary>
    private static TlsSettings? ParseListenerTls(ConfigReader listener, ConfigReader global, Config config)
    {
        if (!listener.Has("tls")) return null;
        if (listener.IsObject("tls")) return ParseTls(listener.Section("tls").WithFallback(global), config);
        return listener.GetBoolean("tls") ? ParseTls(global, config) : null;
    }

    private static TlsSettings ParseTls(ConfigReader tls, Config config)
    {
        var offload = tls.Section("offload");
        var dispatcher = offload.GetString("dispatcher");
        if (!config.WithFallback(Reference).HasPath(dispatcher) && dispatcher != "akka.actor.default-dispatcher")
            throw new InvalidConfigurationException(
                $"{offload.Path}.dispatcher: '{dispatcher}' is not defined; expected the path of a dispatcher section in the configuration");
        var certificate = tls.Section("certificate");
        var keyPath = certificate.GetOptionalString("key-path");
        var clientCa = tls.GetOptionalString("client-ca");
        return new TlsSettings(
            Mode: tls.GetEnum("mode", TlsModes),
            OffloadDispatcher: dispatcher,
            OffloadMinBytes: (int)offload.GetByteSize("min-bytes", 1, 16 * 1024 * 1024),
            MaxBatchBytes: (int)tls.GetByteSize("max-batch-bytes", 1024, 16 * 1024 * 1024),
            Certificate: new CertificateSettings(certificate.GetString("path"), keyPath, certificate.GetOptionalString("password"),
                certificate.NameOf("path"), certificate.NameOf("key-path")),
            DevCertificate: tls.GetBoolean("dev-certificate"),
            HandshakeTimeout: tls.GetDuration("handshake-timeout"),
            ClientCertificates: tls.GetEnum("client-certificates", ClientCertificateModes),
            ClientCa: clientCa,
            Sni: ParseSni(tls),
            Reload: tls.GetBoolean("reload") ? new CertificateReload(tls.GetDuration("reload-check-interval")) : null,
            ReleaseIdleBuffers: tls.GetBoolean("release-idle-buffers"));
    }

    /// <summary><c>sni { "host.name" { path = ..., key-path = ..., password = ... } }</c>.</summary>
    private static IReadOnlyList<SniCertificate> ParseSni(ConfigReader tls)
    {
        if (!tls.IsObject("sni"))
            throw new InvalidConfigurationException($"{tls.Path}.sni: expected an object {{ \"host.name\" {{ path = ..., key-path = ... }} }}");
        var sni = tls.Section("sni");
        var certificates = new List<SniCertificate>();
        foreach (var name in sni.Keys.Order(StringComparer.Ordinal))
        {
            var key = $"\"{name}\"";
            if (!SniNames.IsValid(name))
                throw new InvalidConfigurationException(
                    $"{sni.Path}.{key}: not a host name; expected a DNS name such as \"example.com\", or \"*.example.com\" for any one label under it");
            if (!sni.IsObject(key))
                throw new InvalidConfigurationException($"{sni.Path}.{key}: expected an object {{ path = ..., key-path = ... }}");
            var entry = sni.Section(key);
            string? Optional(string key) => entry.Has(key) ? entry.GetOptionalString(key) : null; // a PFX needs no key-path
            certificates.Add(new SniCertificate(name.ToLowerInvariant(),
                new CertificateSettings(entry.GetString("path"), Optional("key-path"), Optional("password"),
                    entry.NameOf("path"), entry.NameOf("key-path"))));
        }
        return certificates;
    }
}

using System.Collections.Concurrent;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using ActorWss.Configuration;
using ActorWss.Transport.EventLoops;
using Akka.Actor;
using Akka.Dispatch;
using Akka.Event;

namespace ActorWss.Tls;

/// <summary>
/// What every TLS connection of one listener shares: the certificates (the default one, loaded or generated for
/// development; others by server name), the client-certificate policy, and where offloaded record work runs. Builds
/// each connection's <see cref="SslServerAuthenticationOptions"/> once its ClientHello has named a server: TLS 1.2
/// and 1.3 only, ALPN http/1.1, no renegotiation. With <see cref="TlsSettings.Reload"/>, the certificates follow
/// their files (<see cref="CertificateReloader"/>) until the actor system terminates.
/// </summary>
internal sealed class TlsServerContext : IDisposable
{
    private readonly X509Certificate2Collection? _clientCa;
    private readonly ITlsCertificateObserver? _observer;
    private CertificateSet _certificates; // replaced whole by a reload; handshakes read it without a lock
    private CertificateReloader? _reloader;
    private Func<string?, SslServerAuthenticationOptions>? _optionsFactory;
    private readonly ConcurrentDictionary<EventLoop, OffloadBatcher> _offloadBatchers = new();

    /// <summary>ALPN: HTTP/1.1 only. One list for every connection (SslStream reads it, nobody changes it).</summary>
    private static readonly List<SslApplicationProtocol> Http11Only = [SslApplicationProtocol.Http11];

    private TlsServerContext(TlsSettings settings, CertificateSet certificates, X509Certificate2Collection? clientCa,
        MessageDispatcher? offloadDispatcher, ITlsCertificateObserver? observer)
    {
        Settings = settings;
        _certificates = certificates;
        _clientCa = clientCa;
        OffloadDispatcher = offloadDispatcher;
        _observer = observer;
    }

    public TlsSettings Settings { get; }

    /// <summary>What is served now.</summary>
    public CertificateSet Certificates => Volatile.Read(ref _certificates);

    /// <summary>The default certificate served now.</summary>
    public X509Certificate2 Certificate => Certificates.Default.Leaf;

    /// <summary>Null in inline mode.</summary>
    public MessageDispatcher? OffloadDispatcher { get; }

    /// <summary>The batcher of offloaded steps for the connections of <paramref name="loop"/>; call on that loop's thread.</summary>
    public OffloadBatcher OffloadBatcherFor(EventLoop loop) =>
        _offloadBatchers.GetOrAdd(loop, static (l, pool) => new OffloadBatcher(l, pool), OffloadDispatcher!);

    /// <param name="observer">Sees the certificates served (the expiry gauge) and their reloads.</param>
    public static TlsServerContext Create(TlsSettings settings, ActorSystem system, string listener, ITlsCertificateObserver? observer = null)
    {
        var log = Logging.GetLogger(system, "ActorWss.tls-" + listener);
        var certificate = LoadOrGenerate(settings, log);
        var served = ServedCertificate.Create(certificate.Leaf, certificate.Chain, certificate.Source);
        LogServed(log, listener, null, served);
        var byName = new Dictionary<string, ServedCertificate>(StringComparer.OrdinalIgnoreCase);
        foreach (var sni in settings.Sni ?? [])
        {
            byName[sni.HostName] = LoadSni(sni);
            LogServed(log, listener, sni.HostName, byName[sni.HostName]);
        }

        X509Certificate2Collection? clientCa = null;
        if (settings.ClientCa is { } caPath)
        {
            clientCa = [];
            try { clientCa.ImportFromPemFile(caPath); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
            {
                throw new InvalidConfigurationException($"actorwss.tls.client-ca: cannot read '{caPath}': {e.Message}");
            }
        }
        MessageDispatcher? dispatcher = null;
        int? offloadThreads = null;
        if (settings.Mode != TlsMode.Inline)
        {
            try { dispatcher = system.Dispatchers.Lookup(settings.OffloadDispatcher); }
            catch (Akka.Configuration.ConfigurationException e)
            {
                throw new InvalidConfigurationException(
                    $"actorwss.tls.offload.dispatcher: '{settings.OffloadDispatcher}' is not a dispatcher of this actor system ({e.Message})");
            }
            // The pool's threads start with the first offloaded step: a bad size is refused now, not then.
            var section = system.Settings.Config.GetConfig(settings.OffloadDispatcher);
            if (OffloadPoolConfigurator.Configures(section))
            {
                try { offloadThreads = OffloadPoolConfigurator.ThreadCount(section); }
                catch (Akka.Configuration.ConfigurationException e)
                {
                    throw new InvalidConfigurationException($"{settings.OffloadDispatcher}.dedicated-thread-pool: {e.Message}");
                }
            }
        }
        log.Info("{0}: TLS record work {1}", listener, DescribeMode(settings, offloadThreads));
        var context = new TlsServerContext(settings, new CertificateSet(served, byName), clientCa, dispatcher, observer);
        observer?.OnCertificates(context.Certificates.Expiries);
        if (settings.Reload is { } reload && certificate.FromFiles)
        {
            var watched = (settings.Sni ?? []).Select(sni => ((string?)sni.HostName, sni.Certificate)).Prepend((null, settings.Certificate));
            context._reloader = new CertificateReloader(watched, reload.CheckInterval, Load, context.Serve, log, listener, observer);
            system.RegisterOnTermination(context.Dispose);
        }
        return context;
    }

    /// <summary>Stops following the certificate files.</summary>
    public void Dispose() => _reloader?.Dispose();

    /// <summary>Checks the certificate files now, as the reload does on its own when they change.</summary>
    internal void CheckCertificateFiles() => _reloader?.Check();

    /// <summary><see cref="CreateOptions"/> as one delegate for every connection of the listener.</summary>
    public Func<string?, SslServerAuthenticationOptions> OptionsFactory => _optionsFactory ??= CreateOptions;

    /// <summary>The options of one connection, for the server name its ClientHello asked for (null or empty: none).</summary>
    public SslServerAuthenticationOptions CreateOptions(string? serverName) => new()
    {
        ServerCertificateContext = Certificates.For(serverName).Context,
        EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
        ApplicationProtocols = Http11Only,
        AllowRenegotiation = false,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        ClientCertificateRequired = Settings.ClientCertificates != ClientCertificateMode.None,
        RemoteCertificateValidationCallback = Settings.ClientCertificates == ClientCertificateMode.None ? null : ValidateClientCertificate,
    };

    /// <summary>A reloaded certificate goes into service (called by the reloader, one at a time).</summary>
    private void Serve(string? name, ServedCertificate certificate)
    {
        Volatile.Write(ref _certificates, Certificates.With(name, certificate));
        _observer?.OnCertificates(Certificates.Expiries);
    }

    private static ServedCertificate Load(CertificateSettings files)
    {
        var (leaf, chain) = CertificateLoader.Load(files);
        if (!leaf.HasPrivateKey) throw new InvalidOperationException($"{files.Path} has no private key");
        return ServedCertificate.Create(leaf, chain, CertificateLoader.Describe(files));
    }

    private static ServedCertificate LoadSni(SniCertificate sni)
    {
        try { return Load(sni.Certificate); }
        catch (Exception e) when (e is InvalidOperationException or System.Security.Cryptography.CryptographicException)
        {
            throw new InvalidConfigurationException($"actorwss.tls.sni.\"{sni.HostName}\": {e.Message}");
        }
    }

    /// <summary>Where record work runs, as the startup log says it: the HOCON choice, visible without reading it.</summary>
    private static string DescribeMode(TlsSettings settings, int? offloadThreads)
    {
        var pool = settings.OffloadDispatcher + (offloadThreads is { } n ? $" ({n} thread{(n == 1 ? "" : "s")})" : "");
        return settings.Mode switch
        {
            TlsMode.Offload => "offloaded to " + pool,
            TlsMode.Adaptive => $"inline for batches under {settings.OffloadMinBytes} bytes, offloaded to {pool} from there",
            _ => "inline, on each connection's own thread",
        };
    }

    private static void LogServed(ILoggingAdapter log, string listener, string? name, ServedCertificate served) =>
        log.Info("{0}: TLS certificate{1} {2} from {3}, SHA-256 {4}, valid until {5:yyyy-MM-dd}", listener,
            name is null ? "" : " for " + name, served.Leaf.Subject, served.Source, CertificateLoader.Sha256Fingerprint(served.Leaf),
            served.Leaf.NotAfter);

    private bool ValidateClientCertificate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null) return Settings.ClientCertificates == ClientCertificateMode.Optional;
        if (_clientCa is null) return errors == SslPolicyErrors.None;
        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(_clientCa);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        custom.ChainPolicy.ApplicationPolicy.Add(new System.Security.Cryptography.Oid("1.3.6.1.5.5.7.3.2")); // clientAuth
        return custom.Build(certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
    }

    /// <param name="FromFiles">Loaded from the configured files (not generated in memory): the files can be followed.</param>
    private sealed record LoadedCertificate(X509Certificate2 Leaf, X509Certificate2Collection Chain, string Source, bool FromFiles = true);

    private static LoadedCertificate LoadOrGenerate(TlsSettings settings, ILoggingAdapter log)
    {
        var files = settings.Certificate;
        if (!File.Exists(files.Path))
        {
            if (!settings.DevCertificate) throw CertificateLoader.Missing(files);
            try
            {
                if (DevCertificate.EnsureFiles(files))
                    log.Warning("Generated a self-signed development certificate for localhost at {0} (key {1}); clients must be told to trust it",
                        Path.GetFullPath(files.Path), Path.GetFullPath(files.KeyPath!));
            }
            catch (Exception e) when (e is UnauthorizedAccessException or IOException)
            {
                // A read-only certificate folder (e.g. a container mount): serve an in-memory certificate instead.
                log.Warning("Cannot write a development certificate to {0} ({1}); using one that lives in memory until exit",
                    files.Path, e.Message);
                return new LoadedCertificate(DevCertificate.Create(), [], "memory (generated)", FromFiles: false);
            }
        }
        if (DevCertificate.KeyUnreadable(settings))
            return new LoadedCertificate(DevCertificate.ServeFromMemory(files, message => log.Warning(message)), [], "memory (generated)");
        var (leaf, chain) = CertificateLoader.Load(files);
        if (!leaf.HasPrivateKey) throw new InvalidConfigurationException($"actorwss.tls.certificate: {files.Path} has no private key");
        return new LoadedCertificate(leaf, chain, CertificateLoader.Describe(files));
    }
}

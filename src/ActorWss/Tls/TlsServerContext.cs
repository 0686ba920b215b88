using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using ActorWss.Configuration;
using Akka.Actor;
using Akka.Dispatch;
using Akka.Event;

namespace ActorWss.Tls;

/// <summary>
/// What every TLS connection of one listener shares: the certificate (loaded, or generated for development,
/// once), the client-certificate policy, and where offloaded record work runs. Builds each connection's
/// <see cref="SslServerAuthenticationOptions"/>: TLS 1.2 and 1.3 only, ALPN http/1.1, no renegotiation.
/// </summary>
internal sealed class TlsServerContext
{
    private readonly SslStreamCertificateContext _certificate;
    private readonly X509Certificate2Collection? _clientCa;

    private TlsServerContext(TlsSettings settings, X509Certificate2 certificate, SslStreamCertificateContext context,
        X509Certificate2Collection? clientCa, MessageDispatcher? offloadDispatcher)
    {
        Settings = settings;
        Certificate = certificate;
        _certificate = context;
        _clientCa = clientCa;
        OffloadDispatcher = offloadDispatcher;
    }

    public TlsSettings Settings { get; }

    public X509Certificate2 Certificate { get; }

    /// <summary>Null in inline mode.</summary>
    public MessageDispatcher? OffloadDispatcher { get; }

    public static TlsServerContext Create(TlsSettings settings, ActorSystem system, string listener)
    {
        var log = Logging.GetLogger(system, "ActorWss.tls-" + listener);
        var certificate = LoadOrGenerate(settings, log);
        var chain = certificate.Chain;
        log.Info("{0}: TLS certificate {1} from {2}, SHA-256 {3}, valid until {4:yyyy-MM-dd}", listener,
            certificate.Leaf.Subject, certificate.Source, CertificateLoader.Sha256Fingerprint(certificate.Leaf), certificate.Leaf.NotAfter);

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
        if (settings.Mode != TlsMode.Inline)
        {
            try { dispatcher = system.Dispatchers.Lookup(settings.OffloadDispatcher); }
            catch (Akka.Configuration.ConfigurationException e)
            {
                throw new InvalidConfigurationException(
                    $"actorwss.tls.offload.dispatcher: '{settings.OffloadDispatcher}' is not a dispatcher of this actor system ({e.Message})");
            }
        }
        return new TlsServerContext(settings, certificate.Leaf,
            SslStreamCertificateContext.Create(certificate.Leaf, chain, offline: true), clientCa, dispatcher);
    }

    public SslServerAuthenticationOptions CreateOptions() => new()
    {
        ServerCertificateContext = _certificate,
        EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
        ApplicationProtocols = [SslApplicationProtocol.Http11],
        AllowRenegotiation = false,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        ClientCertificateRequired = Settings.ClientCertificates != ClientCertificateMode.None,
        RemoteCertificateValidationCallback = Settings.ClientCertificates == ClientCertificateMode.None ? null : ValidateClientCertificate,
    };

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

    private sealed record LoadedCertificate(X509Certificate2 Leaf, X509Certificate2Collection Chain, string Source);

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
                return new LoadedCertificate(DevCertificate.Create(), [], "memory (generated)");
            }
        }
        if (DevCertificate.KeyUnreadable(settings))
            return new LoadedCertificate(DevCertificate.ServeFromMemory(files, message => log.Warning(message)), [], "memory (generated)");
        var (leaf, chain) = CertificateLoader.Load(files);
        if (!leaf.HasPrivateKey) throw new InvalidConfigurationException($"actorwss.tls.certificate: {files.Path} has no private key");
        return new LoadedCertificate(leaf, chain, CertificateLoader.Describe(files));
    }
}

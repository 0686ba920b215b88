namespace ActorWss.Tls;

/// <summary>Sees what a listener's certificates are (the expiry gauge) and how their reloads go.</summary>
internal interface ITlsCertificateObserver
{
    /// <summary>The certificates now served: at the start, and after every successful reload.</summary>
    void OnCertificates(IReadOnlyList<CertificateExpiry> served);

    /// <summary>A certificate's files changed: <paramref name="loaded"/> when they now serve, false when they did not load.</summary>
    void OnReload(bool loaded);
}

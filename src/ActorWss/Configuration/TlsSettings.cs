namespace ActorWss.Configuration;

/// <summary>Where the TLS record work (encrypt, decrypt) runs.</summary>
internal enum TlsMode
{
    /// <summary>On the connection's own stream thread, inside its fused island.</summary>
    Inline,
    /// <summary>Every batch is handed to the offload dispatcher (mapAsync-style, one batch in flight per direction).</summary>
    Offload,
    /// <summary>Batches of at least <see cref="TlsSettings.OffloadMinBytes"/> are offloaded, smaller ones run inline.</summary>
    Adaptive,
}

internal enum ClientCertificateMode
{
    None,
    /// <summary>Asked for; a connection without one is accepted, one that does not validate is refused.</summary>
    Optional,
    Required,
}

/// <summary>A certificate from PEM files (certificate + key) or a PFX file.</summary>
/// <param name="Path">PEM certificate (chain) or .pfx/.p12 file.</param>
/// <param name="KeyPath">PEM private key; null for PFX.</param>
/// <param name="Password">For an encrypted key or PFX; null if none.</param>
/// <param name="PathKey">The configuration key that set <paramref name="Path"/>, for errors.</param>
/// <param name="KeyPathKey">The configuration key that set <paramref name="KeyPath"/>, for errors.</param>
internal sealed record CertificateSettings(string Path, string? KeyPath, string? Password,
    string PathKey = "actorwss.tls.certificate.path", string KeyPathKey = "actorwss.tls.certificate.key-path")
{
    /// <summary>The same files (the key names only say where they were set, for errors).</summary>
    public bool Equals(CertificateSettings? other) =>
        other is not null && Path == other.Path && KeyPath == other.KeyPath && Password == other.Password;

    public override int GetHashCode() => HashCode.Combine(Path, KeyPath, Password);

    /// <summary>The configuration key of the password, beside <see cref="PathKey"/>.</summary>
    public string PasswordKey => PathKey.EndsWith(".path", StringComparison.Ordinal) ? PathKey[..^".path".Length] + ".password" : "password";

    public bool IsPfx => Path.EndsWith(".pfx", StringComparison.OrdinalIgnoreCase) || Path.EndsWith(".p12", StringComparison.OrdinalIgnoreCase);
}

/// <summary>A certificate for clients that ask for <paramref name="HostName"/> (SNI, RFC 6066 §3).</summary>
/// <param name="HostName">A host name in lower case, or <c>*.example.com</c> for any one label under example.com.</param>
internal sealed record SniCertificate(string HostName, CertificateSettings Certificate);

/// <summary>Certificates follow their files (HOCON <c>actorwss.tls.reload</c>).</summary>
/// <param name="CheckInterval">Besides the change notifications of the file system, the files are checked this often.</param>
internal sealed record CertificateReload(TimeSpan CheckInterval);

/// <summary>TLS for a wss:// listener (HOCON <c>actorwss.tls</c>, optionally overridden per listener).</summary>
/// <param name="Mode">inline, offload or adaptive.</param>
/// <param name="OffloadDispatcher">The Akka dispatcher id that offloaded record work runs on.</param>
/// <param name="OffloadMinBytes">Adaptive mode: the smallest batch worth a thread hop.</param>
/// <param name="MaxBatchBytes">At most this much ciphertext is decrypted (but always one whole record) or plaintext encrypted in one step.</param>
/// <param name="Certificate">The server certificate.</param>
/// <param name="DevCertificate">Generate a self-signed localhost certificate when <see cref="Certificate"/> is missing.</param>
/// <param name="HandshakeTimeout">A TLS handshake must finish within this time.</param>
/// <param name="ClientCertificates">mTLS: none, optional or required.</param>
/// <param name="ClientCa">PEM bundle of the CAs client certificates must chain to; null: the system's trust store.</param>
/// <param name="Sni">Certificates by server name; clients that name none of them get <paramref name="Certificate"/>.</param>
/// <param name="Reload">Reload certificates when their files change; null: load them once.</param>
/// <param name="ReleaseIdleBuffers">Sessions free their native record buffers between records (OpenSSL on Linux).</param>
internal sealed record TlsSettings(
    TlsMode Mode,
    string OffloadDispatcher,
    int OffloadMinBytes,
    int MaxBatchBytes,
    CertificateSettings Certificate,
    bool DevCertificate,
    TimeSpan HandshakeTimeout,
    ClientCertificateMode ClientCertificates,
    string? ClientCa,
    IReadOnlyList<SniCertificate>? Sni = null,
    CertificateReload? Reload = null,
    bool ReleaseIdleBuffers = true);

using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace ActorWss.Tls;

/// <summary>One certificate as served: its leaf (with key), the TLS context built from it and its chain, and where it came from.</summary>
internal sealed record ServedCertificate(X509Certificate2 Leaf, SslStreamCertificateContext Context, string Source)
{
    /// <summary>Builds the TLS context once (the chain is sent as loaded, never fetched: offline).</summary>
    public static ServedCertificate Create(X509Certificate2 leaf, X509Certificate2Collection chain, string source) =>
        new(leaf, SslStreamCertificateContext.Create(leaf, chain, offline: true), source);
}

/// <summary>When a served certificate expires, for the expiry gauge.</summary>
internal readonly record struct CertificateExpiry(string Subject, DateTimeOffset NotAfter);

/// <summary>
/// The certificates a listener serves at one moment: a default one, and others by server name (SNI, RFC 6066 §3).
/// Immutable: a reload makes a new set, and a handshake that has chosen its certificate keeps it.
/// </summary>
internal sealed class CertificateSet(ServedCertificate fallback, IReadOnlyDictionary<string, ServedCertificate> byName)
{
    /// <summary>For clients that name no host, or one without a certificate of its own.</summary>
    public ServedCertificate Default { get; } = fallback;

    /// <summary>By host name (case-insensitive); <c>*.example.com</c> keys are wildcards.</summary>
    public IReadOnlyDictionary<string, ServedCertificate> ByName { get; } = byName;

    /// <summary>
    /// The certificate for <paramref name="serverName"/>: the one of that exact name, else the wildcard of its parent
    /// domain (one label only, as RFC 6125 §6.4.3 matches wildcards), else the default.
    /// </summary>
    public ServedCertificate For(string? serverName)
    {
        if (ByName.Count == 0 || string.IsNullOrEmpty(serverName)) return Default;
        if (ByName.TryGetValue(serverName, out var exact)) return exact;
        int dot = serverName.IndexOf('.');
        return dot > 0 && ByName.TryGetValue(string.Concat("*", serverName.AsSpan(dot)), out var wildcard) ? wildcard : Default;
    }

    /// <summary>This set with <paramref name="certificate"/> in place of the one for <paramref name="name"/> (null: the default).</summary>
    public CertificateSet With(string? name, ServedCertificate certificate)
    {
        if (name is null) return new CertificateSet(certificate, ByName);
        var byName = new Dictionary<string, ServedCertificate>(ByName, StringComparer.OrdinalIgnoreCase) { [name] = certificate };
        return new CertificateSet(Default, byName);
    }

    /// <summary>Every distinct certificate served, by subject; of two with one subject, the one that expires first.</summary>
    public IReadOnlyList<CertificateExpiry> Expiries =>
        ByName.Values.Prepend(Default)
            .GroupBy(c => c.Leaf.Subject, StringComparer.Ordinal)
            .Select(g => new CertificateExpiry(g.Key, g.Min(c => new DateTimeOffset(c.Leaf.NotAfter.ToUniversalTime()))))
            .OrderBy(e => e.Subject, StringComparer.Ordinal)
            .ToArray();
}

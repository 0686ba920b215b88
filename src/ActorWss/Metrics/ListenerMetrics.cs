using ActorWss.Connections;
using ActorWss.Http;
using ActorWss.Tls;
using ActorWss.WebSocket;

namespace ActorWss.Metrics;

/// <summary>
/// The counters of one listener. The connection actor, the protocol stage and the TLS stage report into it; the
/// <c>/metrics</c> endpoint and the <c>ActorWss</c> meter read it. Hot-path updates are single interlocked adds.
/// </summary>
internal sealed class ListenerMetrics(string listener) : IHandshakeObserver, IWebSocketObserver, ITlsObserver, IConnectionObserver,
    ITlsCertificateObserver
{
    public string Listener { get; } = listener;

    private long _open, _total, _messagesIn, _messagesOut, _bytesIn, _bytesOut, _offloadQueue, _inlineSteps, _offloadedSteps, _tlsSessionErrors;
    private long _compressedIn, _compressedOut, _compressedWireIn, _compressedWireOut, _compressedPayloadIn, _compressedPayloadOut;

    public long ConnectionsOpen => Interlocked.Read(ref _open);
    public long ConnectionsTotal => Interlocked.Read(ref _total);
    public long MessagesReceived => Interlocked.Read(ref _messagesIn);
    public long MessagesSent => Interlocked.Read(ref _messagesOut);
    public long BytesReceived => Interlocked.Read(ref _bytesIn);
    public long BytesSent => Interlocked.Read(ref _bytesOut);
    public long CompressedMessagesReceived => Interlocked.Read(ref _compressedIn);
    public long CompressedMessagesSent => Interlocked.Read(ref _compressedOut);
    /// <summary>Compressed (wire) bytes of the messages received compressed; their payload is <see cref="CompressedPayloadBytesReceived"/>.</summary>
    public long CompressedBytesReceived => Interlocked.Read(ref _compressedWireIn);
    public long CompressedBytesSent => Interlocked.Read(ref _compressedWireOut);
    public long CompressedPayloadBytesReceived => Interlocked.Read(ref _compressedPayloadIn);
    public long CompressedPayloadBytesSent => Interlocked.Read(ref _compressedPayloadOut);
    public long OffloadQueueDepth => Interlocked.Read(ref _offloadQueue);
    public long InlineTlsSteps => Interlocked.Read(ref _inlineSteps);
    public long OffloadedTlsSteps => Interlocked.Read(ref _offloadedSteps);
    public long TlsSessionErrors => Interlocked.Read(ref _tlsSessionErrors);

    /// <summary>HTTP phase outcomes: "upgraded", "http" (health, metrics, page), or the refusal reason ("version", "key", ...).</summary>
    public TaggedCounters Handshakes { get; } = new();

    /// <summary>Connections answered 503 without a connection actor: "over-capacity", "shutting-down".</summary>
    public TaggedCounters Refused { get; } = new();

    /// <summary>TLS handshakes: "ok", or the failure reason class.</summary>
    public TaggedCounters TlsHandshakes { get; } = new();

    public DurationHistogram TlsHandshakeDuration { get; } = new();

    /// <summary>Input bytes per TLS decrypt step (ciphertext taken in one step): how much each step batched.</summary>
    public SizeHistogram TlsDecryptStepBytes { get; } = new();

    /// <summary>Input bytes per TLS encrypt step (plaintext coalesced into one step).</summary>
    public SizeHistogram TlsEncryptStepBytes { get; } = new();

    /// <summary>How peers ended established TLS sessions: "close_notify", or "truncated" (TCP closed without it).</summary>
    public TaggedCounters TlsPeerCloses { get; } = new();

    /// <summary>The certificates served now, with their expiry (the default one and the SNI ones).</summary>
    public IReadOnlyList<CertificateExpiry> TlsCertificates => Volatile.Read(ref _tlsCertificates);

    private IReadOnlyList<CertificateExpiry> _tlsCertificates = [];

    /// <summary>Certificate reloads after their files changed: "ok", or "failed" (the previous certificate stayed).</summary>
    public TaggedCounters TlsCertificateReloads { get; } = new();

    public TaggedCounters CloseCodesSent { get; } = new();

    public TaggedCounters CloseCodesReceived { get; } = new();

    /// <summary>Clients refused by a route's authenticator, by route and reason ("expired", "missing-token", "error", ...).</summary>
    public PairCounters AuthenticationRejections { get; } = new();

    /// <summary>Messages sent to a connection that did not reach its client, by route and why (drop-oldest, drop-newest, overflow, closed).</summary>
    public PairCounters OutboundDropped { get; } = new();

    /// <summary>Connections closed because their outbound queue overflowed, by route and close code.</summary>
    public PairCounters OverflowCloses { get; } = new();

    public void OnAuthenticationRejected(string route, string reason) => AuthenticationRejections.Increment(route, reason);

    public void OnOutboundDropped(string route, OutboundDrop why) => OutboundDropped.Increment(route, why switch
    {
        OutboundDrop.DropOldest => "drop-oldest",
        OutboundDrop.DropNewest => "drop-newest",
        OutboundDrop.Overflow => "overflow",
        _ => "closed",
    });

    public void OnOverflowClose(string route, ushort code) =>
        OverflowCloses.Increment(route, code.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public void ConnectionOpened()
    {
        Interlocked.Increment(ref _open);
        Interlocked.Increment(ref _total);
    }

    public void ConnectionClosed() => Interlocked.Decrement(ref _open);

    public void OnHandshake(HandshakeOutcome outcome) => Handshakes.Increment(outcome switch
    {
        Upgraded => "upgraded",
        Answered answered => answered.Reason,
        Abandoned { Why: AbandonKind.TimedOut } => "timeout",
        Abandoned => "abandoned",
        _ => "other",
    });

    public void OnClosed(WebSocketCloseInfo close)
    {
        if (close.SentCode is { } sent) CloseCodesSent.Increment(CloseCodeLabel(sent));
        if (close.ReceivedCode is { } received) CloseCodesReceived.Increment(CloseCodeLabel(received));
    }

    /// <summary>
    /// A label from a close code the peer chose (§7.4): a small fixed set, so one client cannot create thousands of
    /// series. 1000-1015 (defined or reserved by RFC 6455 and IANA) stay exact; 3000-4999 (libraries and
    /// applications, §7.4.2) are one label; anything else is "invalid".
    /// </summary>
    internal static string CloseCodeLabel(ushort code) => code switch
    {
        >= 1000 and <= 1015 => CodeLabels[code - 1000],
        >= 3000 and <= 4999 => "3000-4999",
        _ => "invalid",
    };

    private static readonly string[] CodeLabels =
        Enumerable.Range(1000, 16).Select(c => c.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    public void OnMessageReceived(MessageType type, int payloadBytes)
    {
        Interlocked.Increment(ref _messagesIn);
        Interlocked.Add(ref _bytesIn, payloadBytes);
    }

    public void OnMessageSent(MessageType type, int payloadBytes)
    {
        Interlocked.Increment(ref _messagesOut);
        Interlocked.Add(ref _bytesOut, payloadBytes);
    }

    public void OnCompressedMessage(bool sent, int payloadBytes, int compressedBytes)
    {
        Interlocked.Increment(ref sent ? ref _compressedOut : ref _compressedIn);
        // Two counters, not their difference: a client may send a message compressed that did not shrink, and a
        // counter must never go down.
        Interlocked.Add(ref sent ? ref _compressedWireOut : ref _compressedWireIn, compressedBytes);
        Interlocked.Add(ref sent ? ref _compressedPayloadOut : ref _compressedPayloadIn, payloadBytes);
    }

    public void OnStep(TlsStepKind kind, int bytes, bool offloaded)
    {
        if (offloaded) Interlocked.Increment(ref _offloadedSteps);
        else Interlocked.Increment(ref _inlineSteps);
        if (kind == TlsStepKind.Decrypt) TlsDecryptStepBytes.Record(bytes);
        else if (kind == TlsStepKind.Encrypt) TlsEncryptStepBytes.Record(bytes);
    }

    public void OnOffloadQueue(int delta) => Interlocked.Add(ref _offloadQueue, delta);

    public void OnHandshake(TlsOutcome outcome)
    {
        switch (outcome)
        {
            case TlsEstablished established:
                TlsHandshakes.Increment("ok");
                TlsHandshakeDuration.Record(established.HandshakeTime);
                break;
            case TlsFailed failed:
                TlsHandshakes.Increment(FailureLabel(failed.Kind));
                break;
        }
    }

    public void OnSessionError(TlsFailed failure) => Interlocked.Increment(ref _tlsSessionErrors);

    public void OnCertificates(IReadOnlyList<CertificateExpiry> served) => Volatile.Write(ref _tlsCertificates, served);

    public void OnReload(bool loaded) => TlsCertificateReloads.Increment(loaded ? "ok" : "failed");

    public void OnPeerClosed(TlsPeerClose how) =>
        TlsPeerCloses.Increment(how == TlsPeerClose.CloseNotify ? "close_notify" : "truncated");

    /// <summary>The label value of each TLS failure class (stable: dashboards use them).</summary>
    private static string FailureLabel(TlsFailureKind kind) => kind switch
    {
        TlsFailureKind.Timeout => "timeout",
        TlsFailureKind.PeerClosed => "peer-closed",
        TlsFailureKind.ConnectionFailed => "connection-failed",
        TlsFailureKind.Certificate => "certificate",
        _ => "protocol",
    };
}

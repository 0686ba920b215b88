using ActorWss.Http;
using ActorWss.Tls;
using ActorWss.WebSocket;

namespace ActorWss.Metrics;

/// <summary>
/// The counters of one listener. The connection actor, the protocol stage and the TLS stage report into it; the
/// <c>/metrics</c> endpoint and the <c>ActorWss</c> meter read it. Hot-path updates are single interlocked adds.
/// </summary>
internal sealed class ListenerMetrics(string listener) : IHandshakeObserver, IWebSocketObserver, ITlsObserver
{
    public string Listener { get; } = listener;

    private long _open, _total, _messagesIn, _messagesOut, _bytesIn, _bytesOut, _offloadQueue, _inlineSteps, _offloadedSteps, _tlsSessionErrors;

    public long ConnectionsOpen => Interlocked.Read(ref _open);
    public long ConnectionsTotal => Interlocked.Read(ref _total);
    public long MessagesReceived => Interlocked.Read(ref _messagesIn);
    public long MessagesSent => Interlocked.Read(ref _messagesOut);
    public long BytesReceived => Interlocked.Read(ref _bytesIn);
    public long BytesSent => Interlocked.Read(ref _bytesOut);
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

    public TaggedCounters CloseCodesSent { get; } = new();

    public TaggedCounters CloseCodesReceived { get; } = new();

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

    public void OnStep(TlsStepKind kind, int bytes, bool offloaded)
    {
        if (offloaded) Interlocked.Increment(ref _offloadedSteps);
        else Interlocked.Increment(ref _inlineSteps);
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
                TlsHandshakes.Increment(FailureClass(failed.Reason));
                break;
        }
    }

    public void OnSessionError(string reason) => Interlocked.Increment(ref _tlsSessionErrors);

    /// <summary>A small, bounded set of label values for TLS failures (the reasons themselves are free text).</summary>
    private static string FailureClass(string reason) => reason switch
    {
        _ when reason.Contains("timeout", StringComparison.OrdinalIgnoreCase) => "timeout",
        _ when reason.Contains("closed", StringComparison.OrdinalIgnoreCase) || reason.Contains("EOF", StringComparison.Ordinal) => "peer-closed",
        _ when reason.Contains("connection failed", StringComparison.OrdinalIgnoreCase) => "connection-failed",
        _ when reason.Contains("certificate", StringComparison.OrdinalIgnoreCase) => "certificate",
        _ => "protocol",
    };
}

using Akka.Streams;

namespace ActorWss.WebSocket;

/// <summary>How a WebSocket connection ended.</summary>
/// <param name="SentCode">The status code of the Close frame this server sent, if any.</param>
/// <param name="ReceivedCode">The peer's status code; 1005 for a Close without one, 1006 when the connection ended without a Close.</param>
/// <param name="Reason">Why this server closed, when it did (protocol violation, shutdown, timeout).</param>
/// <param name="Clean">Both Close frames were exchanged (§7.1.4).</param>
/// <param name="ByPeer">The peer started the closing (its Close frame came first, or it dropped the connection).</param>
internal sealed record WebSocketCloseInfo(ushort? SentCode, ushort? ReceivedCode, string? Reason, bool Clean, bool ByPeer = false)
{
    /// <summary>The status of the side that closed first (1006: the connection ended without a Close frame).</summary>
    public ushort InitiatorCode => ByPeer ? ReceivedCode ?? CloseStatus.Abnormal : SentCode ?? ReceivedCode ?? CloseStatus.Abnormal;
}

/// <summary>
/// The materialized handle of a connection's protocol layer: asks it to close (e.g. 1001 at shutdown) and tells
/// how it closed. Safe to call from any thread, before or after the stage has started. A stream attribute too: a
/// connection's graph carries its handle to a protocol stage built once for many connections.
/// </summary>
internal sealed class WebSocketControl : Attributes.IAttribute
{
    private readonly object _gate = new();
    private readonly TaskCompletionSource<WebSocketCloseInfo> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Action<(ushort Code, string Reason)>? _callback;
    private (ushort Code, string Reason)? _requestedEarly;

    public Task<WebSocketCloseInfo> Closed => _closed.Task;

    /// <summary>The route's limit on a message's size, set before the 101; null: the listener's <c>max-message-size</c>.</summary>
    public long? MaxMessageSize { get; set; }

    /// <summary>RFC 7692 permessage-deflate was negotiated (set before the 101, like <see cref="MaxMessageSize"/>).</summary>
    public bool PerMessageDeflate { get; set; }

    /// <summary>Starts the closing handshake (§7.1.2) with this code; ignored once closing has begun.</summary>
    public void Close(ushort code, string reason)
    {
        Action<(ushort, string)>? callback;
        lock (_gate)
        {
            callback = _callback;
            if (callback is null) _requestedEarly ??= (code, reason);
        }
        callback?.Invoke((code, reason));
    }

    internal void Attach(Action<(ushort Code, string Reason)> callback)
    {
        (ushort, string)? early;
        lock (_gate)
        {
            _callback = callback;
            early = _requestedEarly;
        }
        if (early is { } request) callback(request);
    }

    internal void SetClosed(WebSocketCloseInfo info) => _closed.TrySetResult(info);
}

using System.Buffers.Binary;
using System.Text;
using Akka.IO;

namespace ActorWss.WebSocket;

/// <summary>Where a connection is in its closing handshake.</summary>
internal enum ClosePhase
{
    /// <summary>Messages flow both ways.</summary>
    Open,
    /// <summary>This side sent (or queued) its Close first and waits for the peer's (§7.1.2); TCP stays open meanwhile.</summary>
    Closing,
    /// <summary>
    /// The peer closed first, normally: the handler gets no more messages and finishes what it sends, then our Close
    /// answers (§5.5.1: "MAY delay sending a Close frame until its current message is sent"), within the close timeout.
    /// </summary>
    Answering,
    /// <summary>The handshake is over, or the connection failed: once our Close frame is out, TCP closes (§7.1.1).</summary>
    Closed,
}

/// <summary>
/// The closing handshake of one connection (§7.1.2-§7.1.7) as a state machine, with its record: the codes sent and
/// received, why this side closed, and our Close frame until the network takes it.
/// <code>
///   Open ──BeginClose────────> Closing ──PeerClosed──> Closed    this side closed first; clean once answered
///   Open ──PeerClosed────────> Answering ──Answer────> Closed    the peer closed first, normally: the handler
///                                                                finishes, then our Close answers, then TCP
///   Open ──PeerClosed (error or violation)───────────> Closed    answered at once (§5.5.1)
///   Open ──Fail──────────────────────────────────────> Closed    §7.1.7: Close with the error's code, then TCP
///   any  ──PeerGone──────────────────────────────────> Closed    TCP ended or failed without a Close (§7.1.5: 1006)
/// </code>
/// At most one Close frame is ever sent (§5.5.1).
/// </summary>
internal sealed class CloseHandshake
{
    public ClosePhase Phase { get; private set; } = ClosePhase.Open;

    /// <summary>The code of the Close frame this side sent (or queued).</summary>
    public ushort? SentCode { get; private set; }

    /// <summary>The peer's code: 1005 for a Close without one, 1006 when the connection ended without a Close.</summary>
    public ushort? ReceivedCode { get; private set; }

    /// <summary>Why this side closed: a protocol violation, shutdown, a timeout, a transport failure.</summary>
    public string? Reason { get; private set; }

    /// <summary>Our Close frame, queued until the network asks for a frame.</summary>
    public OutboundFrame? PendingFrame { get; private set; }

    private bool _closeReceived;

    /// <summary>The peer started the closing: its Close came first, or it dropped the connection before any Close.</summary>
    private bool _byPeer;

    public bool IsOpen => Phase == ClosePhase.Open;

    /// <summary>Data frames may still be sent: this side has not sent its Close (§5.5.1).</summary>
    public bool CanSendData => Phase is ClosePhase.Open or ClosePhase.Answering;

    public WebSocketCloseInfo Info => new(SentCode, ReceivedCode, Reason, SentCode is not null && _closeReceived, _byPeer);

    /// <summary>Open → Closing (§7.1.2): queue our Close and wait for the peer's. False when closing has begun already.</summary>
    public bool BeginClose(ushort code, string reason)
    {
        if (Phase != ClosePhase.Open) return false;
        Phase = ClosePhase.Closing;
        Reason = reason.Length > 0 ? reason : null;
        Queue(code, reason);
        return true;
    }

    /// <summary>§7.1.7 "Fail the WebSocket Connection": from Open, queue a Close with the error's code; → Closed.</summary>
    public void Fail(ushort code, string reason)
    {
        Reason = reason;
        if (Phase == ClosePhase.Open) Queue(code, reason);
        Phase = ClosePhase.Closed;
    }

    /// <summary>
    /// The peer's Close frame (§5.5.1) with its code (null: none) and, if its payload broke a rule, the code and
    /// reason to answer with. In Open: a normal close (1000, 1001, none, or 3000-4999) waits in Answering for the
    /// handler; an error code or a broken rule is answered at once. In Closing the handshake is complete.
    /// </summary>
    public void PeerClosed(ushort? code, (ushort Code, string Reason)? violation)
    {
        _closeReceived = true;
        ReceivedCode = code ?? CloseStatus.NoStatusReceived;
        if (Phase == ClosePhase.Open)
        {
            _byPeer = true;
            if (violation is null && IsNormal(code))
            {
                Phase = ClosePhase.Answering;
                return;
            }
            if (violation is { } v) Reason = v.Reason;
            Queue(violation?.Code ?? code ?? CloseStatus.Normal, "");
        }
        Phase = ClosePhase.Closed;
    }

    /// <summary>Answering → Closed: the handler is done (or the close timeout passed): our Close echoes the peer's code.</summary>
    public void Answer()
    {
        if (Phase != ClosePhase.Answering) return;
        Queue(ReceivedCode is CloseStatus.NoStatusReceived or null ? CloseStatus.Normal : ReceivedCode.Value, "");
        Phase = ClosePhase.Closed;
    }

    private static bool IsNormal(ushort? code) => code is null or CloseStatus.Normal or CloseStatus.GoingAway or (>= 3000 and <= 4999);

    /// <summary>TCP ended, or failed with <paramref name="reason"/>, whatever the phase (§7.1.5: without a Close that is 1006).</summary>
    public void PeerGone(string? reason = null)
    {
        if (ReceivedCode is null && SentCode is null) _byPeer = true;
        ReceivedCode ??= CloseStatus.Abnormal;
        Reason ??= reason;
        Phase = ClosePhase.Closed;
    }

    /// <summary>The close timeout passed before the peer finished its part.</summary>
    public void TimedOut() => Reason ??= "close timeout";

    /// <summary>Hands our Close frame to the network, once.</summary>
    public OutboundFrame? TakeFrame()
    {
        var frame = PendingFrame;
        PendingFrame = null;
        return frame;
    }

    private void Queue(ushort code, string reason)
    {
        if (SentCode is not null) return; // §5.5.1: one Close only
        SentCode = code;
        PendingFrame = new OutboundFrame(Opcode.Close, Payload(code, reason));
    }

    /// <summary>§5.5.1: 2-byte code, then the reason, all within 125 bytes (a reason is cut at a character boundary).</summary>
    private static ByteString Payload(ushort code, string reason)
    {
        var bytes = new byte[2 + Math.Min(Encoding.UTF8.GetByteCount(reason), Protocol.MaxControlPayloadLength - 2)];
        BinaryPrimitives.WriteUInt16BigEndian(bytes, code);
        int written = 0;
        foreach (var rune in reason.EnumerateRunes())
        {
            if (written + rune.Utf8SequenceLength > bytes.Length - 2) break;
            written += rune.EncodeToUtf8(bytes.AsSpan(2 + written));
        }
        return ByteString.FromBytes(bytes, 0, 2 + written);
    }
}

namespace ActorWss.Tls;

internal enum TlsStepKind
{
    Decrypt,
    Encrypt,
    Shutdown,
}

/// <summary>
/// Sees the TLS stage at work: metrics, and tests that check where record work runs. Called on the thread that
/// runs the step (the stream's own thread inline, an offload dispatcher thread otherwise), so keep it cheap.
/// </summary>
internal interface ITlsObserver
{
    /// <summary>A step of <paramref name="bytes"/> input bytes ran; <paramref name="offloaded"/> tells where.</summary>
    void OnStep(TlsStepKind kind, int bytes, bool offloaded);

    /// <summary>An offloaded step was queued (+1) or started running (-1): the offload queue depth.</summary>
    void OnOffloadQueue(int delta);

    void OnHandshake(TlsOutcome outcome);

    /// <summary>An established session broke: bad record, truncation, reset.</summary>
    void OnSessionError(TlsFailed failure);

    /// <summary>The peer ended its side of an established session (called on the stream's own thread).</summary>
    void OnPeerClosed(TlsPeerClose how);
}

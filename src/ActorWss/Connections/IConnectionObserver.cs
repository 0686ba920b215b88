namespace ActorWss.Connections;

/// <summary>What the handler stage of a connection reports (to its listener's metrics).</summary>
internal interface IConnectionObserver
{
    /// <summary>A message sent to the connection was dropped (a full queue's policy) or refused (the connection is closing).</summary>
    void OnOutboundDropped(string route, OutboundDrop why);

    /// <summary>The outbound queue overflowed and the policy closed the connection with <paramref name="code"/>.</summary>
    void OnOverflowClose(string route, ushort code);
}

/// <summary>Why a message sent to a connection did not reach its client.</summary>
internal enum OutboundDrop
{
    /// <summary>The queue was full; the oldest queued message made room for the new one.</summary>
    DropOldest,
    /// <summary>The queue was full; the new message was dropped.</summary>
    DropNewest,
    /// <summary>The queue overflowed and the connection is being closed.</summary>
    Overflow,
    /// <summary>The connection was already closing.</summary>
    Closed,
}

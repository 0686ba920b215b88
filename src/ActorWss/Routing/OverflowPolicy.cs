namespace ActorWss.Routing;

/// <summary>
/// What a connection does when a message is sent to it (a push, a topic message, a connection actor's reply) while its
/// outbound queue is full: the client reads slower than messages arrive. A flow handler's own output is never
/// dropped: the flow is back-pressured instead.
/// </summary>
internal enum OverflowPolicy
{
    /// <summary>Drop the oldest queued message to make room (the client misses messages; counted).</summary>
    DropOldest,
    /// <summary>Drop the new message (the client misses messages; counted).</summary>
    DropNewest,
    /// <summary>Close the connection with 1008 (policy violation): the client cannot keep up.</summary>
    Close1008,
    /// <summary>Close the connection with 1013 (try again later): the client cannot keep up; it may reconnect and resync.</summary>
    Close1013,
}

namespace ActorWss.Transport.EventLoops;

/// <summary>
/// Told by its loop, on the loop's thread, that the work item that asked for it (one run of an actor's mailbox: a
/// connection's stream interpreter handling what arrived) has returned. See <see cref="EventLoop.FlushAfterWork"/>.
/// </summary>
internal interface IFlushAfterWork
{
    void Flush();
}

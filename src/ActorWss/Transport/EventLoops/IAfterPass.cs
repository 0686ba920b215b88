namespace ActorWss.Transport.EventLoops;

/// <summary>
/// Told by its loop, on the loop's thread, that the pass that asked for it has run all its work, before the loop polls
/// its sockets again or sleeps. See <see cref="EventLoop.AfterPass"/>.
/// </summary>
internal interface IAfterPass
{
    void AfterPass();
}

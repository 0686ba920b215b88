namespace ActorWss.Transport.EventLoops;

/// <summary>Told by its loop, on the loop's thread, that its file descriptor is ready (epoll flags: in, out, hang-up, error).</summary>
internal interface IReadinessHandler
{
    void OnReady(uint events);
}

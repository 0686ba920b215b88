namespace ActorWss.Configuration;

internal enum TransportKind
{
    /// <summary>Event loops where the platform has them (Linux), else <see cref="Socket"/>.</summary>
    Auto,
    /// <summary>Sockets polled by event loops that also run the connections' streams (<c>Transport/EventLoopTransport.cs</c>).</summary>
    EventLoop,
    /// <summary>Stages that own their sockets (<c>Transport/SocketTransport.cs</c>).</summary>
    Socket,
    /// <summary>Akka.Streams <c>TcpStream()</c> over Akka.IO.</summary>
    AkkaStreamsTcp,
}

/// <summary>The TCP layer under every listener (HOCON <c>actorwss.transport</c>).</summary>
/// <param name="Kind">Which implementation carries the bytes.</param>
/// <param name="WriteCoalesceBytes">
/// Outbound bytes produced while a socket write is in flight are merged into the next write, up to this many bytes.
/// </param>
/// <param name="ReceiveBufferBytes">The socket transport reads up to this much at a time, per connection.</param>
/// <param name="SendTimeout">
/// A connection whose peer takes none of a pending write (up to 64 KiB of it) for this long is dropped; null: never.
/// </param>
/// <param name="CorkWrites">
/// Event loops: a connection's writes wait until its stream has handled everything it was given in this run, then go
/// out in one write.
/// </param>
internal sealed record TransportSettings(TransportKind Kind, int WriteCoalesceBytes, int ReceiveBufferBytes = 8 * 1024,
    TimeSpan? SendTimeout = null, bool CorkWrites = true)
{
    public static TransportSettings Default { get; } = new(TransportKind.Auto, 64 * 1024, SendTimeout: TimeSpan.FromSeconds(60));
}

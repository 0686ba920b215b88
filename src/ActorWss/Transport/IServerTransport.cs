using System.Net;
using Akka;
using Akka.IO;
using Akka.Streams.Dsl;

namespace ActorWss.Transport;

/// <summary>An accepted TCP connection: its bytes as a flow (received bytes out, bytes to send in).</summary>
/// <remarks>
/// Completing the flow's input half-closes the socket (FIN) and keeps reading until the peer closes; cancelling its
/// output after that closes the socket. Materialize the flow exactly once.
/// </remarks>
/// <param name="Ended">
/// Where the transport reports it: completes when the flow's socket is closed in both directions (faulted with the
/// transport's failure), so the connection needs no stages of its own to watch for that. Null: watch the flow.
/// </param>
internal sealed record AcceptedConnection(EndPoint Local, EndPoint Remote, Flow<ByteString, ByteString, NotUsed> Flow, Task? Ended = null);

/// <summary>A bound listening socket.</summary>
internal sealed record TransportBinding(EndPoint LocalAddress, Func<Task> Unbind);

/// <summary>
/// Binds a listening socket and yields its connections. Everything above (TLS, HTTP, WebSocket) sees only
/// <see cref="AcceptedConnection.Flow"/>, so the implementation can change by configuration.
/// </summary>
internal interface IServerTransport
{
    Source<AcceptedConnection, Task<TransportBinding>> Bind(string host, int port, int backlog);

    /// <summary>The dispatcher that connection streams must run on (their socket stage needs it); null: the default one.</summary>
    string? ConnectionDispatcher => null;

    /// <summary>
    /// The connection flow itself merges bytes offered while a write is pending into the next write (so the pipeline
    /// adds no <see cref="WriteCoalescing"/> stage of its own).
    /// </summary>
    bool CoalescesWrites => false;

    /// <summary>
    /// Every chunk the connection flow emits is a fresh array that the transport never touches again, so the layers
    /// above may overwrite it (the frame parser unmasks payloads where they lie, §5.3, instead of copying them).
    /// </summary>
    bool HandsOverReceivedBytes => false;
}

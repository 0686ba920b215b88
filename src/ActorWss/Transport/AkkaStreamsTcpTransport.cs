using System.Collections.Immutable;
using ActorWss.Configuration;
using Akka.Actor;
using Akka.IO;
using Akka.Streams.Dsl;

namespace ActorWss.Transport;

/// <summary>
/// Akka.Streams <c>TcpStream()</c> over Akka.IO. Its write stage keeps one write in flight and waits for the ack
/// (see <see cref="WriteCoalescing"/>). Half-close is on: finishing the output sends FIN and the connection stays
/// readable until the peer closes, which lets a Close frame or an HTTP error reach the client.
/// </summary>
internal sealed class AkkaStreamsTcpTransport(ActorSystem system, TimeSpan? sendTimeout = null) : IServerTransport
{
    public Source<AcceptedConnection, Task<TransportBinding>> Bind(string host, int port, int backlog)
    {
        // No SO_REUSEADDR: on Linux .NET maps it to SO_REUSEPORT too, and a second server would silently share the port.
        return system.TcpStream()
            .Bind(host, port, backlog, ImmutableList<Inet.SocketOption>.Empty, halfClose: true, idleTimeout: null)
            .Select(connection => new AcceptedConnection(
                connection.LocalAddress,
                connection.RemoteAddress,
                SendTimeout.Create(sendTimeout).Via(connection.Flow)))
            .MapMaterializedValue(bound => ToTransportBinding(bound, host, port));
    }

    private static async Task<TransportBinding> ToTransportBinding(Task<Akka.Streams.Dsl.Tcp.ServerBinding> bound, string host, int port)
    {
        try
        {
            var binding = await bound.ConfigureAwait(false);
            return new TransportBinding(binding.LocalAddress, binding.Unbind);
        }
        catch (Akka.Streams.BindFailedException e)
        {
            // Akka.IO logs the reason (e.g. the address in use); the exception carries none.
            throw new IOException($"cannot bind {host}:{port} (see the Akka.IO-TCP log line above for why)", e);
        }
    }
}

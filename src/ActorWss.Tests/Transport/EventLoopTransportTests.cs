using System.Net;
using System.Net.Sockets;
using ActorWss.Configuration;
using ActorWss.Tests.Support;
using ActorWss.Transport;
using Akka;
using Akka.Actor;
using Akka.IO;
using Akka.Streams;
using Akka.Streams.Dsl;
using Xunit;
using Xunit.Abstractions;

namespace ActorWss.Tests.Transport;

/// <summary>The event-loop transport's connection stage on real sockets: what it coalesces while the peer is slow.</summary>
public sealed class EventLoopTransportTests(ITestOutputHelper output) : ServerScenario(output)
{
    [Fact]
    public async Task Bytes_offered_while_a_write_waits_for_a_slow_peer_go_out_complete_and_in_order()
    {
        Assert.True(OperatingSystem.IsLinux(), "the event loops run on Linux (epoll)");
        const int chunks = 4000; // of 1,000 bytes each, 4 MB: far more than the kernel buffers, so writes must wait
        var transport = new EventLoopTransport(TransportSettings.Default with { WriteCoalesceBytes = 64 * 1024 });
        var endpoint = await SendToFirstConnectionAsync(Sys, transport, Source.From(Enumerable.Range(0, chunks)).Select(Chunk));

        using var client = new Socket(SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await client.ConnectAsync(endpoint);
        await Task.Delay(500); // the server fills the socket buffers and has to wait (and coalesce) before anyone reads

        await AssertReceivesChunksAsync(client, chunks, Timeout);
    }

    [Fact]
    public async Task A_slow_reader_that_keeps_taking_64_KiB_per_send_timeout_keeps_its_connection()
    {
        // One 24 MB write (a large message; more than the kernel buffers hold) to a peer that reads every 20 ms: the
        // whole takes several send timeouts (3 s), but the kernel takes more than 64 KiB of it in every period, which
        // is progress (actorwss.transport.send-timeout: counted per 64 KiB, not per write). The kernel reports room
        // only once a third of its send buffer has drained, so the period must leave time for that.
        const int chunks = 24_000;
        var message = ByteString.FromBytes(Enumerable.Range(0, chunks).SelectMany(i => Chunk(i).ToArray()).ToArray());
        var transport = new EventLoopTransport(TransportSettings.Default with { SendTimeout = TimeSpan.FromSeconds(3) });
        var endpoint = await SendToFirstConnectionAsync(Sys, transport, Source.Single(message));

        using var client = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(endpoint);
        long received = 0;
        var buffer = new byte[64 * 1024];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            int n;
            try { n = await client.ReceiveAsync(buffer, SocketFlags.None, timeout.Token); }
            catch (SocketException e) { Assert.Fail($"the server dropped a reader that kept taking data, after {received:N0} bytes: {e.SocketErrorCode}"); return; }
            if (n == 0) break;
            received += n;
            await Task.Delay(20);
        }
        Assert.Equal(chunks * 1000L, received);
    }

    /// <summary>Serves the first connection accepted on the event loops: <paramref name="source"/> is all it sends; reads are ignored.</summary>
    internal static async Task<IPEndPoint> SendToFirstConnectionAsync(ActorSystem system, EventLoopTransport transport, Source<ByteString, NotUsed> source)
    {
        var onLoops = system.Materializer(ActorMaterializerSettings.Create(system).WithDispatcher(EventLoopTransport.Dispatcher));
        var (binding, _) = transport.Bind("127.0.0.1", 0, 16)
            .Take(1)
            .Select(connection =>
            {
                connection.Flow.RunWith(source, Sink.Ignore<ByteString>(), onLoops);
                return connection;
            })
            .ToMaterialized(Sink.Ignore<AcceptedConnection>(), Keep.Both)
            .Run(onLoops);
        return (IPEndPoint)(await binding).LocalAddress;
    }

    /// <summary>Reads until the server closes; chunks 0 to <paramref name="chunks"/> - 1 must have arrived, each once and in order.</summary>
    internal static async Task AssertReceivesChunksAsync(Socket client, int chunks, TimeSpan timeout)
    {
        var received = new MemoryStream();
        var buffer = new byte[256 * 1024];
        using var cancel = new CancellationTokenSource(timeout);
        int n;
        while ((n = await client.ReceiveAsync(buffer, SocketFlags.None, cancel.Token)) > 0) received.Write(buffer, 0, n);

        var expected = new MemoryStream();
        for (int i = 0; i < chunks; i++) expected.Write(Chunk(i).ToArray());
        Assert.Equal(expected.Length, received.Length);
        Assert.True(expected.ToArray().AsSpan().SequenceEqual(received.ToArray()), "the bytes arrived altered or out of order");
    }

    /// <summary>Chunk i: its index, then bytes that depend on it, so a lost, doubled or reordered chunk shows.</summary>
    internal static ByteString Chunk(int i)
    {
        var bytes = new byte[1000];
        BitConverter.TryWriteBytes(bytes, i);
        for (int k = 4; k < bytes.Length; k++) bytes[k] = (byte)(i * 31 + k);
        return ByteString.FromBytes(bytes);
    }
}

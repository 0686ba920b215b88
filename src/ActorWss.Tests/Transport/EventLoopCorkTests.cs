using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using ActorWss.Configuration;
using ActorWss.Tests.Support;
using ActorWss.Transport;
using Akka.IO;
using Akka.Streams;
using Akka.Streams.Dsl;
using Xunit;
using Xunit.Abstractions;

namespace ActorWss.Tests.Transport;

/// <summary>
/// The event loops' corked writes (actorwss.transport.cork-writes) on real sockets: what a connection's stream produces
/// in one run leaves in one write, and nothing corked is lost, reordered or left behind when the connection ends or
/// the peer stops reading.
/// </summary>
public sealed class EventLoopCorkTests(ITestOutputHelper output) : ServerScenario(output)
{
    private const int PiecesPerByte = 50, PieceBytes = 64;

    [Fact]
    public async Task What_one_run_of_the_stream_writes_leaves_in_one_tcp_segment()
    {
        // Each byte the client sends becomes 50 small writes in one run of the server's stream (as 50 pipelined echoes
        // do). The sockets have Nagle off (NoDelay), so uncorked they would leave as about 50 segments.
        var endpoint = await Serve(new EventLoopTransport(TransportSettings.Default), bytes => Fan(bytes));
        using var client = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(endpoint);

        for (int round = 0; round < 3; round++)
        {
            long segmentsBefore = SegmentsIn(client);
            await client.SendAsync(new byte[] { (byte)round }, SocketFlags.None);
            var received = await ReceiveExactly(client, PiecesPerByte * PieceBytes);
            long segments = SegmentsIn(client) - segmentsBefore;

            Assert.All(received, b => Assert.Equal((byte)round, b));
            // One data segment; the kernel may add a bare ACK of the client's byte before it.
            Assert.True(segments <= 2, $"round {round}: the 50 writes of one run arrived in {segments} TCP segments");
        }
    }

    [Fact]
    public async Task Corked_bytes_are_sent_before_the_connection_closes()
    {
        // The stream's last writes and its completion come in the same run: the corked bytes go out, then the FIN.
        var endpoint = await Serve(new EventLoopTransport(TransportSettings.Default),
            bytes => Fan(bytes), completeAfterFirst: true);
        using var client = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(endpoint);
        await client.SendAsync(new byte[] { 7 }, SocketFlags.None);

        var received = new MemoryStream();
        var buffer = new byte[64 * 1024];
        using var timeout = new CancellationTokenSource(Timeout);
        int n;
        while ((n = await client.ReceiveAsync(buffer, SocketFlags.None, timeout.Token)) > 0) received.Write(buffer, 0, n);

        Assert.Equal(PiecesPerByte * PieceBytes, received.Length);
        Assert.All(received.ToArray(), b => Assert.Equal(7, b));
    }

    [Fact]
    public async Task Corked_writes_that_meet_a_full_socket_wait_for_the_peer_and_arrive_complete_and_in_order()
    {
        // 4 MB in 1,000-byte chunks produced a few at a time (one run each, so each run's chunks are flushed when the
        // run returns) to a peer that reads nothing for a second: the kernel's buffers fill, a flush finds the socket
        // full and the rest waits for writability. Then everything must arrive, once and in order.
        const int chunks = 4000;
        var endpoint = await EventLoopTransportTests.SendToFirstConnectionAsync(Sys, new EventLoopTransport(TransportSettings.Default),
            Source.From(Enumerable.Range(0, chunks)).Select(EventLoopTransportTests.Chunk).Throttle(40, TimeSpan.FromMilliseconds(10), 40, ThrottleMode.Shaping));

        using var client = new Socket(SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await client.ConnectAsync(endpoint);
        await Task.Delay(1000);

        await EventLoopTransportTests.AssertReceivesChunksAsync(client, chunks, Timeout);
    }

    /// <summary>Serves one connection with <paramref name="handle"/> applied to what it reads.</summary>
    private async Task<IPEndPoint> Serve(EventLoopTransport transport, Func<ByteString, IEnumerable<ByteString>> handle,
        bool completeAfterFirst = false)
    {
        var onLoops = Sys.Materializer(ActorMaterializerSettings.Create(Sys).WithDispatcher(EventLoopTransport.Dispatcher));
        var (binding, _) = transport.Bind("127.0.0.1", 0, 16)
            .Take(1)
            .Select(connection =>
            {
                var reads = Flow.Create<ByteString>();
                var server = (completeAfterFirst ? reads.Take(1) : reads).SelectMany(handle);
                connection.Flow.Join(server).Run(onLoops);
                return connection;
            })
            .ToMaterialized(Sink.Ignore<AcceptedConnection>(), Keep.Both)
            .Run(onLoops);
        return (IPEndPoint)(await binding).LocalAddress;
    }

    /// <summary>Each byte read becomes <see cref="PiecesPerByte"/> separate writes of <see cref="PieceBytes"/> copies of it.</summary>
    private static IEnumerable<ByteString> Fan(ByteString bytes) =>
        bytes.ToArray().SelectMany(b => Enumerable.Range(0, PiecesPerByte).Select(_ => ByteString.FromBytes(Enumerable.Repeat(b, PieceBytes).ToArray())));

    private async Task<byte[]> ReceiveExactly(Socket socket, int count)
    {
        var result = new byte[count];
        using var timeout = new CancellationTokenSource(Timeout);
        for (int at = 0; at < count;)
        {
            int n = await socket.ReceiveAsync(result.AsMemory(at), SocketFlags.None, timeout.Token);
            Assert.True(n > 0, $"the server closed after {at} of {count} bytes");
            at += n;
        }
        return result;
    }

    /// <summary>TCP segments this socket has received (Linux TCP_INFO tcpi_segs_in).</summary>
    private static long SegmentsIn(Socket socket)
    {
        Assert.True(OperatingSystem.IsLinux(), "the event loops run on Linux (epoll)");
        const int IpProtoTcp = 6, TcpInfo = 11, SegsInOffset = 140;
        var info = new byte[256];
        int length = socket.GetRawSocketOption(IpProtoTcp, TcpInfo, info);
        Assert.True(length >= SegsInOffset + 4, $"TCP_INFO is {length} bytes: too old a kernel for tcpi_segs_in");
        return BinaryPrimitives.ReadUInt32LittleEndian(info.AsSpan(SegsInOffset));
    }
}

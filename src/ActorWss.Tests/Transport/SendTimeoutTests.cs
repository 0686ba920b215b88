using ActorWss.Transport;
using Akka.IO;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.TestKit;
using Xunit.Abstractions;

namespace ActorWss.Tests.Transport;

/// <summary><see cref="SendTimeoutStage"/> between probes: the socket side asks for a chunk when it has sent the previous one.</summary>
public sealed class SendTimeoutTests(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit("akka.loglevel = INFO", output)
{
    private (TestPublisher.Probe<ByteString> Writes, TestSubscriber.Probe<ByteString> Socket) Run(TimeSpan timeout) =>
        this.SourceProbe<ByteString>()
            .Via(SendTimeout.Create(timeout))
            .ToMaterialized(this.SinkProbe<ByteString>(), Keep.Both)
            .WithAttributes(Attributes.CreateInputBuffer(1, 1))
            .Run(Sys.Materializer());

    [Fact]
    public void A_large_write_goes_out_in_chunks_of_64_KiB_in_order()
    {
        var (writes, socket) = Run(TimeSpan.FromSeconds(30));
        var payload = Enumerable.Range(0, 200 * 1024).Select(i => (byte)i).ToArray();

        socket.Request(10);
        writes.SendNext(ByteString.FromBytes(payload));

        var chunks = Enumerable.Range(0, 4).Select(_ => socket.ExpectNext()).ToList();
        Assert.Equal([65536, 65536, 65536, 8192], chunks.Select(c => c.Count));
        Assert.Equal(payload, chunks.SelectMany(c => c.ToArray()));
    }

    [Fact]
    public void A_socket_that_takes_nothing_for_the_timeout_fails_the_stream_with_a_send_timeout()
    {
        var (writes, socket) = Run(TimeSpan.FromMilliseconds(200));
        socket.Request(1);
        writes.SendNext(ByteString.FromBytes(new byte[100_000]));
        socket.ExpectNext(); // the first chunk is "in the socket" and the socket never asks again

        Assert.IsType<SendTimeoutException>(socket.ExpectError());
        writes.ExpectCancellation();
    }

    [Fact]
    public void A_socket_that_keeps_taking_chunks_is_never_timed_out()
    {
        var (writes, socket) = Run(TimeSpan.FromSeconds(1));
        writes.SendNext(ByteString.FromBytes(new byte[6 * 65536]));

        for (int i = 0; i < 6; i++)
        {
            socket.Request(1);
            socket.ExpectNext();
            Thread.Sleep(250); // six chunks over 1.5 s, more than the timeout in all, each taken well within it
        }
        writes.SendComplete();
        socket.Request(1);
        socket.ExpectComplete();
    }

    [Fact]
    public void Completion_waits_for_the_last_chunk_and_a_stuck_last_chunk_still_times_out()
    {
        var (writes, socket) = Run(TimeSpan.FromMilliseconds(200));
        socket.Request(1);
        writes.SendNext(ByteString.FromString("close frame"));
        socket.ExpectNext();

        writes.SendComplete();

        Assert.IsType<SendTimeoutException>(socket.ExpectError());
    }
}

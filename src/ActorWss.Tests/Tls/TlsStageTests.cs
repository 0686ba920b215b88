using System.Net.Security;
using System.Security.Authentication;
using System.Text;
using ActorWss.Tls;
using Akka.IO;
using Akka.Streams.TestKit;
using Xunit.Abstractions;

namespace ActorWss.Tests.Tls;

/// <summary>The TLS stage's data path: the handshake, bytes in both directions, batching, back-pressure, threads.</summary>
public sealed class TlsStageTests(ITestOutputHelper output) : TlsStageHarness(output)
{
    public static TheoryData<StageMode, SslProtocols> ModesAndVersions => new()
    {
        { StageMode.Inline, SslProtocols.Tls13 },
        { StageMode.Inline, SslProtocols.Tls12 },
        { StageMode.Offload, SslProtocols.Tls13 },
        { StageMode.Offload, SslProtocols.Tls12 },
    };

    [Theory]
    [MemberData(nameof(ModesAndVersions))]
    public async Task The_handshake_completes_and_bytes_cross_in_both_directions(StageMode mode, SslProtocols protocol)
    {
        await using var c = await ConnectAsync(mode, protocol);

        var established = Assert.IsType<TlsEstablished>(await c.Outcome.WaitAsync(Timeout));
        Assert.Equal(protocol, established.Protocol);
        Assert.Equal("http/1.1", established.ApplicationProtocol);

        await c.Client.WriteAsync("hello server"u8.ToArray());
        Assert.Equal("hello server", Encoding.ASCII.GetString(c.ReadPlain(12)));

        c.PlainIn.SendNext(ByteString.FromString("hello client"));
        Assert.Equal("hello client", Encoding.ASCII.GetString(await c.ClientReadAsync(12)));
    }

    [Theory]
    [InlineData(StageMode.Inline)]
    [InlineData(StageMode.Offload)]
    public async Task Records_fed_one_byte_at_a_time_are_reassembled(StageMode mode)
    {
        await using var c = await ConnectAsync(mode, chunkSize: 1);
        var payload = new byte[3000];
        new Random(7).NextBytes(payload);

        await c.Client.WriteAsync(payload);

        Assert.Equal(payload, c.ReadPlain(payload.Length));
    }

    [Theory]
    [InlineData(StageMode.Inline)]
    [InlineData(StageMode.Offload)]
    public async Task A_record_arriving_one_byte_at_a_time_is_decrypted_in_one_step(StageMode mode)
    {
        var recorder = new Recorder();
        await using var c = await ConnectAsync(mode, chunkSize: 1, observer: recorder);
        int DecryptSteps() => recorder.Steps.Count(s => s.Kind == TlsStepKind.Decrypt);
        await c.Client.WriteAsync("warm-up"u8.ToArray()); // the last handshake flight has surely been decrypted after this
        c.ReadPlain(7);
        int before = DecryptSteps();

        await c.Client.WriteAsync(new byte[3000]); // one record of about 3 KiB, fed to the stage byte by byte

        c.ReadPlain(3000);
        Assert.Equal(1, DecryptSteps() - before);
    }

    [Theory]
    [InlineData(StageMode.Inline)]
    [InlineData(StageMode.Offload)]
    public async Task Writes_larger_than_a_record_arrive_whole_in_both_directions(StageMode mode)
    {
        await using var c = await ConnectAsync(mode);
        var large = new byte[200 * 1024];
        new Random(11).NextBytes(large);

        c.PlainIn.SendNext(ByteString.FromBytes(large));
        Assert.Equal(large, await c.ClientReadAsync(large.Length));

        var write = c.Client.WriteAsync(large).AsTask();
        Assert.Equal(large, c.ReadPlain(large.Length));
        await write;
    }

    [Theory]
    [InlineData(StageMode.Inline)]
    [InlineData(StageMode.Offload)]
    public async Task Completing_the_plaintext_input_sends_close_notify(StageMode mode)
    {
        await using var c = await ConnectAsync(mode);

        c.PlainIn.SendNext(ByteString.FromString("last"));
        c.PlainIn.SendComplete();

        Assert.Equal("last", Encoding.ASCII.GetString(await c.ClientReadAsync(4)));
        // SslStream returns 0 at close_notify (and throws on a bare EOF without one).
        Assert.Equal(0, await c.Client.ReadAsync(new byte[16]).AsTask().WaitAsync(Timeout));
    }

    [Theory]
    [InlineData(StageMode.Inline)]
    [InlineData(StageMode.Offload)]
    public async Task A_close_notify_from_the_client_completes_the_plaintext_output(StageMode mode)
    {
        await using var c = await ConnectAsync(mode);
        await c.Client.WriteAsync("bye"u8.ToArray());

        await c.Client.ShutdownAsync();

        Assert.Equal("bye", Encoding.ASCII.GetString(c.ReadPlain(3)));
        c.PlainOut.Request(1);
        c.PlainOut.ExpectComplete(Timeout);
    }

    [Theory]
    [InlineData(StageMode.Inline)]
    [InlineData(StageMode.Offload)]
    public async Task Without_demand_for_plaintext_the_stage_stops_reading_ciphertext(StageMode mode)
    {
        await using var c = await ConnectAsync(mode);
        var chunk = new byte[16 * 1024];

        // 4 MiB from the client, while nobody reads the plaintext side.
        var writes = Task.Run(async () =>
        {
            for (int i = 0; i < 256; i++) await c.Client.WriteAsync(chunk);
        });

        // Pipes hold 64 KiB and the stage one batch: the client must be stuck long before 4 MiB.
        var first = await Task.WhenAny(writes, Task.Delay(TimeSpan.FromSeconds(1)));
        Assert.False(first == writes, "the client wrote 4 MiB that nobody read: something buffers without bound");

        long received = 0;
        while (received < 256L * chunk.Length)
        {
            c.PlainOut.Request(16);
            received += c.PlainOut.ExpectNext(Timeout).Count;
        }
        await writes.WaitAsync(Timeout);
        Assert.Equal(256L * chunk.Length, received);
    }

    /// <summary>
    /// Where the record work runs, by thread name: inline, on the stream island's own dispatcher (a named test
    /// dispatcher here); offloaded, on the offload dispatcher's threads.
    /// </summary>
    [Theory]
    [InlineData(StageMode.Inline, false, "test-stream-dispatcher_")]
    [InlineData(StageMode.Offload, true, "actorwss.tls.offload-dispatcher-")]
    public async Task Record_work_runs_where_the_mode_says(StageMode mode, bool offloaded, string threadPrefix)
    {
        var recorder = new Recorder();
        await using var c = await ConnectAsync(mode, observer: recorder);
        await c.Client.WriteAsync("ping"u8.ToArray());
        c.ReadPlain(4);
        c.PlainIn.SendNext(ByteString.FromString("pong"));
        await c.ClientReadAsync(4);

        Assert.Contains(recorder.Steps, s => s.Kind == TlsStepKind.Decrypt);
        Assert.Contains(recorder.Steps, s => s.Kind == TlsStepKind.Encrypt);
        Assert.All(recorder.Steps, step =>
        {
            Assert.Equal(offloaded, step.Offloaded);
            Assert.StartsWith(threadPrefix, step.Thread);
        });
    }

    /// <summary>
    /// In offload mode the server's close_notify (SSL_shutdown, on the encrypt side) can run while a decrypt step
    /// is still reading the peer's records on another thread. OpenSSL forbids two threads in one SSL object. Without
    /// the engine's session lock, ACTORWSS_TLS_RACE_ROUNDS=3000 crashed the test host (glibc heap corruption) in 1 of 2
    /// runs, and a variant of it in 2 of 3; with the lock, 4 of 4 such runs passed. The default 300 rounds did not
    /// catch it in 3 runs: the default is a smoke check, and the variable is for hunting.
    /// </summary>
    [Fact]
    public async Task Closing_while_the_peer_is_still_sending_in_offload_mode_ends_with_close_notify()
    {
        int rounds = int.TryParse(Environment.GetEnvironmentVariable("ACTORWSS_TLS_RACE_ROUNDS"), out var r) ? r : 300;
        for (int round = 0; round < rounds; round++)
        {
            await using var c = await ConnectAsync(StageMode.Offload);
            c.PlainOut.Request(long.MaxValue);
            var sending = Task.Run(async () =>
            {
                try { for (int k = 0; k < 100; k++) await c.Client.WriteAsync(new byte[512]); }
                catch (IOException) { } // the server may be gone before the client is done
            });
            await Task.Delay(round % 3);

            c.PlainIn.SendComplete();

            // Whatever the overlap, the client gets the server's close_notify: SslStream reads 0 at it.
            var buffer = new byte[16];
            Assert.Equal(0, await c.Client.ReadAsync(buffer).AsTask().WaitAsync(Timeout));
            await sending.WaitAsync(Timeout);
        }
    }
}

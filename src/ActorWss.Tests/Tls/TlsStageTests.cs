using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net.Security;
using System.Security.Authentication;
using System.Text;
using ActorWss.Configuration;
using ActorWss.Tests.Support;
using ActorWss.Tls;
using Akka.IO;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.TestKit;
using Xunit.Abstractions;

namespace ActorWss.Tests.Tls;

/// <summary>The TLS modes under test, as a public type for theory parameters (the library's <c>TlsMode</c> is internal).</summary>
public enum StageMode
{
    Inline = TlsMode.Inline,
    Offload = TlsMode.Offload,
    Adaptive = TlsMode.Adaptive,
}

/// <summary>
/// The TLS BidiFlow alone: its ciphertext side is joined, through in-memory pipes, to a client
/// <see cref="SslStream"/>; its plaintext side to stream probes.
/// </summary>
public sealed class TlsStageTests(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(Config, null, output)
{
    private static readonly Akka.Configuration.Config Config = Akka.Configuration.ConfigurationFactory.ParseString("""
        akka.loglevel = INFO
        test-stream-dispatcher {
          type = ForkJoinDispatcher
          throughput = 100
          dedicated-thread-pool { thread-count = 1, threadtype = background }
        }
        """).WithFallback(SettingsParser.Reference);

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);
    private static readonly Lazy<string> CertificateFolder = new(() => Directory.CreateTempSubdirectory("actorwss-tls-stage-").FullName);

    private sealed class Connection : IAsyncDisposable
    {
        public required SslStream Client { get; init; }
        public required TestSubscriber.Probe<ByteString> PlainOut { get; init; }
        public required TestPublisher.Probe<ByteString> PlainIn { get; init; }
        public required Task<TlsOutcome> Outcome { get; init; }
        /// <summary>Completes when the stage has stopped (every port closed).</summary>
        public required Task<string?> Ended { get; init; }
        public required DuplexPipeStream ClientTransport { get; init; }
        /// <summary>Between the client SslStream and <see cref="ClientTransport"/>: holds the client's writes back on demand.</summary>
        public required CorkedStream ClientWrites { get; init; }

        /// <summary>Reads from the plaintext side until <paramref name="count"/> bytes arrived.</summary>
        public byte[] ReadPlain(int count)
        {
            var received = new List<byte>(count);
            while (received.Count < count)
            {
                PlainOut.Request(1);
                received.AddRange(PlainOut.ExpectNext(Timeout).ToArray());
            }
            return [.. received];
        }

        public async Task<byte[]> ClientReadAsync(int count)
        {
            var buffer = new byte[count];
            await Client.ReadExactlyAsync(buffer).AsTask().WaitAsync(Timeout);
            return buffer;
        }

        public async ValueTask DisposeAsync() => await Client.DisposeAsync();
    }

    private sealed class ThreadRecorder : ITlsObserver
    {
        public ConcurrentBag<(TlsStepKind Kind, string Thread, bool Offloaded)> Steps { get; } = [];

        public void OnStep(TlsStepKind kind, int bytes, bool offloaded) =>
            Steps.Add((kind, Thread.CurrentThread.Name ?? "(unnamed)", offloaded));

        public void OnOffloadQueue(int delta) { }

        public void OnHandshake(TlsOutcome outcome) { }

        public void OnSessionError(TlsFailed failure) { }

        /// <summary>Completes on the stage's own thread, as it handles the decrypt step that saw the peer's close.</summary>
        public TaskCompletionSource<TlsPeerClose> PeerClosed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void OnPeerClosed(TlsPeerClose how) => PeerClosed.TrySetResult(how);
    }

    private TlsServerContext Context(StageMode mode) => TlsServerContext.Create(
        new TlsSettings((TlsMode)mode, "actorwss.tls.offload-dispatcher", 16 * 1024, 64 * 1024,
            new CertificateSettings(Path.Combine(CertificateFolder.Value, "cert.pem"), Path.Combine(CertificateFolder.Value, "key.pem"), null),
            DevCertificate: true, HandshakeTimeout: TimeSpan.FromSeconds(10), ClientCertificateMode.None, null),
        Sys, "test");

    /// <summary>Runs the TLS stage between a client SslStream and plaintext probes, and completes the client handshake.</summary>
    private async Task<Connection> ConnectAsync(StageMode mode, SslProtocols protocol = SslProtocols.Tls13, int chunkSize = 8192,
        ITlsObserver? observer = null)
    {
        var toServer = new Pipe();
        var toClient = new Pipe();
        var ciphertextIn = StreamConverters.FromInputStream(() => toServer.Reader.AsStream(), chunkSize);
        var ciphertextOut = StreamConverters.FromOutputStream(() => toClient.Writer.AsStream(), autoFlush: true);

        var (session, plainOut, plainIn) = RunnableGraph.FromGraph(GraphDsl.Create(
            TlsFlow.Create(Context(mode), observer), this.SinkProbe<ByteString>(), this.SourceProbe<ByteString>(),
            (tls, sink, source) => (tls, sink, source),
            (builder, tls, sink, source) =>
            {
                builder.From(builder.Add(ciphertextIn)).Via(builder.Add(new EndOfInputOnRead<ByteString>())).To(tls.Inlet1);
                builder.From(tls.Outlet1).To(sink);
                builder.From(source).To(tls.Inlet2);
                builder.From(tls.Outlet2).To(builder.Add(ciphertextOut));
                return ClosedShape.Instance;
            }))
            .WithAttributes(ActorAttributes.CreateDispatcher("test-stream-dispatcher"))
            .Run(Sys.Materializer());

        var transport = new DuplexPipeStream(toClient.Reader, toServer.Writer);
        var corked = new CorkedStream(transport);
        var client = new SslStream(corked, leaveInnerStreamOpen: false, (_, _, _, _) => true);
        await client.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            EnabledSslProtocols = protocol,
            ApplicationProtocols = [SslApplicationProtocol.Http11],
        }).WaitAsync(Timeout);
        return new Connection { Client = client, PlainOut = plainOut, PlainIn = plainIn, Outcome = session.Handshake, Ended = session.Error, ClientTransport = transport, ClientWrites = corked };
    }

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
        var recorder = new ThreadRecorder();
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
    [InlineData(StageMode.Offload, true, "actorwss.tls.offload-dispatcher_")]
    public async Task Record_work_runs_where_the_mode_says(StageMode mode, bool offloaded, string threadPrefix)
    {
        var recorder = new ThreadRecorder();
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
    /// Issue 12, defect 2: a burst, close_notify and FIN while the layer above takes nothing. The decrypt step that
    /// reads close_notify also returns plaintext the layer above cannot take yet; once it took it, the stage must
    /// still read on to the FIN, so that it stops when the layer above is done too.
    /// </summary>
    [Theory]
    [InlineData(StageMode.Inline)]
    [InlineData(StageMode.Offload)]
    [InlineData(StageMode.Adaptive)]
    public async Task A_burst_then_close_notify_and_fin_while_the_layer_above_is_busy_ends_the_stage(StageMode mode)
    {
        var recorder = new ThreadRecorder();
        await using var c = await ConnectAsync(mode, observer: recorder);
        await c.Client.WriteAsync(new byte[100]);
        c.ReadPlain(100); // the layer above now has no demand: it is busy with this message

        // 49 more records and close_notify reach the stage as one read, as from a full socket buffer; then the FIN.
        c.ClientWrites.Cork();
        for (int i = 1; i < 50; i++) await c.Client.WriteAsync(new byte[100]);
        await c.Client.ShutdownAsync();
        await c.ClientWrites.UncorkAsync();
        c.ClientTransport.CompleteOutput();
        // Demand comes only after the stage has handled that step: its plaintext had to wait.
        Assert.Equal(TlsPeerClose.CloseNotify, await recorder.PeerClosed.Task.WaitAsync(Timeout));

        long received = 100;
        while (true)
        {
            c.PlainOut.Request(1);
            var next = c.PlainOut.ExpectEvent(Timeout);
            if (next is not TestSubscriber.OnNext<ByteString> chunk)
            {
                Assert.IsType<TestSubscriber.OnComplete>(next);
                break;
            }
            received += chunk.Element.Count;
        }
        Assert.Equal(50 * 100, received);
        c.PlainIn.SendComplete(); // the layer above is done too

        Assert.Equal(0, await c.Client.ReadAsync(new byte[16]).AsTask().WaitAsync(Timeout)); // our close_notify
        Assert.Null(await c.Ended.WaitAsync(Timeout));
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

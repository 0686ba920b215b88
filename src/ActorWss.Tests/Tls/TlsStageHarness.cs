using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net.Security;
using System.Security.Authentication;
using ActorWss.Bench.Load;
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
/// The TLS BidiFlow alone: its ciphertext side is joined, through in-memory pipes, to a client (a
/// <see cref="SslStream"/>, or raw bytes); its plaintext side to stream probes. The ciphertext input signals its end
/// only when read, as a socket does (<see cref="EndOfInputOnRead{T}"/>).
/// </summary>
public abstract class TlsStageHarness(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(Config, null, output)
{
    private static readonly Akka.Configuration.Config Config = Akka.Configuration.ConfigurationFactory.ParseString("""
        akka.loglevel = INFO
        test-stream-dispatcher {
          type = ForkJoinDispatcher
          throughput = 100
          dedicated-thread-pool { thread-count = 1, threadtype = background }
        }
        """).WithFallback(SettingsParser.Reference);

    protected static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    private static readonly Lazy<string> CertificateFolder = new(() => Directory.CreateTempSubdirectory("actorwss-tls-stage-").FullName);

    /// <summary>A running stage and the client side of its transport.</summary>
    internal sealed class Stage : IAsyncDisposable
    {
        public required TestSubscriber.Probe<ByteString> PlainOut { get; init; }
        public required TestPublisher.Probe<ByteString> PlainIn { get; init; }
        public required Task<TlsOutcome> Outcome { get; init; }
        /// <summary>Completes when the stage has stopped: null after a clean end, else why the session broke.</summary>
        public required Task<string?> Ended { get; init; }
        /// <summary>The client's end of the in-memory connection.</summary>
        public required DuplexPipeStream ClientTransport { get; init; }
        /// <summary>Between the client SslStream and <see cref="ClientTransport"/>: holds the client's writes back on demand.</summary>
        public required CorkedStream ClientWrites { get; init; }
        /// <summary>Fails the stage's ciphertext input, as a socket error would.</summary>
        public required Action<Exception> FailInput { get; init; }
        private SslStream? _client;

        /// <summary>The client SslStream, after <see cref="ConnectAsync"/>.</summary>
        public SslStream Client
        {
            get => _client ?? throw new InvalidOperationException("no client handshake was made");
            set => _client = value;
        }

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

        /// <summary>Takes plaintext one element at a time until the plaintext side completes; returns the byte count.</summary>
        public long ReadPlainToEnd()
        {
            long received = 0;
            while (true)
            {
                PlainOut.Request(1);
                var next = PlainOut.ExpectEvent(Timeout);
                if (next is TestSubscriber.OnNext<ByteString> chunk)
                {
                    received += chunk.Element.Count;
                    continue;
                }
                Assert.IsType<TestSubscriber.OnComplete>(next);
                return received;
            }
        }

        public async Task<byte[]> ClientReadAsync(int count)
        {
            var buffer = new byte[count];
            await Client.ReadExactlyAsync(buffer).AsTask().WaitAsync(Timeout);
            return buffer;
        }

        /// <summary>Raw bytes from the stage to the client, until the stage closes its output.</summary>
        public async Task<byte[]> ReadRawToEndAsync()
        {
            using var all = new MemoryStream();
            await ClientTransport.CopyToAsync(all).WaitAsync(Timeout);
            return all.ToArray();
        }

        public async Task WriteRawAsync(byte[] bytes)
        {
            await ClientTransport.WriteAsync(bytes);
            await ClientTransport.FlushAsync();
        }

        public async ValueTask DisposeAsync()
        {
            if (_client is not null) await _client.DisposeAsync();
            else await ClientTransport.DisposeAsync();
        }
    }

    /// <summary>Records what the stage reports, and where its steps ran.</summary>
    internal sealed class Recorder : ITlsObserver
    {
        public ConcurrentBag<(TlsStepKind Kind, string Thread, bool Offloaded)> Steps { get; } = [];

        public void OnStep(TlsStepKind kind, int bytes, bool offloaded) =>
            Steps.Add((kind, Thread.CurrentThread.Name ?? "(unnamed)", offloaded));

        public void OnOffloadQueue(int delta) { }

        public TaskCompletionSource<TlsOutcome> Handshake { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void OnHandshake(TlsOutcome outcome) => Handshake.TrySetResult(outcome);

        public TaskCompletionSource<TlsFailed> SessionError { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void OnSessionError(TlsFailed failure) => SessionError.TrySetResult(failure);

        /// <summary>Completes on the stage's own thread, as it handles the decrypt step that saw the peer's close.</summary>
        public TaskCompletionSource<TlsPeerClose> PeerClosed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void OnPeerClosed(TlsPeerClose how) => PeerClosed.TrySetResult(how);
    }

    private protected static TlsSettings Settings(StageMode mode, TimeSpan? handshakeTimeout = null,
        ClientCertificateMode clientCertificates = ClientCertificateMode.None) =>
        new((TlsMode)mode, "actorwss.tls.offload-dispatcher", 16 * 1024, 64 * 1024,
            new CertificateSettings(Path.Combine(CertificateFolder.Value, "cert.pem"), Path.Combine(CertificateFolder.Value, "key.pem"), null),
            DevCertificate: true, HandshakeTimeout: handshakeTimeout ?? TimeSpan.FromSeconds(10), clientCertificates, null);

    /// <summary>Runs the TLS stage between an in-memory client transport and plaintext probes; no handshake yet.</summary>
    private protected Stage StartStage(TlsSettings settings, ITlsObserver? observer = null, int chunkSize = 8192)
    {
        var toServer = new Pipe();
        var toClient = new Pipe();
        var ciphertextIn = StreamConverters.FromInputStream(() => toServer.Reader.AsStream(), chunkSize);
        var ciphertextOut = StreamConverters.FromOutputStream(() => toClient.Writer.AsStream(), autoFlush: true);

        var (session, plainOut, plainIn) = RunnableGraph.FromGraph(GraphDsl.Create(
            TlsFlow.Create(TlsServerContext.Create(settings, Sys, "test"), observer), this.SinkProbe<ByteString>(), this.SourceProbe<ByteString>(),
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
        return new Stage
        {
            PlainOut = plainOut, PlainIn = plainIn, Outcome = session.Handshake, Ended = session.Error,
            ClientTransport = transport, ClientWrites = new CorkedStream(transport),
            FailInput = e => toServer.Writer.Complete(e),
        };
    }

    /// <summary>Runs the stage and completes a client handshake with it.</summary>
    private protected async Task<Stage> ConnectAsync(StageMode mode, SslProtocols protocol = SslProtocols.Tls13, int chunkSize = 8192,
        ITlsObserver? observer = null)
    {
        var stage = StartStage(Settings(mode), observer, chunkSize);
        stage.Client = new SslStream(stage.ClientWrites, leaveInnerStreamOpen: false, (_, _, _, _) => true);
        await stage.Client.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            EnabledSslProtocols = protocol,
            ApplicationProtocols = [SslApplicationProtocol.Http11],
        }).WaitAsync(Timeout);
        // A TLS 1.3 client is done before the server has read its Finished: wait for the server's side too.
        Assert.IsType<TlsEstablished>(await stage.Outcome.WaitAsync(Timeout));
        return stage;
    }

    public static TheoryData<StageMode> AllModes => [StageMode.Inline, StageMode.Offload, StageMode.Adaptive];
}

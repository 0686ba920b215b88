using System.Diagnostics;
using ActorWss.Configuration;
using Akka.IO;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.Stage;
using ActorWss.Streams;
using ActorWss.Transport.EventLoops;

namespace ActorWss.Tls;

/// <summary>
/// TLS for Akka.Streams: a BidiFlow from ciphertext to plaintext and back, on <see cref="System.Net.Security.SslStream"/>
/// over memory (<see cref="TlsEngine"/>).
/// <code>
///   cipher in  ~> [ decrypt ] ~> plain out
///   cipher out &lt;~ [ encrypt ] &lt;~ plain in
/// </code>
/// Where the record work runs is a setting (<see cref="TlsMode"/>): inline, on the stream's own thread; or
/// offloaded, like mapAsync with parallelism 1 per direction: a step is handed to the offload dispatcher, its
/// result re-enters the stage through an async callback, and the order of each direction is kept. Every step takes
/// everything available at that moment (up to <see cref="TlsSettings.MaxBatchBytes"/>; on the decrypt side, the
/// whole records in it), never one message at a time: while a step runs or the network is busy, input accumulates
/// into the next batch.
/// <para>
/// Why one stage and not two <c>SelectAsync</c>s: TLS writes records from both directions. The handshake, alerts,
/// session tickets and key updates come out of the decrypt side and must reach the wire in the order the session
/// sequenced them, interleaved with the encrypt side's records. Here all ciphertext goes through one queue, drained by
/// this stage on its own thread, so that order holds by construction.
/// </para>
/// Back-pressure: plaintext waits for the layer above (and no ciphertext is read meanwhile); ciphertext waits for
/// the network (and no plaintext is encrypted meanwhile). At most one batch per direction is buffered.
/// </summary>
internal static class TlsFlow
{
    /// <param name="cork">On the event loops, encrypt the replies to messages read together as one batch (see <c>TlsStage.Cork.cs</c>).</param>
    public static BidiFlow<ByteString, ByteString, ByteString, ByteString, TlsSession> Create(
        TlsServerContext context, ITlsObserver? observer = null, bool cork = true) =>
        BidiFlow.FromGraph(new TlsStage(context, observer, cork));
}

/// <summary>
/// The stage behind <see cref="TlsFlow"/>. Each direction has a phase, and each phase changes in one place
/// (<c>EnterInbound</c>, <c>EnterOutbound</c>, <c>Fail</c>); phases only move forward:
/// <code>
///   inbound, cipher in ~> plain out:
///     Handshaking --handshake done--> Open --close_notify or FIN--> PeerClosed --plaintext delivered--> Done
///     Handshaking, Open --plain out cancelled (the layer above reads no more)---------------------------> Done
///   outbound, plain in ~> cipher out:
///     AwaitingHandshake --handshake done--> Open --plain in ended--> ShuttingDown --close_notify sent--> Done
///     AwaitingHandshake --plain in ended (nothing was said over TLS: no close_notify)------------------> Done
///   both, from any phase: bad input, a timeout, a network failure --> Fail: the session's alert (or ours) is
///     sent, then the stage stops.
/// </code>
/// The ports in each phase:
/// <list type="bullet">
/// <item>cipher in: Handshaking and Open read it while there is room (one batch, and no plaintext waiting for the
/// layer above). PeerClosed and Done read it and drop it until the FIN: nothing after close_notify counts
/// (RFC 8446 §6.1), but the connection is over only when the peer's TCP side is. Cancelled with plain out.</item>
/// <item>A FIN while Handshaking or Open goes to the session with the ciphertext left, in one last decrypt step;
/// the session then reads close_notify, a truncation (no close_notify, at a record boundary), or fails (a record
/// or a handshake cut short): that step always ends the phase.</item>
/// <item>plain out completes on entering Done, after the last plaintext.</item>
/// <item>plain in is pulled only while outbound is Open: nothing is taken before there is a session for it.</item>
/// <item>cipher out completes in outbound Done, once everything is flushed.</item>
/// </list>
/// The stage stops when all four ports are closed, or when it fails.
/// </summary>
internal sealed partial class TlsStage(TlsServerContext context, ITlsObserver? observer, bool cork = true)
    : GraphStageWithMaterializedValue<BidiShape<ByteString, ByteString, ByteString, ByteString>, TlsSession>
{
    private readonly Inlet<ByteString> _cipherIn = new("tls.cipher-in");
    private readonly Outlet<ByteString> _plainOut = new("tls.plain-out");
    private readonly Inlet<ByteString> _plainIn = new("tls.plain-in");
    private readonly Outlet<ByteString> _cipherOut = new("tls.cipher-out");

    public override BidiShape<ByteString, ByteString, ByteString, ByteString> Shape => new(_cipherIn, _plainOut, _plainIn, _cipherOut);

    private TlsServerContext Context { get; } = context;

    private ITlsObserver? Observer { get; } = observer;

    private bool Corks { get; } = cork;

    protected override Attributes InitialAttributes { get; } = Attributes.CreateName("tls");

    public override ILogicAndMaterializedValue<TlsSession> CreateLogicAndMaterializedValue(Attributes inheritedAttributes)
    {
        var outcome = new TaskCompletionSource<TlsOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        var error = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var observer = Observer ?? inheritedAttributes.GetAttribute<TlsObserverAttribute>()?.Observer;
        return new LogicAndMaterializedValue<TlsSession>(new Logic(this, outcome, error, observer), new TlsSession(outcome.Task, error.Task));
    }

    private enum Inbound
    {
        /// <summary>Ciphertext advances the handshake.</summary>
        Handshaking,
        /// <summary>Records are decrypted into plaintext for the layer above.</summary>
        Open,
        /// <summary>The peer has closed: the last plaintext is still to be delivered.</summary>
        PeerClosed,
        /// <summary>Plain out is closed; ciphertext is dropped until the FIN.</summary>
        Done,
    }

    private enum Outbound
    {
        /// <summary>No plaintext is taken yet: there is no session to encrypt it.</summary>
        AwaitingHandshake,
        /// <summary>Plaintext from the layer above is encrypted, in batches.</summary>
        Open,
        /// <summary>The layer above has finished: what it sent is encrypted, then close_notify (RFC 8446 §6.1).</summary>
        ShuttingDown,
        /// <summary>Nothing more is encrypted; cipher out completes once flushed.</summary>
        Done,
    }

    private sealed partial class Logic : ConnectionStageLogic, IInHandler, IOutHandler
    {
        private static readonly object StageLogSource = LogSourceOf("tls", typeof(TlsStage));

        private const string HandshakeTimer = "tls-handshake-timeout";
        private const string AlertTimer = "tls-alert-timeout";

        private readonly TlsStage _stage;
        private readonly TaskCompletionSource<TlsOutcome> _outcome;
        private readonly TaskCompletionSource<string?> _error;
        private readonly TlsSettings _settings;
        private readonly DecryptStep _decrypt;
        private readonly EncryptStep _encrypt;
        private readonly long _started = Stopwatch.GetTimestamp();
        private OffloadBatcher? _offloadBatcher;

        private Inbound _inbound = Inbound.Handshaking;
        private Outbound _outbound = Outbound.AwaitingHandshake;
        private TlsFailed? _failure; // set once, by Fail

        private ByteString _cipherBatch = ByteString.Empty;   // received, not yet decrypted
        private int _cipherNeeded;                            // _cipherBatch holds no whole record below this size
        private ByteString _plainPending = ByteString.Empty;  // decrypted, waiting for the layer above
        private ByteString _plainBatch = ByteString.Empty;    // from the layer above, not yet encrypted
        private ByteString _cipherPending = ByteString.Empty; // encrypted, waiting for the network

        public Logic(TlsStage stage, TaskCompletionSource<TlsOutcome> outcome, TaskCompletionSource<string?> error, ITlsObserver? observer)
            : base(2, 2, StageLogSource)
        {
            _stage = stage;
            _outcome = outcome;
            _error = error;
            _settings = stage.Context.Settings;
            Engine = new TlsEngine();
            Observer = observer;
            _decrypt = new DecryptStep(this);
            _encrypt = new EncryptStep(this);

            SetHandler(stage._cipherIn, (IInHandler)this); // the logic handles the inbound direction's ports itself,
            SetHandler(stage._plainOut, (IOutHandler)this); // one small object the outbound's: no delegates per connection
            var outbound = new OutboundPorts(this);
            SetHandler(stage._plainIn, outbound);
            SetHandler(stage._cipherOut, outbound);
        }

        void IInHandler.OnPush() => OnCipherPush();

        void IInHandler.OnUpstreamFinish() => TryDecrypt(); // the FIN goes to the session in the next decrypt step

        void IInHandler.OnUpstreamFailure(Exception cause) => Fail(TlsFailureKind.ConnectionFailed, "connection failed: " + cause.Message);

        void IOutHandler.OnPull() => OnPlainPull();

        void IOutHandler.OnDownstreamFinish(Exception cause) => EnterInbound(Inbound.Done);

        private sealed class OutboundPorts(Logic logic) : InAndOutHandler
        {
            public override void OnPush() => logic.OnPlainPush();

            public override void OnUpstreamFinish() =>
                logic.EnterOutbound(logic._outbound == Outbound.AwaitingHandshake ? Outbound.Done : Outbound.ShuttingDown);

            public override void OnUpstreamFailure(Exception e) => logic.FailStage(e);

            public override void OnPull()
            {
                logic.FlushCiphertext();
                logic.TryEncrypt();
            }

            public override void OnDownstreamFinish(Exception cause) => logic.CompleteStage(); // the network is gone: nothing more can be said
        }

        public TlsEngine Engine { get; }

        public ITlsObserver? Observer { get; }

        public override void PreStart()
        {
            PrepareCork();
            if (_stage.Context.OffloadDispatcher is not null)
            {
                // Only offloaded steps report back asynchronously; inline ones return their result to the caller.
                var onDone = GetAsyncCallback<Step>(OnStepDone);
                _decrypt.OnDone = onDone;
                _encrypt.OnDone = onDone;
                // On an event loop (this interpreter always runs on the same one), steps go to the pool once per pass.
                if (EventLoop.Current is { } loop) _offloadBatcher = _stage.Context.OffloadBatcherFor(loop);
            }
            Engine.StartHandshake(_stage.Context.OptionsFactory);
            // The handshake advances inside decrypt steps; this only covers an SslStream that finishes it on its own.
            var handshakeSettled = GetAsyncCallback(OnHandshakeSettled);
            Engine.Handshake.ContinueWith(_ => handshakeSettled(), TaskContinuationOptions.ExecuteSynchronously);
            ScheduleOnce(HandshakeTimer, _settings.HandshakeTimeout);
            Pull(_stage._cipherIn);
        }

        protected override void OnStop()
        {
            _corked = false; // nothing is left to encrypt: an end-of-run flush must not call into a stopped stage
            var closed = new TlsFailed(TlsFailureKind.PeerClosed, "the connection closed during the handshake");
            if (_outcome.TrySetResult(closed)) Observer?.OnHandshake(closed);
            _error.TrySetResult(null);
            Engine.Dispose();
        }

        protected override void OnTimer(object timerKey)
        {
            if (timerKey is HandshakeTimer) Fail(TlsFailureKind.Timeout, $"handshake timeout ({_settings.HandshakeTimeout.TotalSeconds:0.###} s)");
            else CompleteStage(); // AlertTimer: the network never took the alert
        }

        // ---- phases -------------------------------------------------------------------------------------------

        private void EnterInbound(Inbound next)
        {
            if (next <= _inbound) return;
            _inbound = next;
            switch (next)
            {
                case Inbound.PeerClosed:
                    if (_plainPending.IsEmpty) EnterInbound(Inbound.Done);
                    else PullCipherIfRoom(); // read on to the FIN while the last plaintext waits
                    break;
                case Inbound.Done:
                    _cipherBatch = ByteString.Empty;
                    _plainPending = ByteString.Empty;
                    if (IsClosed(_stage._plainOut))
                    {
                        // The layers above read no more: stop reading the network (TCP closes once our output is done too).
                        if (!IsClosed(_stage._cipherIn)) Cancel(_stage._cipherIn);
                    }
                    else
                    {
                        Complete(_stage._plainOut);
                        PullCipherIfRoom();
                    }
                    break;
            }
        }

        private void EnterOutbound(Outbound next)
        {
            if (next <= _outbound) return;
            _outbound = next;
            if (next == Outbound.Done) FlushCiphertext(); // completes cipher out once everything is out
            else TryEncrypt();
        }

        private void OnHandshakeCompleted()
        {
            CancelTimer(HandshakeTimer);
            var established = Engine.Describe(Stopwatch.GetElapsedTime(_started));
            Engine.ForgetHandshake();
            if (_settings.ReleaseIdleBuffers) Engine.ReleaseBuffersWhenIdle();
            _outcome.TrySetResult(established);
            Observer?.OnHandshake(established);
            EnterInbound(Inbound.Open);
            EnterOutbound(Outbound.Open);
        }

        /// <summary>
        /// Bad input, a timeout or a network failure: record why, send whatever alert the session produced (or ours,
        /// for a malformed hello it did not answer), close. The connection's actor logs the outcome once; nothing is
        /// thrown at the layers above.
        /// </summary>
        private void Fail(TlsFailureKind kind, string reason)
        {
            if (_failure is not null) return;
            if (!_outcome.Task.IsCompleted)
            {
                _failure = new TlsFailed(kind, "handshake failed: " + reason);
                _outcome.TrySetResult(_failure);
                Observer?.OnHandshake(_failure);
                if (kind == TlsFailureKind.Protocol) Engine.AnswerUnansweredHandshakeFailure();
            }
            else
            {
                _failure = new TlsFailed(kind, reason);
                _error.TrySetResult(reason);
                Observer?.OnSessionError(_failure);
            }
            CancelTimer(HandshakeTimer);
            _inbound = Inbound.Done;
            _outbound = Outbound.Done;

            var last = _cipherPending.Concat(Engine.TakeCiphertext());
            _cipherPending = ByteString.Empty;
            if (last.IsEmpty || IsClosed(_stage._cipherOut))
            {
                CompleteStage();
                return;
            }
            if (IsAvailable(_stage._cipherOut))
            {
                Push(_stage._cipherOut, last); // delivered before the completion that follows
                CompleteStage();
                return;
            }
            // The network is busy: the alert goes when it can take it, but only for as long as a handshake may take.
            if (!IsClosed(_stage._cipherIn)) Cancel(_stage._cipherIn);
            if (!IsClosed(_stage._plainIn)) Cancel(_stage._plainIn);
            if (!IsClosed(_stage._plainOut)) Complete(_stage._plainOut);
            ScheduleOnce(AlertTimer, _settings.HandshakeTimeout);
            Emit(_stage._cipherOut, last, CompleteStage);
        }

        private void Fail(Exception error) =>
            Fail(TlsFailures.Classify(error, Engine.InputEnded, Engine.CertificateRejected), TlsFailures.Describe(error));

        // ---- decrypt ------------------------------------------------------------------------------------------

        private void OnCipherPush()
        {
            var ciphertext = Grab(_stage._cipherIn);
            if (_inbound >= Inbound.PeerClosed)
            {
                PullCipherIfRoom(); // dropped: nothing after close_notify counts
                return;
            }
            _cipherBatch = _cipherBatch.IsEmpty ? ciphertext : _cipherBatch.Concat(ciphertext);
            TryDecrypt();
        }

        private void OnPlainPull()
        {
            OnLayerAboveDone();
            if (!_plainPending.IsEmpty)
            {
                DeliverPlaintext(_plainPending);
                _plainPending = ByteString.Empty;
            }
            if (_inbound == Inbound.PeerClosed) EnterInbound(Inbound.Done);
            else TryDecrypt();
        }

        private void TryDecrypt()
        {
            if (_decrypt.InFlight || _inbound >= Inbound.PeerClosed || !_plainPending.IsEmpty) return;
            // Closed while Handshaking or Open means the FIN: everything left goes to the session with it.
            bool inputEnded = IsClosed(_stage._cipherIn);
            int take = inputEnded ? _cipherBatch.Count : WholeRecordsInBatch();
            if (take == 0 && !inputEnded)
            {
                PullCipherIfRoom();
                return;
            }
            var batch = Take(ref _cipherBatch, take);
            _decrypt.Input = batch;
            _decrypt.InputEnded = inputEnded;
            Run(_decrypt, batch.Count);
            PullCipherIfRoom(); // read ahead into the next batch while this one is being decrypted
        }

        /// <summary>
        /// How much of the received ciphertext the next decrypt step takes: whole records only (a step on part of a
        /// record would just buffer it, and offloaded that is a thread hop for nothing; a record fed one byte at a
        /// time would cost a hop per byte), at most <see cref="TlsSettings.MaxBatchBytes"/> but at least one record.
        /// Input that is not TLS framing at all is handed over as it is, so that the session refuses it at once.
        /// </summary>
        private int WholeRecordsInBatch()
        {
            // A record arriving in many small pieces is not rescanned for each piece: only once its header, and then all
            // of it, can be there (the rope's indexer is not O(1), so rescanning would be quadratic in the pieces).
            if (_cipherBatch.Count < _cipherNeeded) return 0;
            int end = TlsRecordFraming.EndOfWholeRecords(_cipherBatch, 0, _settings.MaxBatchBytes);
            if (end < 0) return Math.Min(_cipherBatch.Count, _settings.MaxBatchBytes);
            _cipherNeeded = end > 0 ? 0
                : _cipherBatch.Count < TlsRecordFraming.HeaderLength ? TlsRecordFraming.HeaderLength
                : TlsRecordFraming.RecordLength(_cipherBatch, 0);
            return end;
        }

        private void PullCipherIfRoom()
        {
            if (IsClosed(_stage._cipherIn) || HasBeenPulled(_stage._cipherIn)) return;
            if (_inbound >= Inbound.PeerClosed)
            {
                Pull(_stage._cipherIn); // to the FIN, whatever the layer above does
                return;
            }
            if (!_plainPending.IsEmpty) return;
            // A full batch waits for the decrypt step, unless it does not hold a whole record yet.
            if (_cipherBatch.Count >= _settings.MaxBatchBytes && WholeRecordsInBatch() > 0) return;
            Pull(_stage._cipherIn);
        }

        private void OnDecrypted()
        {
            if (_decrypt.Error is { } error)
            {
                Fail(error);
                return;
            }
            FlushCiphertext(); // handshake messages, alerts, session tickets
            if (_inbound == Inbound.Handshaking && Engine.Handshake.IsCompletedSuccessfully) OnHandshakeCompleted();
            var result = _decrypt.Result;
            if (!result.Plaintext.IsEmpty && _inbound < Inbound.Done)
            {
                if (IsAvailable(_stage._plainOut)) DeliverPlaintext(result.Plaintext);
                else _plainPending = result.Plaintext;
            }
            if (result.PeerClose != TlsPeerClose.None)
            {
                EnterInbound(Inbound.PeerClosed);
                Observer?.OnPeerClosed(result.PeerClose);
                return;
            }
            TryDecrypt();
        }

        private void OnHandshakeSettled()
        {
            if (_failure is not null || _inbound != Inbound.Handshaking || _decrypt.InFlight) return; // a running step reports it
            if (Engine.Handshake.IsFaulted)
            {
                Fail(Engine.Handshake.Exception!.GetBaseException());
                return;
            }
            FlushCiphertext();
            if (Engine.Handshake.IsCompletedSuccessfully) OnHandshakeCompleted();
            TryDecrypt();
        }

        // ---- encrypt ------------------------------------------------------------------------------------------

        private void OnPlainPush()
        {
            var plaintext = Grab(_stage._plainIn);
            _plainBatch = _plainBatch.IsEmpty ? plaintext : _plainBatch.Concat(plaintext);
            if (Cork()) return;
            TryEncrypt();
        }

        private void TryEncrypt()
        {
            if (_encrypt.InFlight || _outbound is not (Outbound.Open or Outbound.ShuttingDown)) return;
            if (_cipherPending.IsEmpty)
            {
                if (!_plainBatch.IsEmpty)
                {
                    var batch = Take(ref _plainBatch, _settings.MaxBatchBytes);
                    _encrypt.Input = batch;
                    _encrypt.Shutdown = false;
                    Run(_encrypt, batch.Count);
                }
                else if (_outbound == Outbound.ShuttingDown)
                {
                    _encrypt.Shutdown = true;
                    Run(_encrypt, 0);
                    return;
                }
            }
            PullPlainIfRoom(); // coalesce what the layer above produces while records are written
        }

        private void PullPlainIfRoom()
        {
            if (_outbound != Outbound.Open || IsClosed(_stage._plainIn) || HasBeenPulled(_stage._plainIn)) return;
            if (_plainBatch.Count >= _settings.MaxBatchBytes) return;
            Pull(_stage._plainIn);
        }

        private void OnEncrypted()
        {
            if (_encrypt.Error is { } error)
            {
                Fail(error);
                return;
            }
            if (_encrypt.Shutdown)
            {
                EnterOutbound(Outbound.Done);
                return;
            }
            FlushCiphertext();
            TryEncrypt();
        }

        private void FlushCiphertext()
        {
            var produced = Engine.TakeCiphertext();
            if (IsClosed(_stage._cipherOut)) return; // the network is gone: nothing more can be sent
            if (!produced.IsEmpty) _cipherPending = _cipherPending.IsEmpty ? produced : _cipherPending.Concat(produced);
            if (!_cipherPending.IsEmpty && IsAvailable(_stage._cipherOut))
            {
                Push(_stage._cipherOut, _cipherPending);
                _cipherPending = ByteString.Empty;
            }
            if (_cipherPending.IsEmpty && _outbound == Outbound.Done) Complete(_stage._cipherOut);
        }

        // ---- steps --------------------------------------------------------------------------------------------

        /// <summary>The first <paramref name="count"/> bytes accumulated; the rest stays for the next step.</summary>
        private static ByteString Take(ref ByteString accumulated, int count)
        {
            var batch = accumulated;
            if (count >= batch.Count)
            {
                accumulated = ByteString.Empty;
                return batch;
            }
            accumulated = batch.Slice(count);
            return batch.Slice(0, count);
        }

        private void Run(Step step, int bytes)
        {
            step.InFlight = true;
            var dispatcher = _stage.Context.OffloadDispatcher;
            bool offload = dispatcher is not null
                && (_settings.Mode == TlsMode.Offload || bytes >= _settings.OffloadMinBytes);
            step.Offloaded = offload;
            if (!offload)
            {
                step.RunHere();
                OnStepDone(step);
                return;
            }
            Observer?.OnOffloadQueue(+1);
            if (_offloadBatcher is not null) _offloadBatcher.Add(step);
            else dispatcher!.Schedule(step);
        }

        private void OnStepDone(Step step)
        {
            step.InFlight = false;
            if (_failure is not null) return; // the stage is only sending its alert now
            if (step == _decrypt) OnDecrypted();
            else OnEncrypted();
        }
    }
}

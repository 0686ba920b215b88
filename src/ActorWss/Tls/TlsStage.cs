using System.Diagnostics;
using System.Security.Authentication;
using ActorWss.Configuration;
using Akka.Dispatch;
using Akka.IO;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.Stage;

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
    public static BidiFlow<ByteString, ByteString, ByteString, ByteString, TlsSession> Create(
        TlsServerContext context, ITlsObserver? observer = null) =>
        BidiFlow.FromGraph(new TlsStage(context, observer));
}

internal sealed class TlsStage(TlsServerContext context, ITlsObserver? observer)
    : GraphStageWithMaterializedValue<BidiShape<ByteString, ByteString, ByteString, ByteString>, TlsSession>
{
    private readonly Inlet<ByteString> _cipherIn = new("tls.cipher-in");
    private readonly Outlet<ByteString> _plainOut = new("tls.plain-out");
    private readonly Inlet<ByteString> _plainIn = new("tls.plain-in");
    private readonly Outlet<ByteString> _cipherOut = new("tls.cipher-out");

    public override BidiShape<ByteString, ByteString, ByteString, ByteString> Shape => new(_cipherIn, _plainOut, _plainIn, _cipherOut);

    private TlsServerContext Context { get; } = context;

    private ITlsObserver? Observer { get; } = observer;

    protected override Attributes InitialAttributes { get; } = Attributes.CreateName("tls");

    public override ILogicAndMaterializedValue<TlsSession> CreateLogicAndMaterializedValue(Attributes inheritedAttributes)
    {
        var outcome = new TaskCompletionSource<TlsOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        var error = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        return new LogicAndMaterializedValue<TlsSession>(new Logic(this, outcome, error), new TlsSession(outcome.Task, error.Task));
    }

    /// <summary>One step of one direction, reused for every batch; runs inline or on the offload dispatcher.</summary>
    private abstract class Step(Logic logic) : IRunnable
    {
        protected Logic Logic { get; } = logic;

        public ByteString Input = ByteString.Empty;
        public Exception? Error;
        public bool Offloaded;
        public Action<Step>? OnDone; // the stage's async callback, for offloaded runs

        protected abstract void Execute(TlsEngine engine);

        /// <summary>Runs the step on the current thread and records its result or error.</summary>
        public void RunHere()
        {
            Error = null;
            try { Execute(Logic.Engine); }
            catch (Exception e) { Error = e; }
            Input = ByteString.Empty;
        }

        void IRunnable.Run()
        {
            Logic.Observer?.OnOffloadQueue(-1);
            RunHere();
            OnDone!(this);
        }

        void IThreadPoolWorkItem.Execute() => ((IRunnable)this).Run();
    }

    private sealed class DecryptStep(Logic logic) : Step(logic)
    {
        public bool InputEnded;
        public DecryptResult Result;

        protected override void Execute(TlsEngine engine)
        {
            Logic.Observer?.OnStep(TlsStepKind.Decrypt, Input.Count, Offloaded);
            Result = engine.Decrypt(Input, InputEnded);
        }
    }

    private sealed class EncryptStep(Logic logic) : Step(logic)
    {
        public bool Shutdown;

        protected override void Execute(TlsEngine engine)
        {
            Logic.Observer?.OnStep(Shutdown ? TlsStepKind.Shutdown : TlsStepKind.Encrypt, Input.Count, Offloaded);
            if (Shutdown) engine.Shutdown();
            else engine.Encrypt(Input);
        }
    }

    private sealed class Logic : TimerGraphStageLogic
    {
        private const string HandshakeTimer = "tls-handshake-timeout";

        private readonly TlsStage _stage;
        private readonly TaskCompletionSource<TlsOutcome> _outcome;
        private readonly TaskCompletionSource<string?> _error;
        private readonly TlsSettings _settings;
        private readonly DecryptStep _decrypt;
        private readonly EncryptStep _encrypt;
        private readonly long _started = Stopwatch.GetTimestamp();

        // Decrypt direction.
        private ByteString _cipherBatch = ByteString.Empty;  // received, not yet decrypted
        private int _cipherNeeded;                           // _cipherBatch holds no whole record below this size
        private ByteString _plainPending = ByteString.Empty; // decrypted, waiting for the layer above
        private bool _decryptRunning;
        private bool _cipherInEnded;
        private bool _endOfInputFed;
        private bool _peerClosed;

        // Encrypt direction.
        private ByteString _plainBatch = ByteString.Empty;   // from the layer above, not yet encrypted
        private ByteString _cipherPending = ByteString.Empty; // encrypted, waiting for the network
        private bool _encryptRunning;
        private bool _plainInEnded;
        private bool _shutdownStarted;
        private bool _shutdownDone;

        private bool _handshakeDone;
        private bool _failed;

        public Logic(TlsStage stage, TaskCompletionSource<TlsOutcome> outcome, TaskCompletionSource<string?> error) : base(stage.Shape)
        {
            _stage = stage;
            _outcome = outcome;
            _error = error;
            _settings = stage.Context.Settings;
            Engine = new TlsEngine();
            Observer = stage.Observer;
            _decrypt = new DecryptStep(this);
            _encrypt = new EncryptStep(this);

            SetHandler(stage._cipherIn, onPush: OnCipherPush, onUpstreamFinish: () =>
            {
                _cipherInEnded = true;
                TryDecrypt();
            }, onUpstreamFailure: cause =>
            {
                Fail("connection failed: " + cause.Message);
            });
            SetHandler(stage._plainOut, onPull: () =>
            {
                if (!_plainPending.IsEmpty)
                {
                    Push(stage._plainOut, _plainPending);
                    _plainPending = ByteString.Empty;
                }
                if (_peerClosed) CompletePlainOutIfDrained();
                TryDecrypt();
            }, onDownstreamFinish: _ =>
            {
                // The layers above read no more: stop reading the network (TCP closes once our output is done too).
                if (!IsClosed(stage._cipherIn)) Cancel(stage._cipherIn);
            });
            SetHandler(stage._plainIn, onPush: () =>
            {
                var plaintext = Grab(stage._plainIn);
                _plainBatch = _plainBatch.IsEmpty ? plaintext : _plainBatch.Concat(plaintext);
                TryEncrypt();
            }, onUpstreamFinish: () =>
            {
                _plainInEnded = true;
                TryEncrypt();
            });
            SetHandler(stage._cipherOut, onPull: () =>
            {
                FlushCiphertext();
                TryEncrypt();
            }, onDownstreamFinish: _ => CompleteStage());
        }

        public TlsEngine Engine { get; }

        public ITlsObserver? Observer { get; }

        public override void PreStart()
        {
            var onDone = GetAsyncCallback<Step>(OnStepDone);
            _decrypt.OnDone = onDone;
            _encrypt.OnDone = onDone;
            Engine.StartHandshake(_stage.Context.CreateOptions());
            // The handshake advances inside decrypt steps; this only covers an SslStream that finishes it on its own.
            var handshakeSettled = GetAsyncCallback(OnHandshakeSettled);
            Engine.Handshake.ContinueWith(_ => handshakeSettled(), TaskContinuationOptions.ExecuteSynchronously);
            ScheduleOnce(HandshakeTimer, _settings.HandshakeTimeout);
            Pull(_stage._cipherIn);
        }

        public override void PostStop()
        {
            if (_outcome.TrySetResult(new TlsFailed(_cipherInEnded ? "peer closed during the handshake" : "closed during the handshake")))
                Observer?.OnHandshake(_outcome.Task.Result);
            _error.TrySetResult(null);
            Engine.Dispose();
        }

        protected override void OnTimer(object timerKey) => Fail("handshake timeout");

        // ---- decrypt ------------------------------------------------------------------------------------------

        private void OnCipherPush()
        {
            var ciphertext = Grab(_stage._cipherIn);
            if (_peerClosed || _failed)
            {
                Pull(_stage._cipherIn); // nothing is valid after close_notify: drain until the peer closes TCP
                return;
            }
            _cipherBatch = _cipherBatch.IsEmpty ? ciphertext : _cipherBatch.Concat(ciphertext);
            TryDecrypt();
        }

        private void TryDecrypt()
        {
            if (_decryptRunning || _failed || _peerClosed || !_plainPending.IsEmpty) return;
            bool endPending = _cipherInEnded && !_endOfInputFed;
            int take = endPending ? _cipherBatch.Count : WholeRecordsInBatch();
            if (take == 0 && !endPending)
            {
                PullCipherIfRoom();
                return;
            }
            var batch = Take(ref _cipherBatch, take);
            _decrypt.Input = batch;
            _decrypt.InputEnded = endPending;
            _endOfInputFed |= endPending;
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
            if (IsClosed(_stage._cipherIn) || HasBeenPulled(_stage._cipherIn) || _failed) return;
            // After close_notify nothing is decrypted: read on (discarding) to the FIN, whatever the layer above does.
            if (_peerClosed)
            {
                Pull(_stage._cipherIn);
                return;
            }
            if (!_plainPending.IsEmpty) return;
            // A full batch waits for the decrypt step, unless it does not hold a whole record yet.
            if (_cipherBatch.Count >= _settings.MaxBatchBytes && WholeRecordsInBatch() > 0) return;
            Pull(_stage._cipherIn);
        }

        private void OnDecrypted()
        {
            _decryptRunning = false;
            if (_decrypt.Error is { } error)
            {
                Fail(Describe(error));
                return;
            }
            FlushCiphertext(); // handshake messages, alerts
            CheckHandshake();
            var result = _decrypt.Result;
            if (!result.Plaintext.IsEmpty)
            {
                if (IsAvailable(_stage._plainOut)) Push(_stage._plainOut, result.Plaintext);
                else _plainPending = result.Plaintext;
            }
            if (result.PeerClose != TlsPeerClose.None)
            {
                _peerClosed = true;
                CompletePlainOutIfDrained();
                PullCipherIfRoom();
                Observer?.OnPeerClosed(result.PeerClose);
                return;
            }
            TryDecrypt();
        }

        private void CompletePlainOutIfDrained()
        {
            if (_plainPending.IsEmpty && !IsClosed(_stage._plainOut)) Complete(_stage._plainOut);
        }

        // ---- encrypt ------------------------------------------------------------------------------------------

        private void TryEncrypt()
        {
            if (_encryptRunning || _failed) return;
            if (!_handshakeDone)
            {
                if (_plainInEnded && !_shutdownDone) FinishOutput(); // nothing was said over TLS: just close
                return;
            }
            if (_cipherPending.IsEmpty)
            {
                if (!_plainBatch.IsEmpty)
                {
                    var batch = Take(ref _plainBatch, _settings.MaxBatchBytes);
                    _encrypt.Input = batch;
                    _encrypt.Shutdown = false;
                    Run(_encrypt, batch.Count);
                }
                else if (_plainInEnded && !_shutdownStarted)
                {
                    // RFC 8446 §6.1: close_notify before closing the write side.
                    _shutdownStarted = true;
                    _encrypt.Shutdown = true;
                    Run(_encrypt, 0);
                    return;
                }
            }
            PullPlainIfRoom(); // coalesce what the layer above produces while records are written
        }

        private void PullPlainIfRoom()
        {
            if (!_handshakeDone || IsClosed(_stage._plainIn) || HasBeenPulled(_stage._plainIn) || _failed) return;
            if (_plainBatch.Count >= _settings.MaxBatchBytes) return;
            Pull(_stage._plainIn);
        }

        private void OnEncrypted()
        {
            _encryptRunning = false;
            if (_encrypt.Error is { } error)
            {
                Fail(Describe(error));
                return;
            }
            if (_encrypt.Shutdown) _shutdownDone = true;
            FlushCiphertext();
            TryEncrypt();
        }

        private void FinishOutput()
        {
            _shutdownDone = true;
            FlushCiphertext();
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
            if (_cipherPending.IsEmpty && _shutdownDone && !IsClosed(_stage._cipherOut)) Complete(_stage._cipherOut);
        }

        // ---- steps, handshake, failure ------------------------------------------------------------------------

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
            if (step is DecryptStep) _decryptRunning = true;
            else _encryptRunning = true;
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
            dispatcher!.Schedule(step);
        }

        private void OnStepDone(Step step)
        {
            if (step is DecryptStep) OnDecrypted();
            else OnEncrypted();
        }

        private void OnHandshakeSettled()
        {
            if (_handshakeDone || _failed) return;
            if (Engine.Handshake.IsFaulted && !_decryptRunning)
            {
                Fail(Describe(Engine.Handshake.Exception!.GetBaseException()));
                return;
            }
            if (_decryptRunning) return; // the running step reports it
            FlushCiphertext();
            CheckHandshake();
            TryDecrypt();
        }

        private void CheckHandshake()
        {
            if (_handshakeDone || !Engine.Handshake.IsCompletedSuccessfully) return;
            _handshakeDone = true;
            CancelTimer(HandshakeTimer);
            var established = Engine.Describe(Stopwatch.GetElapsedTime(_started));
            _outcome.TrySetResult(established);
            Observer?.OnHandshake(established);
            TryEncrypt();
        }

        /// <summary>
        /// Bad input or a timeout: record why, send whatever alert the session produced, close. The connection's
        /// actor logs the outcome once; nothing is thrown at the layers above.
        /// </summary>
        private void Fail(string reason)
        {
            if (_failed) return;
            _failed = true;
            if (_handshakeDone)
            {
                if (_error.TrySetResult(reason)) Observer?.OnSessionError(reason);
            }
            else
            {
                var failed = new TlsFailed("handshake failed: " + reason);
                if (_outcome.TrySetResult(failed)) Observer?.OnHandshake(failed);
            }
            _shutdownDone = true;
            FlushCiphertext();
            CompleteStage();
        }

        private static string Describe(Exception error) => error switch
        {
            AuthenticationException e => e.InnerException is { } inner ? $"{e.Message} ({inner.Message})" : e.Message,
            IOException e => e.InnerException is { } inner ? $"{e.Message} ({inner.Message})" : e.Message,
            ObjectDisposedException => "session disposed",
            _ => error.GetType().Name + ": " + error.Message,
        };
    }
}

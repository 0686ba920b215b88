using Akka.Dispatch;
using Akka.IO;

namespace ActorWss.Tls;

internal sealed partial class TlsStage
{
    /// <summary>One step of one direction, reused for every batch; runs inline or on the offload dispatcher.</summary>
    private abstract class Step(Logic logic) : IRunnable, IOffloadedStep
    {
        protected Logic Logic { get; } = logic;

        public ByteString Input = ByteString.Empty;
        public Exception? Error;
        public bool Offloaded;
        /// <summary>Between <see cref="Logic"/> starting it and handling its result; at most one per direction.</summary>
        public bool InFlight;
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

        public void RunOffloaded()
        {
            Logic.Observer?.OnOffloadQueue(-1);
            RunHere();
        }

        public void Complete() => OnDone!(this);

        /// <summary>Scheduled on its own (a connection that is not on an event loop): run, then report back.</summary>
        void IRunnable.Run()
        {
            RunOffloaded();
            Complete();
        }

        void IThreadPoolWorkItem.Execute() => ((IRunnable)this).Run();
    }

    private sealed class DecryptStep(Logic logic) : Step(logic)
    {
        /// <summary>The network input ends after <see cref="Step.Input"/>.</summary>
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
        /// <summary>Send close_notify instead of encrypting.</summary>
        public bool Shutdown;

        protected override void Execute(TlsEngine engine)
        {
            Logic.Observer?.OnStep(Shutdown ? TlsStepKind.Shutdown : TlsStepKind.Encrypt, Input.Count, Offloaded);
            if (Shutdown) engine.Shutdown();
            else engine.Encrypt(Input);
        }
    }
}

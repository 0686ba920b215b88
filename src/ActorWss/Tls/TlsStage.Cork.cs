using ActorWss.Transport.EventLoops;
using Akka.IO;

namespace ActorWss.Tls;

internal sealed partial class TlsStage
{
    /// <summary>
    /// Replies to pipelined messages leave as one record. When one read brings many messages, the layer above handles
    /// them one by one in the same run of the stream, and each reply would be a record of its own (an OpenSSL call,
    /// 22 bytes of overhead, on the offload pool a hop). So while the layer above is still working through the
    /// plaintext this stage gave it in this run, what it sends is held, and encrypted as one batch when it asks for more
    /// input (it is done with the read) or when the run returns, whichever comes first. Only on the event loops, where
    /// the end of a run is known (<see cref="EventLoop.FlushAfterWork"/>); a lone message is never held past its run.
    /// Replies produced in a later run than their input (an actor's, or those to messages that came before the handler
    /// had started) are not held: holding them would cost a hop into the next run each.
    /// </summary>
    private sealed partial class Logic : IFlushAfterWork
    {
        private EventLoop? _loop;
        private Action? _onRunEnded;
        private bool _layerAboveBusy; // plaintext was pushed up in this run and the layer above has not asked for more
        private bool _corked;         // plaintext held while it is

        private void PrepareCork()
        {
            _loop = _stage.Corks ? EventLoop.Current : null;
            if (_loop is not null) _onRunEnded = GetAsyncCallback(Uncork);
        }

        private void DeliverPlaintext(ByteString plaintext)
        {
            Push(_stage._plainOut, plaintext);
            if (_loop is null || _layerAboveBusy) return;
            _layerAboveBusy = true;
            _loop.FlushAfterWork(this);
        }

        /// <summary>The layer above asks for more: it has handled what it was given, and its replies go out now.</summary>
        private void OnLayerAboveDone()
        {
            _layerAboveBusy = false;
            Uncork();
        }

        /// <summary>Holds the plaintext just received if the layer above is still handling this run's input.</summary>
        private bool Cork()
        {
            if (!_layerAboveBusy || _outbound != Outbound.Open || _plainBatch.Count >= _settings.MaxBatchBytes) return false;
            _corked = true;
            PullPlainIfRoom();
            return true;
        }

        private void Uncork()
        {
            if (!_corked) return;
            _corked = false;
            TryEncrypt();
        }

        /// <summary>The run returned (on the loop's thread, outside the interpreter): anything still held is encrypted in the next.</summary>
        void IFlushAfterWork.Flush()
        {
            _layerAboveBusy = false;
            if (_corked) _onRunEnded!();
        }
    }
}

using ActorWss.Tls;
using Akka.Actor;

namespace ActorWss.Server;

internal sealed partial class ConnectionActor
{
    /// <summary>
    /// Tells the connection actor how its connection goes, from the tasks its stream completes: the handshake's
    /// outcome once it is known (only if it succeeded), the WebSocket's close once it is known (likewise), and
    /// <see cref="Ended"/> once every task is done. One object and one delegate, registered on every task, instead of
    /// a continuation task per message and a <c>Task.WhenAll</c> (about 0.7 KiB per open connection). Tasks complete
    /// on different threads; the lock keeps the messages in that order.
    /// </summary>
    private sealed class OutcomeWatch
    {
        private readonly IActorRef _actor;
        private readonly ConnectionHandles _handles;
        private readonly Task[] _tasks; // the order decides which failure Ended reports (both socket directions report the same one)
        private int _pending;
        private bool _handshakeTold, _closedTold;

        private OutcomeWatch(IActorRef actor, ConnectionHandles handles, Task[] tasks)
        {
            _actor = actor;
            _handles = handles;
            _tasks = tasks;
        }

        public static void Start(IActorRef actor, ConnectionHandles handles, Task writesDone, Task readsDone)
        {
            Task tlsHandshake = handles.Tls?.Handshake ?? Task.CompletedTask, tlsEnd = handles.Tls?.Error ?? Task.CompletedTask;
            var watch = new OutcomeWatch(actor, handles, [writesDone, readsDone, handles.WebSocket.Closed, handles.Handshake, tlsHandshake, tlsEnd]);
            // Tasks done already (no TLS: its two) are not waited for; one that completes after this check still calls back once.
            var waited = watch._tasks.Where(t => !t.IsCompleted).ToArray();
            watch._pending = waited.Length;
            Action completed = watch.OnCompleted;
            foreach (var task in waited) task.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(completed);
            if (waited.Length == 0)
            {
                watch._pending = 1;
                watch.OnCompleted();
            }
        }

        /// <summary>One of the tasks completed (which one does not matter: each call counts one).</summary>
        private void OnCompleted()
        {
            lock (_tasks) // private to this watch, never handed out
            {
                if (!_handshakeTold && _handles.Handshake.IsCompletedSuccessfully)
                {
                    _handshakeTold = true;
                    _actor.Tell(new HandshakeSettled(_handles.Handshake.Result));
                }
                if (!_closedTold && _handles.WebSocket.Closed.IsCompletedSuccessfully)
                {
                    _closedTold = true;
                    _actor.Tell(new WebSocketClosed(_handles.WebSocket.Closed.Result));
                }
                if (--_pending > 0) return;
                var failure = _tasks.FirstOrDefault(t => t.IsFaulted)?.Exception?.Flatten().InnerExceptions[0];
                _actor.Tell(new Ended(_handles.Handshake.Result, _handles.WebSocket.Closed.Result, _handles.Tls?.Handshake.Result,
                    _handles.Tls?.Error.Result, failure));
            }
        }
    }
}

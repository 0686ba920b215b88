using ActorWss.Streams;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.Stage;
using Akka.Streams.TestKit;
using Xunit.Abstractions;

namespace ActorWss.Tests.Streams;

/// <summary>
/// The timers of <see cref="ConnectionStageLogic"/>, through a stage that takes commands ("once:key:ms",
/// "repeat:key:ms", "cancel:key", "active:key") and emits what happened ("fired:key", "active:key:True").
/// </summary>
public sealed class ConnectionStageLogicTests(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit("akka.loglevel = INFO", output)
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(500);

    private (TestPublisher.Probe<string> Commands, TestSubscriber.Probe<string> Events, TimerStage Stage) Run()
    {
        var stage = new TimerStage();
        var (commands, events) = this.SourceProbe<string>().Via(stage).ToMaterialized(this.SinkProbe<string>(), Keep.Both)
            .Run(Sys.Materializer());
        events.Request(100);
        return (commands, events, stage);
    }

    [Fact]
    public void A_timer_fires_once_and_is_then_inactive()
    {
        var (commands, events, _) = Run();

        commands.SendNext("once:a:100");
        commands.SendNext("active:a");
        events.ExpectNext("active:a:True");
        events.ExpectNext("fired:a");
        events.ExpectNoMsg(Quiet);
        commands.SendNext("active:a");
        events.ExpectNext("active:a:False");
    }

    [Fact]
    public void Scheduling_a_key_again_replaces_its_timer()
    {
        var (commands, events, _) = Run();

        commands.SendNext("once:a:300");
        commands.SendNext("once:a:50");

        events.ExpectNext("fired:a");
        events.ExpectNoMsg(TimeSpan.FromMilliseconds(800)); // the first schedule does not fire as well
    }

    [Fact]
    public void A_cancelled_timer_does_not_fire()
    {
        var (commands, events, _) = Run();

        commands.SendNext("once:a:100");
        commands.SendNext("once:b:150");
        commands.SendNext("cancel:a");
        commands.SendNext("active:a");

        events.ExpectNext("active:a:False");
        events.ExpectNext("fired:b");
        events.ExpectNoMsg(Quiet);
    }

    [Fact]
    public void Timer_state_is_kept_only_while_a_timer_runs_and_made_again_for_the_next()
    {
        var (commands, events, _) = Run();

        commands.SendNext("state:-");
        events.ExpectNext("state:False");
        commands.SendNext("once:a:5000");
        commands.SendNext("state:-");
        events.ExpectNext("state:True");
        commands.SendNext("cancel:a");
        commands.SendNext("state:-");
        events.ExpectNext("state:False");

        commands.SendNext("once:b:50");
        events.ExpectNext("fired:b");
        commands.SendNext("state:-");
        events.ExpectNext("state:False");
        commands.SendNext("once:c:50");
        events.ExpectNext("fired:c");
        events.ExpectNoMsg(Quiet);
    }

    [Fact]
    public void A_timer_cancelled_before_the_state_was_dropped_does_not_fire_into_the_next_one()
    {
        var (commands, events, _) = Run();

        commands.SendNext("once:a:100");
        commands.SendNext("cancel:a"); // state dropped; a firing already on its way would carry an old id
        commands.SendNext("once:a:400");
        events.ExpectNoMsg(TimeSpan.FromMilliseconds(250));
        events.ExpectNext(TimeSpan.FromSeconds(3), "fired:a");
        events.ExpectNoMsg(Quiet);
    }

    [Fact]
    public void More_keys_than_the_first_array_holds_all_fire()
    {
        var (commands, events, _) = Run();

        foreach (var key in new[] { "a", "b", "c", "d", "e" }) commands.SendNext($"once:{key}:{50 + key[0] % 5 * 20}");

        var fired = Enumerable.Range(0, 5).Select(_ => events.ExpectNext()).Order().ToArray();
        Assert.Equal(["fired:a", "fired:b", "fired:c", "fired:d", "fired:e"], fired);
    }

    [Fact]
    public void A_repeating_timer_fires_until_the_stage_stops_and_never_after()
    {
        var (commands, events, stage) = Run();

        commands.SendNext("repeat:r:50");
        events.ExpectNext("fired:r");
        events.ExpectNext("fired:r");
        events.ExpectNext("fired:r");

        commands.SendComplete();
        // Every 50 ms: a firing may still come between the last one expected above and the completion; only firings
        // of this timer may, and then the completion.
        TestSubscriber.ISubscriberEvent end;
        while ((end = events.ExpectEvent(TimeSpan.FromSeconds(3))) is TestSubscriber.OnNext<string> next)
            Assert.Equal("fired:r", next.Element);
        Assert.IsType<TestSubscriber.OnComplete>(end);
        Assert.True(stage.Stopped.Wait(TimeSpan.FromSeconds(5)));
        var firedAtStop = stage.Fired;
        Thread.Sleep(Quiet);
        Assert.Equal(firedAtStop, stage.Fired);
    }

    private sealed class TimerStage : GraphStage<FlowShape<string, string>>
    {
        private readonly Inlet<string> _in = new("commands");
        private readonly Outlet<string> _out = new("events");
        private int _fired;

        public override FlowShape<string, string> Shape => new(_in, _out);

        public int Fired => Volatile.Read(ref _fired);

        public ManualResetEventSlim Stopped { get; } = new();

        protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) => new Logic(this);

        private sealed class Logic : ConnectionStageLogic, IInHandler, IOutHandler
        {
            private readonly TimerStage _stage;
            private readonly Queue<string> _events = new();

            public Logic(TimerStage stage) : base(1, 1, LogSourceOf("timer-test", typeof(TimerStage)))
            {
                _stage = stage;
                SetHandler(stage._in, (IInHandler)this);
                SetHandler(stage._out, (IOutHandler)this);
            }

            public override void PreStart() => Pull(_stage._in);

            public void OnPush()
            {
                var command = Grab(_stage._in).Split(':');
                var key = command[1];
                switch (command[0])
                {
                    case "once": ScheduleOnce(key, TimeSpan.FromMilliseconds(int.Parse(command[2]))); break;
                    case "repeat": ScheduleRepeatedly(key, TimeSpan.FromMilliseconds(int.Parse(command[2]))); break;
                    case "cancel": CancelTimer(key); break;
                    case "active": Emit($"active:{key}:{IsTimerActive(key)}"); break;
                    case "state": Emit($"state:{HoldsTimerState}"); break;
                }
                Pull(_stage._in);
            }

            public void OnUpstreamFinish() => CompleteStage();

            public void OnUpstreamFailure(Exception e) => FailStage(e);

            public void OnPull()
            {
                if (_events.TryDequeue(out var next)) Push(_stage._out, next);
            }

            public void OnDownstreamFinish(Exception cause) => CompleteStage();

            protected override void OnTimer(object timerKey)
            {
                Interlocked.Increment(ref _stage._fired);
                Emit("fired:" + timerKey);
            }

            protected override void OnStop() => _stage.Stopped.Set();

            private void Emit(string item)
            {
                if (IsAvailable(_stage._out)) Push(_stage._out, item);
                else _events.Enqueue(item);
            }
        }
    }
}

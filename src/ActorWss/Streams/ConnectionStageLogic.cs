using Akka.Actor;
using Akka.Streams.Stage;

namespace ActorWss.Streams;

/// <summary>
/// The base of a connection's stage logics: timers by key, as Akka's <c>TimerGraphStageLogic</c> offers them, at a
/// fraction of what each idle connection keeps. Akka's builds a log-source string from the shape's port names and a
/// timer dictionary with an id counter for every logic it constructs (about 300 B per stage, four or five stages per
/// connection); here the log source is made once per stage type and the timers live in a small array made on the
/// first schedule and dropped when none is left. Timers are cancelled when the stage stops: subclasses override
/// <see cref="OnStop"/>, not PostStop.
/// </summary>
internal abstract class ConnectionStageLogic : GraphStageLogic
{
    private readonly object _logSource;
    private Timer[]? _timers;
    private int _timerIds;
    private Action<Fired>? _onFired;

    /// <param name="logSource">What log lines of this stage name as their source: one instance per stage type
    /// (see <see cref="LogSourceOf"/>).</param>
    protected ConnectionStageLogic(int inCount, int outCount, object logSource) : base(inCount, outCount) => _logSource = logSource;

    /// <summary>A stage type's log source, to keep in a static field.</summary>
    public static object LogSourceOf(string name, Type stage) => Akka.Event.LogSource.Create(name, stage);

    protected override object LogSource => _logSource;

    /// <summary>A timer of this stage fired (and was not cancelled or replaced meanwhile).</summary>
    protected abstract void OnTimer(object timerKey);

    /// <summary>Called once when the stage stops, after its timers are cancelled.</summary>
    protected virtual void OnStop()
    {
    }

    public sealed override void PostStop()
    {
        if (_timers is { } timers)
            foreach (var timer in timers)
                timer.Task?.Cancel();
        _timers = null;
        OnStop();
    }

    /// <summary>Fires <see cref="OnTimer"/> once after <paramref name="delay"/>, replacing a timer of the same key.</summary>
    protected void ScheduleOnce(object timerKey, TimeSpan delay) => Schedule(timerKey, delay, repeat: null);

    /// <summary>Fires <see cref="OnTimer"/> every <paramref name="interval"/>, replacing a timer of the same key.</summary>
    protected void ScheduleRepeatedly(object timerKey, TimeSpan interval) => Schedule(timerKey, interval, interval);

    protected void CancelTimer(object timerKey)
    {
        Cancel(timerKey);
        ReleaseIfIdle();
    }

    protected bool IsTimerActive(object timerKey) => Find(timerKey) >= 0;

    /// <summary>The stage keeps timer state (an array, a callback): only while a timer runs. Tests read it.</summary>
    internal bool HoldsTimerState => _timers is not null || _onFired is not null;

    private void Cancel(object timerKey)
    {
        int slot = Find(timerKey);
        if (slot < 0) return;
        _timers![slot].Task?.Cancel();
        _timers[slot] = default;
    }

    /// <summary>
    /// With no timer running, the array and the callback go: most stages of an open connection are done with their
    /// timers once the handshake is (about 0.3 KiB per stage). The next schedule makes them again; a stale firing
    /// still reaches <see cref="OnFired"/> through the old callback and is ignored there (its id is gone).
    /// </summary>
    private void ReleaseIfIdle()
    {
        if (_timers is not { } timers) return;
        foreach (var timer in timers)
            if (timer.Key is not null) return;
        _timers = null;
        _onFired = null;
    }

    private void Schedule(object timerKey, TimeSpan delay, TimeSpan? repeat)
    {
        Cancel(timerKey);
        var onFired = _onFired ??= GetAsyncCallback<Fired>(OnFired);
        var fired = new Fired(timerKey, ++_timerIds, repeat is not null);
        var task = repeat is { } interval
            ? Materializer.ScheduleRepeatedly(delay, interval, () => onFired(fired))
            : Materializer.ScheduleOnce(delay, () => onFired(fired));
        int slot = FreeSlot(); // before reading _timers: it may make the array
        _timers![slot] = new Timer(timerKey, fired.Id, task);
    }

    private void OnFired(Fired fired)
    {
        int slot = Find(fired.Key);
        if (slot < 0 || _timers![slot].Id != fired.Id) return; // cancelled or replaced after it was due
        if (!fired.Repeating) _timers[slot] = default;
        OnTimer(fired.Key);
        ReleaseIfIdle();
    }

    private int Find(object timerKey)
    {
        if (_timers is not { } timers) return -1;
        for (int i = 0; i < timers.Length; i++)
            if (timers[i].Key is { } key && key.Equals(timerKey)) return i;
        return -1;
    }

    private int FreeSlot()
    {
        _timers ??= new Timer[2];
        for (int i = 0; i < _timers.Length; i++)
            if (_timers[i].Key is null) return i;
        int free = _timers.Length;
        Array.Resize(ref _timers, free * 2);
        return free;
    }

    private readonly record struct Timer(object? Key, int Id, ICancelable? Task);

    private sealed record Fired(object Key, int Id, bool Repeating);
}

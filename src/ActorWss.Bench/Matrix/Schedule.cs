using ActorWss.Bench.Model;

namespace ActorWss.Bench.Matrix;

/// <summary>One thing to measure on a freshly started server.</summary>
public abstract record Work;

public sealed record EchoWork(CellSpec Cell) : Work;

public sealed record IdleWork(int Connections) : Work;

public sealed record FanoutWork(int Subscribers, int Window, int MessageSize) : Work;

/// <summary>One step of a run: in repeat <see cref="Repeat"/>, measure <see cref="Work"/> on mode <see cref="Mode"/>.</summary>
public sealed record ScheduledStep(int Repeat, string Mode, Work Work);

/// <summary>
/// The order of a run: every repeat measures everything once; within a repeat the modes run in an order shuffled
/// from the seed (so that drift over the run is spread over the modes instead of landing on whichever runs last),
/// each mode's work in the suite's order.
/// </summary>
public sealed record Schedule(IReadOnlyList<ScheduledStep> Steps, IReadOnlyList<RepeatOrder> Orders)
{
    /// <param name="seed">The run's seed; each suite shuffles from its own stream of it, so suites do not share orders.</param>
    public static Schedule For(Suite suite, int repeats, int seed)
    {
        var random = new Random(unchecked(seed * 31 + suite.Name.Sum(c => c)));
        var steps = new List<ScheduledStep>();
        var orders = new List<RepeatOrder>();
        for (int repeat = 1; repeat <= repeats; repeat++)
        {
            var order = suite.Modes.ToArray();
            random.Shuffle(order);
            orders.Add(new RepeatOrder(repeat, order));
            foreach (var mode in order)
                foreach (var work in WorkOf(suite, mode))
                    steps.Add(new ScheduledStep(repeat, mode, work));
        }
        return new Schedule(steps, orders);
    }

    private static IEnumerable<Work> WorkOf(Suite suite, string mode)
    {
        foreach (var cell in suite.CellsOf(mode)) yield return new EchoWork(cell);
        if (suite.Idle is { } idle && idle.Modes.Contains(mode)) yield return new IdleWork(idle.Connections);
        if (suite.Fanout is { } fanout && fanout.Modes.Contains(mode))
            foreach (var subscribers in fanout.Subscribers) yield return new FanoutWork(subscribers, fanout.Window, fanout.MessageSize);
    }
}

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
/// The order of a run: every repeat measures everything once, one piece of work (a cell) at a time, and each cell on
/// every mode that has it, back to back, so that a busier or quieter stretch of a shared machine falls on all the
/// modes of a cell alike rather than on whichever mode ran through it (with a mode's cells run together, a noisy
/// minute once made two identical servers differ by half at one load). The modes of a repeat run in an order shuffled
/// from the seed, rotated by one from each cell to the next, so that no mode always runs first or last.
/// </summary>
public sealed record Schedule(IReadOnlyList<ScheduledStep> Steps, IReadOnlyList<RepeatOrder> Orders)
{
    /// <summary>How runs recorded since this order say so (<see cref="RunSettings.Order"/>).</summary>
    public const string ByCell = "by-cell";

    /// <param name="seed">The run's seed; each suite shuffles from its own stream of it, so suites do not share orders.</param>
    public static Schedule For(Suite suite, int repeats, int seed)
    {
        var random = new Random(unchecked(seed * 31 + suite.Name.Sum(c => c)));
        var workOf = suite.Modes.ToDictionary(mode => mode, mode => WorkOf(suite, mode).ToHashSet(), StringComparer.Ordinal);
        var works = suite.Modes.SelectMany(mode => WorkOf(suite, mode)).Distinct().ToArray();
        var steps = new List<ScheduledStep>();
        var orders = new List<RepeatOrder>();
        for (int repeat = 1; repeat <= repeats; repeat++)
        {
            var order = suite.Modes.ToArray();
            random.Shuffle(order);
            orders.Add(new RepeatOrder(repeat, order));
            for (int w = 0; w < works.Length; w++)
                for (int m = 0; m < order.Length; m++)
                {
                    var mode = order[(w + m) % order.Length];
                    if (workOf[mode].Contains(works[w])) steps.Add(new ScheduledStep(repeat, mode, works[w]));
                }
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

using ActorWss.Bench.Matrix;
using ActorWss.Bench.Model;

namespace ActorWss.Tests.Bench;

public class ScheduleTests
{
    private static readonly Suite Reference = SuiteCatalog.Build("reference", new SuiteOptions(2));

    [Fact]
    public void Every_repeat_measures_every_cell_of_every_mode_once()
    {
        var schedule = Schedule.For(Reference, repeats: 3, seed: 7);
        // 6 modes, 7 distinct cells (100 connections at 64 B is in both sweeps and measured once).
        Assert.Equal(3 * 6 * 7, schedule.Steps.Count);
        foreach (var repeat in schedule.Steps.GroupBy(s => s.Repeat))
            Assert.Equal(6 * 7, repeat.Select(s => (s.Mode, s.Work)).Distinct().Count());
    }

    [Fact]
    public void The_same_seed_gives_the_same_orders_and_the_orders_are_recorded()
    {
        var a = Schedule.For(Reference, 3, seed: 7);
        var b = Schedule.For(Reference, 3, seed: 7);
        Assert.Equal(a.Orders.Select(o => string.Join(",", o.Modes)), b.Orders.Select(o => string.Join(",", o.Modes)));
        foreach (var order in a.Orders)
        {
            var ran = a.Steps.Where(s => s.Repeat == order.Repeat).Select(s => s.Mode).Distinct().ToArray();
            Assert.Equal(order.Modes, ran);
        }
    }

    [Fact]
    public void Each_cell_runs_on_all_its_modes_back_to_back_in_the_repeats_order_rotated_per_cell()
    {
        var schedule = Schedule.For(Reference, repeats: 2, seed: 3);
        foreach (var order in schedule.Orders)
        {
            var steps = schedule.Steps.Where(s => s.Repeat == order.Repeat).ToArray();
            var cells = steps.Chunk(order.Modes.Count).ToArray();
            Assert.Equal(7, cells.Length);
            for (int i = 0; i < cells.Length; i++)
            {
                Assert.Single(cells[i].Select(s => s.Work).Distinct());
                Assert.Equal(order.Modes.Skip(i % order.Modes.Count).Concat(order.Modes.Take(i % order.Modes.Count)), cells[i].Select(s => s.Mode));
            }
        }
    }

    [Fact]
    public void A_cell_only_some_modes_have_runs_on_those_modes_only()
    {
        var suite = new Suite("t", "t", "t",
        [
            new TableSpec("a", "a", "connections", ["x", "y"], [new CellSpec(10, 64, 1, 2)], []),
            new TableSpec("b", "b", "connections", ["y"], [new CellSpec(20, 64, 1, 2)], []),
        ]);
        var steps = Schedule.For(suite, 1, 1).Steps;
        Assert.Equal(3, steps.Count);
        Assert.Equal(["y"], steps.Where(s => s.Work == new EchoWork(new CellSpec(20, 64, 1, 2))).Select(s => s.Mode));
    }

    [Fact]
    public void The_order_is_shuffled_per_repeat()
    {
        // Over a few seeds, repeats do not all run the modes in the suite's own order.
        var orders = Enumerable.Range(1, 5).SelectMany(seed => Schedule.For(Reference, 3, seed).Orders).Select(o => string.Join(",", o.Modes)).ToHashSet();
        Assert.True(orders.Count > 3, "the mode order hardly changes between repeats");
        Assert.All(Schedule.For(Reference, 3, 1).Orders, o => Assert.Equal(Reference.Modes.Order(), o.Modes.Order()));
    }

    [Fact]
    public void Idle_and_fan_out_work_is_scheduled_for_their_modes()
    {
        var memory = Schedule.For(SuiteCatalog.Build("memory", new SuiteOptions(2, IdleConnections: 300)), 2, 1);
        Assert.All(memory.Steps, s => Assert.Equal(new IdleWork(300), s.Work));
        Assert.Equal(2 * 7, memory.Steps.Count);

        var fanout = Schedule.For(SuiteCatalog.Build("fanout", new SuiteOptions(2, Subscribers: [10, 50])), 1, 1);
        Assert.Equal([new FanoutWork(10, 8, 64), new FanoutWork(50, 8, 64)], fanout.Steps.Where(s => s.Mode == "ws-chat").Select(s => s.Work));
    }
}

public class SuiteCatalogTests
{
    [Theory]
    [InlineData("reference")]
    [InlineData("regimes")]
    [InlineData("peers")]
    [InlineData("memory")]
    [InlineData("fanout")]
    public void Every_suite_builds_from_known_modes(string name)
    {
        var suite = SuiteCatalog.Build(name, new SuiteOptions(2));
        var known = BenchMode.Catalog(2).Select(m => m.Name).ToHashSet();
        Assert.NotEmpty(suite.Modes);
        Assert.All(suite.Modes, m => Assert.Contains(m, known));
    }

    [Fact]
    public void Echo_suites_carry_the_aa_twin_for_their_noise_column()
    {
        foreach (var name in new[] { "reference", "regimes", "peers" })
            Assert.Contains("wss-inline-aa", SuiteCatalog.Build(name, new SuiteOptions(2)).Modes);
        Assert.Equal("wss-inline", BenchMode.Catalog(2).Single(m => m.Name == "wss-inline-aa").TwinOf);
    }

    [Fact]
    public void The_regimes_cover_pipelining_large_messages_pool_sizes_and_cores()
    {
        var regimes = SuiteCatalog.Build("regimes", new SuiteOptions(2));
        var cells = regimes.Tables.SelectMany(t => t.Cells).ToArray();
        Assert.Equal([1, 8, 32], cells.Where(c => c.MessageSize == 64).Select(c => c.InFlight).Distinct().Order());
        Assert.Superset(new[] { 16384, 65536, 262144, 1048576 }.ToHashSet(), cells.Select(c => c.MessageSize).ToHashSet());
        Assert.Equal([1, 2], cells.Select(c => c.ServerCpus).Distinct().Order());
        Assert.Contains("wss-offload-pool1", regimes.Modes);
        Assert.Contains("wss-offload-pool2", regimes.Modes); // the default before it became half the cores
        Assert.DoesNotContain("wss-offload-pool4", regimes.Modes);
        Assert.Contains("wss-offload-pool8", SuiteCatalog.Build("regimes", new SuiteOptions(8)).Modes);
    }

    [Fact]
    public void Server_cpus_from_the_command_line_apply_to_every_cell()
    {
        var reference = SuiteCatalog.Build("reference", new SuiteOptions(16, ServerCpus: [1, 4]));
        Assert.All(reference.Tables, t => Assert.Equal([1, 4], t.Cells.Select(c => c.ServerCpus).Distinct().Order()));
        Assert.Equal(2 * 4, reference.Tables[0].Cells.Count);
    }

    [Fact]
    public void Modes_from_the_command_line_replace_the_suites_and_extra_modes_join_them()
    {
        Assert.Equal(["ws", "go-ws"], SuiteCatalog.Build("peers", new SuiteOptions(2, Modes: ["ws", "go-ws"])).Modes);
        Assert.Contains("mine", SuiteCatalog.Build("reference", new SuiteOptions(2, ExtraModes: ["mine"])).Modes);
    }

    [Fact]
    public void An_unknown_suite_is_refused_with_the_known_ones() =>
        Assert.Contains("reference", Assert.Throws<ArgumentException>(() => SuiteCatalog.Build("everything", new SuiteOptions(2))).Message);
}

public class CpuPlacementTests
{
    [Fact]
    public void All_cpus_means_server_and_load_generator_share_them_unpinned() =>
        Assert.Equal(new CpuPlacement(null, null), CpuPlacement.For(2, 2));

    [Fact]
    public void Fewer_cpus_put_the_server_first_and_the_load_generator_on_the_rest()
    {
        Assert.Equal(new CpuPlacement("0", "1"), CpuPlacement.For(1, 2));
        Assert.Equal(new CpuPlacement("0-3", "4-15"), CpuPlacement.For(4, 16));
    }
}

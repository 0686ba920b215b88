using ActorWss.Tls;
using Akka.Dispatch;
using Xunit;

namespace ActorWss.Tests.Tls;

/// <summary>
/// The offload dispatcher's executor with real threads: work handed over from many threads, in bursts that let the
/// workers fall asleep in between, all runs, on the pool's own threads; a sleeper is woken only for a backlog; after
/// shutdown, work still runs (elsewhere).
/// </summary>
public sealed class OffloadPoolTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Every_item_runs_once_on_a_pool_thread_when_producers_race_sleeping_workers()
    {
        var pool = new OffloadPool("test-offload-pool", 2);
        try
        {
            const int producers = 4, bursts = 200, perBurst = 5;
            int total = producers * bursts * perBurst;
            var ran = new int[total];
            var threads = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>();
            var allRan = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            int remaining = total;

            var producing = Enumerable.Range(0, producers).Select(p => Task.Run(async () =>
            {
                for (int b = 0; b < bursts; b++)
                {
                    for (int i = 0; i < perBurst; i++)
                    {
                        int index = (p * bursts + b) * perBurst + i;
                        pool.Execute(new Work(() =>
                        {
                            Interlocked.Increment(ref ran[index]);
                            threads[Thread.CurrentThread.Name ?? "?"] = true;
                            if (Interlocked.Decrement(ref remaining) == 0) allRan.SetResult();
                        }));
                    }
                    if (b % 10 == 0) await Task.Delay(1); // the workers run dry and block between some bursts
                }
            })).ToArray();
            await Task.WhenAll(producing);
            await allRan.Task.WaitAsync(Timeout);

            Assert.All(ran, n => Assert.Equal(1, n));
            Assert.All(threads.Keys, name => Assert.StartsWith("test-offload-pool-", name));
        }
        finally
        {
            pool.Shutdown();
        }
    }

    [Fact]
    public async Task Work_waits_behind_a_running_item_and_a_backlog_wakes_another_worker()
    {
        var pool = new OffloadPool("test-offload-pool", 2);
        var release = new ManualResetEventSlim();
        try
        {
            await WhenAsync(() => pool.Sleepers == 2); // both workers blocked: nothing to do yet

            var firstRunning = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
            pool.Execute(new Work(() =>
            {
                firstRunning.SetResult(Thread.CurrentThread.Name);
                release.Wait(Timeout);
            }));
            var firstThread = await firstRunning.Task.WaitAsync(Timeout);

            // One worker is awake (busy) and one item waits for it: no wake-up, so nothing else runs it.
            var second = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
            pool.Execute(new Work(() => second.SetResult(Thread.CurrentThread.Name)));
            await Task.Delay(300);
            Assert.False(second.Task.IsCompleted, "a sleeping worker was woken for work the busy one could take next");
            Assert.Equal(1, pool.Sleepers);

            // Two items wait for one awake worker: the other is woken and takes them while the first is still busy.
            var third = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
            pool.Execute(new Work(() => third.SetResult(Thread.CurrentThread.Name)));
            var secondThread = await second.Task.WaitAsync(Timeout);
            var thirdThread = await third.Task.WaitAsync(Timeout);
            Assert.False(release.IsSet);
            Assert.NotEqual(firstThread, secondThread);
            Assert.NotEqual(firstThread, thirdThread);
        }
        finally
        {
            release.Set();
            pool.Shutdown();
        }
    }

    private static async Task WhenAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the condition did not hold in time");
            await Task.Delay(10);
        }
    }

    [Fact]
    public async Task Work_handed_over_after_shutdown_still_runs()
    {
        var pool = new OffloadPool("test-offload-pool", 1);
        pool.Shutdown();
        var ran = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        pool.Execute(new Work(ran.SetResult));
        await ran.Task.WaitAsync(Timeout);
    }

    [Theory]
    [InlineData(0, 0.5, 1, 1)]
    [InlineData(0, 0.5, 2, 1)]
    [InlineData(0, 0.5, 3, 2)]
    [InlineData(0, 0.5, 8, 4)]
    [InlineData(0, 1.0, 8, 8)]
    [InlineData(0, 0.1, 4, 1)]
    [InlineData(3, 0.5, 8, 3)]
    public void The_pool_size_is_the_configured_count_or_the_processors_times_the_factor_rounded_up(
        int configured, double factor, int processors, int expected) =>
        Assert.Equal(expected, OffloadPoolConfigurator.ThreadCount(configured, factor, processors));

    [Theory]
    [InlineData(-1, 0.5)]
    [InlineData(0, 0.0)]
    [InlineData(0, -2.0)]
    [InlineData(0, double.NaN)]
    public void A_negative_count_or_a_factor_that_is_not_positive_is_refused(int configured, double factor)
    {
        var e = Assert.Throws<Akka.Configuration.ConfigurationException>(() => OffloadPoolConfigurator.ThreadCount(configured, factor, 2));
        Assert.Contains("parallelism-factor", e.Message);
    }

    [Fact]
    public void The_reference_configuration_gives_half_the_processors_rounded_up()
    {
        var dispatcher = ActorWss.Configuration.SettingsParser.Reference.GetConfig("actorwss.tls.offload-dispatcher");
        var pool = (OffloadPool)new OffloadPoolConfigurator(dispatcher, null!).Produce("test-offload-pool");
        try
        {
            Assert.Equal((Environment.ProcessorCount + 1) / 2, pool.Threads);
        }
        finally
        {
            pool.Shutdown();
        }
    }

    private sealed class Work(Action action) : IRunnable
    {
        public void Run() => action();

        void IThreadPoolWorkItem.Execute() => Run();
    }
}

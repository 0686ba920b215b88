using ActorWss.Tls;
using Akka.Dispatch;
using Xunit;

namespace ActorWss.Tests.Tls;

/// <summary>
/// The offload dispatcher's executor with real threads: work handed over from many threads, in bursts that let the
/// workers fall asleep in between, all runs, on the pool's own threads; after shutdown, work still runs (elsewhere).
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
    public async Task Work_handed_over_after_shutdown_still_runs()
    {
        var pool = new OffloadPool("test-offload-pool", 1);
        pool.Shutdown();
        var ran = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        pool.Execute(new Work(ran.SetResult));
        await ran.Task.WaitAsync(Timeout);
    }

    private sealed class Work(Action action) : IRunnable
    {
        public void Run() => action();

        void IThreadPoolWorkItem.Execute() => Run();
    }
}

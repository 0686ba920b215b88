using System.Collections.Concurrent;
using ActorWss.Configuration;
using ActorWss.Tls;
using ActorWss.Transport.EventLoops;
using Akka.Dispatch;
using Xunit;
using Xunit.Abstractions;

namespace ActorWss.Tests.Tls;

/// <summary>
/// The offload batcher on a real event loop and a real dispatcher pool: the steps one pass of the loop gathers cross
/// to the pool together, run there in order, and come back together to the loop's thread; none is lost when batches
/// are reused or when one completion throws.
/// </summary>
public sealed class OffloadBatcherTests(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(Config, null, output)
{
    private static readonly Akka.Configuration.Config Config = Akka.Configuration.ConfigurationFactory.ParseString("""
        test-offload-pool {
          type = ForkJoinDispatcher
          throughput = 64
          dedicated-thread-pool { thread-count = 2, threadtype = background }
        }
        """).WithFallback(SettingsParser.Reference);

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    // One loop for the class: loops are threads that live as long as the process, like the event loop group's.
    private static readonly EventLoop Loop = new("test-offload-loop");

    [Fact]
    public async Task Steps_of_one_pass_run_together_on_one_pool_thread_then_complete_in_order_on_the_loop()
    {
        var batcher = new OffloadBatcher(Loop, Pool);
        var journal = new Journal();
        var steps = Enumerable.Range(0, 5).Select(i => new RecordingStep(i, journal)).ToArray();
        int loopThread = await OnLoop(() =>
        {
            foreach (var step in steps) batcher.Add(step);
            return Environment.CurrentManagedThreadId;
        });

        await journal.WaitForCompletions(5);

        var entries = journal.Entries;
        Assert.Equal(10, entries.Length);
        // All five ran before any completed (one batch), in the order added, on one pool thread that is not the loop's.
        Assert.Equal(Enumerable.Range(0, 5).Select(i => ("run", i)), entries.Take(5).Select(e => (e.What, e.Step)));
        Assert.Single(entries.Take(5).Select(e => e.Thread).Distinct());
        Assert.NotEqual(loopThread, entries[0].Thread);
        // Then five completions, in the same order, on the loop's thread.
        Assert.Equal(Enumerable.Range(0, 5).Select(i => ("complete", i)), entries.Skip(5).Select(e => (e.What, e.Step)));
        Assert.All(entries.Skip(5), e => Assert.Equal(loopThread, e.Thread));
    }

    [Fact]
    public async Task Steps_added_in_later_passes_and_from_completions_all_complete_through_reused_batches()
    {
        // Each completion adds the next step (as a stream does when a decrypted message's reply is encrypted): every
        // step lands in a new pass, and batches come back to the free list in between.
        var batcher = new OffloadBatcher(Loop, Pool);
        var journal = new Journal();
        const int chain = 200;
        RecordingStep Next(int i) => new(i, journal, onComplete: i + 1 < chain ? () => batcher.Add(Next(i + 1)) : null);
        await OnLoop(() =>
        {
            batcher.Add(Next(0));
            return 0;
        });

        await journal.WaitForCompletions(chain);
        Assert.Equal(Enumerable.Range(0, chain), journal.Entries.Where(e => e.What == "complete").Select(e => e.Step));
    }

    [Fact]
    public async Task A_completion_that_throws_does_not_keep_the_rest_of_its_batch_from_completing()
    {
        var batcher = new OffloadBatcher(Loop, Pool);
        var journal = new Journal();
        await OnLoop(() =>
        {
            batcher.Add(new RecordingStep(0, journal));
            batcher.Add(new RecordingStep(1, journal, onComplete: () => throw new InvalidOperationException("a stream's bug")));
            batcher.Add(new RecordingStep(2, journal));
            return 0;
        });

        await journal.WaitForCompletions(3);
        Assert.Equal([0, 1, 2], journal.Entries.Where(e => e.What == "complete").Select(e => e.Step));

        // The batcher still works afterwards.
        await OnLoop(() =>
        {
            batcher.Add(new RecordingStep(3, journal));
            return 0;
        });
        await journal.WaitForCompletions(4);
    }

    private MessageDispatcher Pool => Sys.Dispatchers.Lookup("test-offload-pool");

    private static Task<T> OnLoop<T>(Func<T> work)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        Loop.Execute(new LoopWork(() => done.SetResult(work())));
        return done.Task.WaitAsync(Timeout);
    }

    private sealed class LoopWork(Action action) : IRunnable
    {
        public void Run() => action();

        void IThreadPoolWorkItem.Execute() => Run();
    }

    private sealed record Entry(string What, int Step, int Thread);

    private sealed class Journal
    {
        private readonly ConcurrentQueue<Entry> _entries = new();
        private int _completions;
        private readonly SemaphoreSlim _completed = new(0);

        public Entry[] Entries => [.. _entries];

        public void Ran(int step) => _entries.Enqueue(new Entry("run", step, Environment.CurrentManagedThreadId));

        public void Completed(int step)
        {
            _entries.Enqueue(new Entry("complete", step, Environment.CurrentManagedThreadId));
            Interlocked.Increment(ref _completions);
            _completed.Release();
        }

        public async Task WaitForCompletions(int n)
        {
            using var timeout = new CancellationTokenSource(Timeout);
            while (Volatile.Read(ref _completions) < n) await _completed.WaitAsync(timeout.Token);
        }
    }

    private sealed class RecordingStep(int index, Journal journal, Action? onComplete = null) : IOffloadedStep
    {
        public void RunOffloaded() => journal.Ran(index);

        public void Complete()
        {
            journal.Completed(index);
            onComplete?.Invoke();
        }
    }
}

using ActorWss.Bench.Load;
using ActorWss.Tests.Support;
using Xunit.Abstractions;

namespace ActorWss.Tests.Bench;

/// <summary>The load generator against an in-process server: every echo checked, none failed (no timing thresholds).</summary>
public abstract class LoadGeneratorSmokeTests(ITestOutputHelper output, ServerMode mode) : ServerScenario(output, mode)
{
    [Fact]
    public async Task A_one_second_case_completes_echoes_without_errors()
    {
        var server = await StartServerAsync();
        var options = new LoadOptions(UrlOf(server), Connections: 4, Duration: TimeSpan.FromSeconds(1),
            Warmup: TimeSpan.FromMilliseconds(200), Size: 256, Insecure: true);

        var result = await LoadGenerator.RunAsync(options, serverPid: Environment.ProcessId);
        var summary = result.ToCase(Mode.ToString(), 4, 256, pinned: false, null, null);

        Assert.True(result.Echoes > 0, "no echo completed");
        Assert.Equal(0, result.Errors);
        Assert.Null(result.FirstError);
        Assert.Equal(result.Echoes, result.Latency.TotalCount);
        Assert.True(summary.Latency.P99Us >= summary.Latency.P50Us);
        Assert.NotNull(summary.ServerCpuSeconds);
        Assert.NotNull(summary.ServerPeakRssBytes);
    }

    [Fact]
    public async Task Load_is_refused_for_hosts_other_than_this_machine()
    {
        var options = new LoadOptions(new Uri("ws://192.0.2.1:9090/"), 1, TimeSpan.FromSeconds(1), TimeSpan.Zero, 64, false);

        await Assert.ThrowsAsync<ArgumentException>(() => LoadGenerator.RunAsync(options));
    }
}

public sealed class LoadGeneratorOverWs(ITestOutputHelper output) : LoadGeneratorSmokeTests(output, ServerMode.Ws);

public sealed class LoadGeneratorOverWssInline(ITestOutputHelper output) : LoadGeneratorSmokeTests(output, ServerMode.WssInline);

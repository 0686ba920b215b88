using ActorWss.Bench.Load;
using ActorWss.Bench.Model;
using ActorWss.Tests.Support;
using Xunit.Abstractions;

namespace ActorWss.Tests.Bench;

/// <summary>
/// The load generator against an in-process server, one second at a time: every echo checked, none failed, and
/// the server's costs read (no timing thresholds). A plain "admin" listener serves /metrics beside the one under load.
/// </summary>
public abstract class LoadGeneratorSmokeTests(ITestOutputHelper output, ServerMode mode) : ServerScenario(output, mode)
{
    private static readonly string[] AdminListener = ["actorwss.listeners.admin.port=0", "actorwss.listeners.admin.metrics=on"];

    private async Task<(Uri Url, ServerProbe Probe)> StartAsync()
    {
        var server = await StartServerAsync(AdminListener);
        var metrics = new UriBuilder(server["admin"].Url) { Scheme = "http", Path = "/metrics" }.Uri;
        return (server[Listener].Url, new ServerProbe(Environment.ProcessId, metrics));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(8)]
    public async Task A_one_second_case_completes_echoes_without_errors_and_reads_the_servers_costs(int inFlight)
    {
        var (url, probe) = await StartAsync();
        var options = new LoadOptions(url, Connections: 4, Duration: TimeSpan.FromSeconds(1),
            Warmup: TimeSpan.FromMilliseconds(200), Size: 256, Insecure: true, InFlight: inFlight);

        var result = await LoadGenerator.RunAsync(options, probe);
        var summary = result.ToCase(Mode.ToString(), 4, 256, inFlight, 2, 1, null, null);

        Assert.True(result.Echoes > 0, "no echo completed");
        Assert.Equal(0, result.Errors);
        Assert.Null(result.FirstError);
        Assert.Equal(result.Echoes, result.Latency.TotalCount);
        Assert.True(summary.Latency.P999Us >= summary.Latency.P99Us && summary.Latency.P99Us >= summary.Latency.P50Us);
        var server = summary.Server!;
        Assert.True(server.WindowEchoes > 0);
        Assert.NotNull(server.AllocatedBytes);
        Assert.NotNull(server.ThreadPoolWorkItems);
        Assert.True(server.PeakRssReset);
        if (Mode == ServerMode.Ws)
        {
            Assert.Null(summary.Tls);
            Assert.Equal(0, server.TlsSteps);
        }
        else
        {
            Assert.StartsWith("Tls", summary.Tls);
            Assert.True(CaseMetrics.TlsSteps.Read(summary) > 0);
            Assert.True(CaseMetrics.DecryptBytesPerStep.Read(summary) > 256);
        }
    }

    [Fact]
    public async Task Idle_connections_each_echo_once_and_the_servers_memory_is_read_around_them()
    {
        var (url, _) = await StartAsync();

        var result = await IdleLoad.RunAsync(new IdleOptions(url, 20, Insecure: true, Settle: TimeSpan.FromMilliseconds(100)),
            Environment.ProcessId, Mode.ToString(), repeat: 1);

        Assert.Equal(0, result.Errors);
        Assert.Equal(20, result.Connections);
        Assert.True(result.BaselineRssBytes > 0 && result.LoadedRssBytes > 0);
    }

    [Fact]
    public async Task Load_is_refused_for_hosts_other_than_this_machine()
    {
        var options = new LoadOptions(new Uri("ws://192.0.2.1:9090/"), 1, TimeSpan.FromSeconds(1), TimeSpan.Zero, 64, false);

        await Assert.ThrowsAsync<ArgumentException>(() => LoadGenerator.RunAsync(options));
        await Assert.ThrowsAsync<ArgumentException>(() => IdleLoad.RunAsync(new IdleOptions(options.Url, 1, false, TimeSpan.Zero), 1, "x", 1));
    }
}

public sealed class LoadGeneratorOverWs(ITestOutputHelper output) : LoadGeneratorSmokeTests(output, ServerMode.Ws);

public sealed class LoadGeneratorOverWssInline(ITestOutputHelper output) : LoadGeneratorSmokeTests(output, ServerMode.WssInline);

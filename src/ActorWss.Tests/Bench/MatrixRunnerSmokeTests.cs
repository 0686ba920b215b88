using ActorWss.Bench.Load;
using ActorWss.Bench.Matrix;
using ActorWss.Bench.Model;
using ActorWss.Bench.Peers;

namespace ActorWss.Tests.Bench;

/// <summary>
/// The matrix's machinery on real processes, one short cell each: a server started for the cell, the load generator
/// as a child process, the server's costs read from /proc and /metrics (no timing thresholds).
/// </summary>
public sealed class MatrixRunnerSmokeTests : IDisposable
{
    private static readonly int Cores = Environment.ProcessorCount;
    private readonly BenchCertificate _certificate = BenchCertificate.Create("rsa2048");

    public void Dispose() => _certificate.Dispose();

    private async Task<RunResults> RunAsync(BenchMode mode, CellSpec cell)
    {
        var suite = new Suite("smoke", "Smoke", "One cell.", [new TableSpec("t", "t", "connections", [mode.Name], [cell], [])]);
        var modes = BenchMode.Catalog(Cores).Append(mode).DistinctBy(m => m.Name).ToDictionary(m => m.Name);
        var plan = new RunPlan(suite, modes, TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(200), TimeSpan.Zero, 1, 1, Cores);
        var runner = new MatrixRunner(plan, new ServerLaunch(RepositoryPaths.Find(), _certificate, null, "not built in this test"), TextWriter.Null);
        return await runner.RunAsync(Schedule.For(suite, 1, 1), _ => Task.CompletedTask);
    }

    [Fact]
    public async Task A_cell_runs_on_its_own_server_process_with_the_runs_certificate_and_reads_its_costs()
    {
        var results = await RunAsync(BenchMode.Catalog(Cores).Single(m => m.Name == "wss-inline"), new CellSpec(4, 256, 2, Cores));

        var result = Assert.Single(results.Cases);
        Assert.Equal(0, result.Errors);
        Assert.True(result.Echoes > 0);
        Assert.Equal(("wss-inline", 2, 1), (result.Mode, result.InFlight, result.Repeat));
        Assert.StartsWith("Tls", result.Tls);
        var server = result.Server!;
        Assert.True(server.UserCpuSeconds + server.SystemCpuSeconds > 0);
        Assert.True(server.TlsSteps > 0, "the TLS steps come from the server's /metrics");
        Assert.True(server.AllocatedBytes > 0);
        Assert.NotNull(server.PeakRssBytes);
    }

    [Fact]
    public async Task Fan_out_through_the_chat_sample_delivers_every_message_to_every_subscriber()
    {
        var suite = new Suite("smoke", "Smoke", "Fan-out.", [], Fanout: new FanoutSpec(["ws-chat"], [5], 4, 64));
        var plan = new RunPlan(suite, BenchMode.Catalog(Cores).ToDictionary(m => m.Name), TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(200),
            TimeSpan.Zero, 1, 1, Cores);
        var runner = new MatrixRunner(plan, new ServerLaunch(RepositoryPaths.Find(), _certificate, null, "not built in this test"), TextWriter.Null);

        var results = await runner.RunAsync(Schedule.For(suite, 1, 1), _ => Task.CompletedTask);

        var result = Assert.Single(results.Fanout);
        Assert.Equal(0, result.Errors);
        Assert.True(result.Delivered > 0);
        Assert.True(result.Server!.WindowEchoes >= result.Delivered, "every delivery of the window, and those that drained after it");
        Assert.True(result.Latency.P99Us >= result.Latency.P50Us);
    }

    [Fact]
    public async Task A_server_that_does_not_start_is_a_failed_case_and_the_run_goes_on()
    {
        var broken = BenchMode.Parse("ws-broken=actorwss.no-such-key=1");
        var results = await RunAsync(broken, new CellSpec(2, 64, 1, Cores));

        var result = Assert.Single(results.Cases);
        Assert.Equal(1, result.Errors);
        Assert.Contains("ws-broken server exited", result.FirstError);
        Assert.True(results.AnyErrors);
    }

    [SkippableFact]
    public async Task The_go_peer_builds_from_debians_packages_and_echoes_over_wss_with_the_same_certificate()
    {
        string binary;
        try { binary = await GorillaPeer.BuildAsync(RepositoryPaths.Find().Root); }
        catch (InvalidOperationException e) when (e.Message.Contains(GorillaPeer.Install, StringComparison.Ordinal))
        {
            throw new SkipException(e.Message);
        }
        var launch = new ServerLaunch(RepositoryPaths.Find(), _certificate, binary, null);
        await using var server = await ServerProcess.StartAsync(BenchMode.Catalog(Cores).Single(m => m.Name == "go-wss"), launch, cpus: null);

        var options = new LoadOptions(server.Url("wss"), 4, TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(200), 256, Insecure: true);
        var result = (await LoadGenerator.RunAsync(options, new ServerProbe(server.Pid, server.MetricsUrl))).ToCase("go-wss", 4, 256, 1, Cores, 1, null, null);

        Assert.Equal(0, result.Errors);
        Assert.True(result.Echoes > 0);
        Assert.StartsWith("Tls13", result.Tls);
        Assert.True(result.Server!.AllocatedBytes > 0, "Go's allocation counter comes from the peer's /metrics");
        Assert.Null(result.Server.ThreadPoolWorkItems);
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ActorWss.Bench.Cli;
using ActorWss.Bench.Load;
using ActorWss.Bench.Model;

namespace ActorWss.Bench.Matrix;

/// <summary>
/// Runs a <see cref="Schedule"/>: every step on a server started for it (so that no case inherits another's memory,
/// threads or JIT state beyond its own warm-up), a discarded warm-up case first, then the measured case in a
/// separate load-generator process (this binary's <c>run</c>, <c>idle</c> or <c>fanout</c> command; <c>run</c> drives
/// the Go load generator when the plan says so), pinned to the client CPUs when the server is. A server that does not start, or a load generator that fails, is recorded as a
/// failed case and the run goes on.
/// </summary>
public sealed class MatrixRunner(RunPlan plan, ServerLaunch launch, TextWriter console)
{
    private static readonly string BenchDll = Path.Combine(AppContext.BaseDirectory, "ActorWss.Bench.dll");

    public async Task<RunResults> RunAsync(Schedule schedule, Func<RunResults, Task> checkpoint)
    {
        var results = new RunResults();
        var clock = Stopwatch.StartNew();
        int done = 0;
        foreach (var step in schedule.Steps)
        {
            done++;
            var prefix = string.Create(CultureInfo.InvariantCulture, $"[{done}/{schedule.Steps.Count} {clock.Elapsed:hh\\:mm\\:ss}] r{step.Repeat} {step.Mode,-18}");
            var mode = plan.Mode(step.Mode);
            switch (step.Work)
            {
                case EchoWork echo:
                    var result = await MeasureEchoAsync(mode, echo.Cell, step.Repeat);
                    results.Cases.Add(result);
                    console.WriteLine($"{prefix} {StepLines.Echo(result)}");
                    break;
                case IdleWork idle:
                    var memory = await MeasureIdleAsync(mode, idle.Connections, step.Repeat);
                    results.IdleMemory.Add(memory);
                    console.WriteLine($"{prefix} {StepLines.Idle(memory)}");
                    break;
                case FanoutWork fanout:
                    var delivered = await MeasureFanoutAsync(mode, fanout, step.Repeat);
                    results.Fanout.Add(delivered);
                    console.WriteLine($"{prefix} {StepLines.Fanout(delivered)}");
                    break;
            }
            await checkpoint(results);
        }
        return results;
    }

    private async Task<CaseResult> MeasureEchoAsync(BenchMode mode, CellSpec cell, int repeat)
    {
        var placement = CpuPlacement.For(cell.ServerCpus, plan.Cores);
        CaseResult Failed(string why) => new(mode.Name, cell.Connections, cell.MessageSize, cell.InFlight, cell.ServerCpus, repeat, 0, 0, 1, why,
            0, 0, new LatencySummary(0, 0, 0, 0, 0, 0), 0, null, placement.ServerCpus, placement.ClientCpus, null);
        try
        {
            await using var server = await ServerProcess.StartAsync(mode, launch, placement.ServerCpus);
            var url = server.Url(mode.Scheme, mode.Path);
            var load = new List<string>
            {
                "--url", url.ToString(), "--insecure",
                "--connections", Invariant(cell.Connections), "--size", Invariant(cell.MessageSize), "--in-flight", Invariant(cell.InFlight),
                "--client", plan.Client.Name(),
            };
            if (plan.WarmupCase > TimeSpan.Zero)
                await RunChildAsync("run", [.. load, "--duration", Seconds(plan.WarmupCase), "--warmup", "0s", "--mode", mode.Name], placement.ClientCpus, null);
            var json = await RunChildAsync("run",
                [
                    .. load, "--duration", Seconds(plan.Duration), "--warmup", Seconds(plan.Warmup), "--mode", mode.Name,
                    "--server-pid", Invariant(server.Pid), "--metrics-url", server.MetricsUrl.ToString(),
                    "--repeat", Invariant(repeat), "--server-cpus", Invariant(cell.ServerCpus),
                    .. placement.ServerCpus is { } s ? new[] { "--server-cpu-list", s } : [],
                ],
                placement.ClientCpus, null, wantJson: true);
            return JsonSerializer.Deserialize<CaseResult>(json!)!;
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or JsonException)
        {
            return Failed(e.Message);
        }
    }

    private async Task<IdleMemoryResult> MeasureIdleAsync(BenchMode mode, int connections, int repeat)
    {
        int openFiles = connections + 4096;
        try
        {
            await using var server = await ServerProcess.StartAsync(mode, launch, cpus: null, openFiles);
            var url = server.Url(mode.Scheme, mode.Path);
            if (plan.WarmupCase > TimeSpan.Zero)
                await RunChildAsync("run", ["--url", url.ToString(), "--insecure", "--connections", Invariant(Math.Min(100, connections)),
                    "--duration", Seconds(plan.WarmupCase), "--warmup", "0s", "--mode", mode.Name], null, null);
            var json = await RunChildAsync("idle",
                ["--url", url.ToString(), "--insecure", "--connections", Invariant(connections), "--server-pid", Invariant(server.Pid),
                 "--mode", mode.Name, "--repeat", Invariant(repeat)],
                null, openFiles, wantJson: true);
            return JsonSerializer.Deserialize<IdleMemoryResult>(json!)!;
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or JsonException)
        {
            return new IdleMemoryResult(mode.Name, connections, repeat, 0, 0, 0, 1, e.Message, null);
        }
    }

    private async Task<FanoutResult> MeasureFanoutAsync(BenchMode mode, FanoutWork work, int repeat)
    {
        int openFiles = work.Subscribers + 4096;
        try
        {
            await using var server = await ServerProcess.StartAsync(mode, launch, cpus: null, openFiles);
            var url = server.Url(mode.Scheme, mode.Path);
            var load = new List<string>
            {
                "--url", url.ToString(), "--insecure", "--subscribers", Invariant(work.Subscribers), "--window", Invariant(work.Window),
                "--size", Invariant(work.MessageSize), "--mode", mode.Name,
            };
            if (plan.WarmupCase > TimeSpan.Zero)
                await RunChildAsync("fanout", [.. load, "--duration", Seconds(plan.WarmupCase), "--warmup", "0s", "--room", "warmup"], null, openFiles);
            var json = await RunChildAsync("fanout",
                [.. load, "--duration", Seconds(plan.Duration), "--warmup", Seconds(plan.Warmup), "--server-pid", Invariant(server.Pid),
                 "--metrics-url", server.MetricsUrl.ToString(), "--repeat", Invariant(repeat)],
                null, openFiles, wantJson: true);
            return JsonSerializer.Deserialize<FanoutResult>(json!)!;
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or JsonException)
        {
            return new FanoutResult(mode.Name, work.Subscribers, work.MessageSize, work.Window, repeat, 0, 0, 0, 1, e.Message,
                new LatencySummary(0, 0, 0, 0, 0, 0), 0, null);
        }
    }

    /// <summary>Runs a load-generator command; with <paramref name="wantJson"/>, returns the JSON it wrote.</summary>
    private async Task<string?> RunChildAsync(string command, IReadOnlyList<string> arguments, string? cpus, int? openFiles, bool wantJson = false)
    {
        var json = wantJson ? Path.GetTempFileName() : null;
        try
        {
            var all = new List<string> { BenchDll, command };
            all.AddRange(arguments);
            if (json is not null) all.AddRange(["--json", json]);
            var start = ChildProcess.StartInfo("dotnet", all, cpus, openFiles);
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(plan.Duration + plan.Warmup + TimeSpan.FromMinutes(3));
            try { await process.WaitForExitAsync(timeout.Token); }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                // Its last progress lines say where it stopped (connecting, warm-up, measuring, or after).
                var said = await Task.WhenAll(output, errors).WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(
                    t => t.IsCompletedSuccessfully ? Tail(string.Concat(t.Result)) : "", TaskScheduler.Default);
                throw new TimeoutException($"the load generator ({command}) did not finish in time" + (said.Length > 0 ? ": " + said : ""));
            }
            if (json is null) return null;
            var text = await File.ReadAllTextAsync(json);
            if (text.Length == 0)
                throw new InvalidOperationException($"the load generator ({command}) failed with {process.ExitCode}: {Tail(await output + await errors)}");
            return text;
        }
        finally
        {
            if (json is not null) File.Delete(json);
        }
    }

    /// <summary>
    /// What a failed child printed last, for the report's error column; with the runtime's "Unhandled exception." line
    /// first when there is one, since an exception's stack trace alone would fill the tail and hide what was thrown.
    /// </summary>
    internal static string Tail(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var tail = string.Join(" / ", lines.TakeLast(3)).Trim();
        var thrown = lines.FirstOrDefault(line => line.StartsWith("Unhandled exception.", StringComparison.Ordinal))?.Trim();
        return thrown is null || tail.Contains(thrown, StringComparison.Ordinal) ? tail : thrown + " / " + tail;
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Seconds(TimeSpan span) => span.TotalSeconds.ToString(CultureInfo.InvariantCulture) + "s";
}

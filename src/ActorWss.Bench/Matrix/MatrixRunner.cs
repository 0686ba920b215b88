using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ActorWss.Bench.Cli;
using ActorWss.Bench.Model;
using Spectre.Console;

namespace ActorWss.Bench.Matrix;

/// <summary>
/// Runs a <see cref="MatrixPlan"/>: for each pinning and mode, starts the server as a process, and runs every case
/// as a separate load-generator process (this binary's <c>run</c> command), pinned to the client CPUs when pinned,
/// so neither process starts on the other's cores.
/// </summary>
public sealed class MatrixRunner(MatrixPlan plan, RepositoryPaths paths, IAnsiConsole console)
{
    public async Task<IReadOnlyList<CaseResult>> RunAsync()
    {
        ActorWss.Tls.DevCertificate.EnsureFiles(new ActorWss.Configuration.CertificateSettings(paths.Certificate, paths.Key, null));
        var results = new List<CaseResult>();
        int total = plan.Pinnings.Count * plan.Modes.Count * plan.Cases.Count, done = 0;
        var clock = Stopwatch.StartNew();
        foreach (bool pinned in plan.Pinnings)
        {
            foreach (var mode in plan.Modes)
            {
                await using var server = await ServerProcess.StartAsync(mode, paths, pinned ? plan.ServerCpus : null);
                var url = server.Url(mode.Scheme);
                foreach (var @case in plan.Cases)
                {
                    done++;
                    var result = await RunCaseAsync(mode, @case, url, server.Pid, pinned);
                    results.Add(result);
                    console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"[{done}/{total} {clock.Elapsed:hh\\:mm\\:ss}] {(pinned ? "pinned  " : "unpinned")} {mode.Name,-12} {@case.Connections,4}c {@case.Size,5}B  " +
                        $"{result.MessagesPerSecond,9:N0} msg/s  mean {result.Latency.MeanUs,8:N0} µs  p99 {result.Latency.P99Us,8:N0} µs  " +
                        $"server {result.ServerCpuSeconds / result.Seconds * 100,4:N0}% CPU  client {result.ClientCpuSeconds / result.Seconds * 100,4:N0}%  errors {result.Errors}"));
                }
            }
        }
        return results;
    }

    private async Task<CaseResult> RunCaseAsync(BenchMode mode, MatrixCase @case, Uri url, int serverPid, bool pinned)
    {
        var json = Path.GetTempFileName();
        try
        {
            var start = new ProcessStartInfo(pinned ? "taskset" : "dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
            if (pinned) foreach (var a in new[] { "-c", plan.ClientCpus, "dotnet" }) start.ArgumentList.Add(a);
            foreach (var a in new[]
                     {
                         Path.Combine(AppContext.BaseDirectory, "ActorWss.Bench.dll"), "run", "--url", url.ToString(),
                         "--connections", @case.Connections.ToString(CultureInfo.InvariantCulture),
                         "--size", @case.Size.ToString(CultureInfo.InvariantCulture),
                         "--duration", plan.Duration.TotalSeconds.ToString(CultureInfo.InvariantCulture) + "s",
                         "--warmup", plan.Warmup.TotalSeconds.ToString(CultureInfo.InvariantCulture) + "s",
                         "--insecure", "--json", json, "--server-pid", serverPid.ToString(CultureInfo.InvariantCulture), "--mode", mode.Name,
                     })
                start.ArgumentList.Add(a);
            if (pinned) start.ArgumentList.Add("--pinned");

            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(plan.Duration + plan.Warmup + TimeSpan.FromMinutes(3));
            await process.WaitForExitAsync(timeout.Token);
            var text = await File.ReadAllTextAsync(json);
            if (text.Length == 0)
                throw new InvalidOperationException($"the load generator failed ({process.ExitCode}) for {mode.Name} {@case}:\n{await output}\n{await errors}");
            var result = JsonSerializer.Deserialize<CaseResult>(text)!;
            return result with { ServerCpus = pinned ? plan.ServerCpus : null };
        }
        finally
        {
            File.Delete(json);
        }
    }
}

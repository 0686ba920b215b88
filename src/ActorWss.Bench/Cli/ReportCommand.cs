using System.Text.Json;
using ActorWss.Bench.Model;
using ActorWss.Bench.Report;

namespace ActorWss.Bench.Cli;

/// <summary><c>report</c>: renders BENCHMARKS.md and the charts again from a results.json (e.g. to add notes).</summary>
public static class ReportCommand
{
    public const string Usage = """
        report [--results FILE] [--output DIR] [--notes FILE]
                                            re-render BENCHMARKS.md and the charts from a matrix's results.json
                                            (defaults: docs/bench/results.json, docs/)
        """;

    public static async Task<int> RunAsync(CommandArgs args)
    {
        var root = Matrix.RepositoryPaths.Find().Root;
        var output = args.Text("--output") ?? Path.Combine(root, "docs");
        var results = args.Text("--results") ?? Path.Combine(output, "bench", "results.json");
        var notes = args.Text("--notes") is { } file ? await File.ReadAllTextAsync(file) : null;
        args.RejectUnknown();

        var run = JsonSerializer.Deserialize<BenchmarkRun>(await File.ReadAllTextAsync(results))
            ?? throw new ArgumentException($"--results: {results} holds no benchmark run");
        var charts = Charts.Write(run, Path.Combine(output, MarkdownReport.ChartFolder));
        await File.WriteAllTextAsync(Path.Combine(output, "BENCHMARKS.md"), MarkdownReport.Render(run, notes));
        Console.WriteLine($"wrote {Path.Combine(output, "BENCHMARKS.md")} and {charts.Count} charts from {results}");
        return 0;
    }
}

using System.Text.Json;
using ActorWss.Bench.Model;
using ActorWss.Bench.Report;

namespace ActorWss.Bench.Cli;

/// <summary><c>report</c>: renders BENCHMARKS.md and the charts again from every suite's results (e.g. after editing the notes).</summary>
public static class ReportCommand
{
    public const string Usage = """
        report [--output DIR] [--notes FILE]
                                            re-render BENCHMARKS.md and the charts from DIR/bench/results-*.json
                                            (defaults: docs/, notes from docs/bench/NOTES.md)
        """;

    public static async Task<int> RunAsync(CommandArgs args)
    {
        var root = Matrix.RepositoryPaths.Find();
        var output = args.Text("--output") ?? root.Docs;
        var notesFile = args.Text("--notes") ?? Path.Combine(output, MarkdownReport.ChartFolder, "NOTES.md");
        args.RejectUnknown();
        Console.WriteLine(await RenderAsync(output, File.Exists(notesFile) ? await File.ReadAllTextAsync(notesFile) : null));
        return 0;
    }

    /// <summary>Renders the report and charts from every results-*.json in DIR/bench; says what it wrote.</summary>
    public static async Task<string> RenderAsync(string output, string? notes)
    {
        var folder = Path.Combine(output, MarkdownReport.ChartFolder);
        var files = Directory.Exists(folder) ? Directory.GetFiles(folder, "results-*.json").Order(StringComparer.Ordinal).ToArray() : [];
        if (files.Length == 0) throw new ArgumentException($"no results-*.json in {folder}: run the matrix first");
        var runs = new List<BenchmarkRun>();
        foreach (var file in files)
            runs.Add(JsonSerializer.Deserialize<BenchmarkRun>(await File.ReadAllTextAsync(file))
                ?? throw new ArgumentException($"{file} holds no benchmark run"));
        int charts = runs.Sum(run => Charts.Write(run, folder).Count);
        var report = Path.Combine(output, "BENCHMARKS.md");
        await File.WriteAllTextAsync(report, MarkdownReport.Render(runs, notes));
        return $"wrote {report} and {charts} charts from {string.Join(", ", files.Select(Path.GetFileName))}";
    }
}

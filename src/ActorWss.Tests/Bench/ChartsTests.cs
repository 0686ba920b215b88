using ActorWss.Bench.Report;

namespace ActorWss.Tests.Bench;

public sealed class ChartsTests : IDisposable
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"actorwss-charts-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_folder))
            Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public void Every_table_with_a_numeric_axis_gets_a_throughput_and_a_cpu_chart_as_png()
    {
        var files = Charts.Write(SampleRuns.Reference(), _folder);

        Assert.Equal(
            ["reference-connections-throughput.png", "reference-connections-cpu.png", "reference-sizes-throughput.png", "reference-sizes-cpu.png"],
            files);
        foreach (var file in files)
            Assert.Equal(PngSignature, File.ReadAllBytes(Path.Combine(_folder, file)).Take(PngSignature.Length));
    }

    [Fact]
    public void The_report_links_exactly_the_charts_written()
    {
        var run = SampleRuns.Reference();
        var files = Charts.Write(run, _folder);
        var report = MarkdownReport.Render(run);

        foreach (var file in files)
            Assert.Contains($"](bench/{file})", report);
        Assert.Equal(files.Count, report.Split("](bench/").Length - 1);
    }

    [Fact]
    public void A_run_without_tables_has_no_charts() =>
        Assert.Empty(Charts.Write(SampleRuns.Memory(), _folder));
}

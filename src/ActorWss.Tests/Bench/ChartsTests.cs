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
    public void Every_chart_is_written_as_a_png_per_pinning()
    {
        var files = Charts.Write(SampleRuns.ThreeModes(), _folder);

        Assert.Equal(
            [
                "throughput-connections-unpinned.png", "throughput-size-unpinned.png",
                "latency-connections-unpinned.png", "efficiency-connections-unpinned.png",
                "throughput-connections-pinned.png", "throughput-size-pinned.png",
                "latency-connections-pinned.png", "efficiency-connections-pinned.png",
            ],
            files);
        foreach (var file in files)
        {
            var bytes = File.ReadAllBytes(Path.Combine(_folder, file));
            Assert.Equal(PngSignature, bytes.Take(PngSignature.Length));
        }
    }

    [Fact]
    public void The_report_links_exactly_the_charts_written()
    {
        var run = SampleRuns.UnpinnedOnly();
        var files = Charts.Write(run, _folder);
        var report = MarkdownReport.Render(run);

        Assert.Equal(4, files.Count);
        foreach (var file in files)
            Assert.Contains($"](bench/{file})", report);
        Assert.Equal(files.Count, report.Split("](bench/").Length - 1);
    }
}

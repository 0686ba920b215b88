using ActorWss.Bench.Model;
using ActorWss.Bench.Report;

namespace ActorWss.Tests.Bench;

public class MarkdownReportTests
{
    private static readonly string Report = MarkdownReport.Render(SampleRuns.ThreeModes(), "Measured on a shared VM.");

    private static string Section(string text, string heading, string? nextHeading)
    {
        var start = text.IndexOf(heading + "\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"missing section {heading}");
        var end = nextHeading is null ? text.Length : text.IndexOf(nextHeading + "\n", start, StringComparison.Ordinal);
        Assert.True(end > start, $"missing section {nextHeading} after {heading}");
        return text[start..end];
    }

    [Fact]
    public void The_header_names_the_command_and_the_machine()
    {
        Assert.StartsWith("# ActorWss benchmarks\n", Report);
        Assert.Contains("```sh\ndotnet run -c Release --project src/ActorWss.Bench -- matrix --seconds 10\n```", Report);
        Assert.Contains("- When: 2025-06-01 12:30 UTC\n", Report);
        Assert.Contains(
            "- Machine: AMD EPYC 7B13, 4 cores, Debian GNU/Linux 12 (bookworm), .NET 10.0.0, GC: workstation, concurrent\n",
            Report);
        Assert.Contains("- Case duration: 10 s measured per case", Report);
    }

    [Fact]
    public void The_modes_table_lists_each_mode_with_its_overrides_in_backticks()
    {
        Assert.Contains("| Mode | Description | Overrides |\n| --- | --- | --- |\n", Report);
        Assert.Contains("| wss-offload | ActorWss, TLS offloaded to the dedicated pool | `actorwss.tls.mode=offload` |\n", Report);
    }

    [Fact]
    public void The_connection_table_has_every_mode_and_the_two_comparisons_as_columns()
    {
        Assert.Contains(
            "| Connections | ws | wss-inline | wss-offload | Δ Throughput wss-offload vs wss-inline | Δ Latency wss-offload vs wss-inline"
            + " | Δ Throughput wss-inline vs ws | Δ Latency wss-inline vs ws |\n"
            + "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n",
            Report);
    }

    [Fact]
    public void A_connection_row_shows_rate_and_mean_latency_per_mode_and_signed_deltas()
    {
        Assert.Contains(
            "| 100 | 219,813 msg/s, 455 µs | 186,068 msg/s, 537 µs | 56,692 msg/s, 1.76 ms | \u221270% | +228% | \u221215% | +18% |\n",
            Report);
    }

    [Fact]
    public void A_case_that_was_not_run_shows_a_dash_and_so_do_its_deltas()
    {
        var unpinned = Section(Report, "## Unpinned", "## Pinned");
        Assert.Contains("| 4 KiB | 120,000 msg/s | 92,686 msg/s | — | — | \u221223% |\n", unpinned);
    }

    [Fact]
    public void The_transfer_rate_is_in_mebibytes_per_second_both_directions()
    {
        Assert.Contains("### Transfer Rate (100 connections)", Report);
        Assert.Contains("MiB/s, counting both directions", Report);
        // 186,068 msg/s × 64 B × 2 = 22.71 MiB/s.
        Assert.Contains("| 64 B | 26.83 MiB/s | 22.71 MiB/s | 6.92 MiB/s | \u221270% | \u221215% |\n", Report);
    }

    [Fact]
    public void The_latency_table_shows_mean_p50_and_p99_per_mode()
    {
        Assert.Contains("| Message Size | ws | wss-inline | wss-offload | Δ Latency wss-offload vs wss-inline | Δ Latency wss-inline vs ws |\n", Report);
        Assert.Contains("| 64 B | 455 µs / 410 µs / 910 µs | 537 µs / 483 µs / 1.07 ms | 1.76 ms / 1.58 ms / 3.52 ms | +228% | +18% |\n", Report);
    }

    [Fact]
    public void The_efficiency_table_has_a_row_per_case()
    {
        Assert.Contains(
            "| Mode | Connections | Message Size | msg/s | msg / server CPU-s | Server CPU-s | Client CPU (% of one core) | Server peak RSS (MiB) |\n",
            Report);
        // 2,198,130 echoes over 9.5 server CPU-seconds; 12.5 client CPU-seconds over 10 s.
        Assert.Contains("| ws | 100 | 64 B | 219,813 | 231,382 | 9.50 | 125% | 150 |\n", Report);
    }

    [Fact]
    public void Unmeasured_server_figures_show_a_dash()
    {
        var run = SampleRuns.ThreeModes() with
        {
            Results = [SampleRuns.Case("ws", false, 100, 64, 1_000, 100, serverCpuSeconds: null, serverPeakRssBytes: null)],
        };
        Assert.Contains("| ws | 100 | 64 B | 1,000 | — | — | 125% | — |\n", MarkdownReport.Render(run));
    }

    [Fact]
    public void Errors_are_listed_where_they_happened()
    {
        var pinned = Section(Report, "## Pinned", "## Pinned vs unpinned");
        Assert.Contains("| Mode | Case | Errors | First error |\n", pinned);
        Assert.Contains($"| wss-offload | 500 connections, 64 B | 3 | {SampleRuns.ErrorText} |\n", pinned);
        Assert.DoesNotContain("none failed", pinned);

        var unpinned = Section(Report, "## Unpinned", "## Pinned");
        Assert.Contains("Every echo was verified byte for byte; none failed.", unpinned);
        Assert.DoesNotContain("| First error |", unpinned);
    }

    [Fact]
    public void An_error_text_cannot_break_its_table()
    {
        var run = SampleRuns.ThreeModes() with
        {
            Results = [SampleRuns.Case("ws", false, 100, 64, 1_000, 100, errors: 1, firstError: "bad | frame\nat byte 2")],
        };
        Assert.Contains("| ws | 100 connections, 64 B | 1 | bad \\| frame at byte 2 |\n", MarkdownReport.Render(run));
    }

    [Fact]
    public void Pinned_runs_follow_unpinned_ones_and_name_their_cpus()
    {
        var unpinnedAt = Report.IndexOf("## Unpinned\n", StringComparison.Ordinal);
        var pinnedAt = Report.IndexOf("## Pinned\n", StringComparison.Ordinal);
        Assert.InRange(unpinnedAt, 0, pinnedAt - 1);
        Assert.Contains("server on CPUs 0-1, load generator on CPUs 2-3.", Report);
    }

    [Fact]
    public void Pinned_and_unpinned_are_compared_per_mode()
    {
        var comparison = Section(Report, "## Pinned vs unpinned", "## Notes");
        Assert.Contains(
            "| Case | Mode | msg/s unpinned | msg/s pinned | msg / server CPU-s unpinned | msg / server CPU-s pinned |\n", comparison);
        Assert.Contains("| 100 connections, 64 B | ws | 219,813 | 150,000 | 231,382 | 157,895 |\n", comparison);
        // wss-offload was not run unpinned at 4 KiB.
        Assert.Contains("| 100 connections, 4 KiB | wss-offload | — | 38,000 | — | 40,000 |\n", comparison);
    }

    [Fact]
    public void A_run_with_only_unpinned_results_has_no_pinned_sections()
    {
        var report = MarkdownReport.Render(SampleRuns.UnpinnedOnly());
        Assert.Contains("## Unpinned\n", report);
        Assert.DoesNotContain("## Pinned", report);
        Assert.DoesNotContain("-pinned.png", report);
    }

    [Fact]
    public void Comparisons_need_both_of_their_modes()
    {
        var run = SampleRuns.ThreeModes();
        run = run with
        {
            Modes = run.Modes.Where(m => m.Name != "wss-offload").ToArray(),
            Results = run.Results.Where(r => r.Mode != "wss-offload").ToArray(),
        };
        var report = MarkdownReport.Render(run);
        Assert.Contains("| Connections | ws | wss-inline | Δ Throughput wss-inline vs ws | Δ Latency wss-inline vs ws |\n", report);
        Assert.DoesNotContain("wss-offload", report);
    }

    [Fact]
    public void Charts_are_linked_relative_to_the_report()
    {
        Assert.Contains("](bench/throughput-connections-unpinned.png)", Report);
        Assert.Contains("](bench/throughput-size-pinned.png)", Report);
    }

    [Fact]
    public void Notes_come_last()
    {
        Assert.EndsWith("## Notes\n\nMeasured on a shared VM.\n", Report);
        Assert.DoesNotContain("## Notes", MarkdownReport.Render(SampleRuns.ThreeModes()));
    }
}

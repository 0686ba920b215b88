using ActorWss.Bench.Report;

namespace ActorWss.Tests.Bench;

public class MarkdownReportTests
{
    private static readonly string Report = MarkdownReport.Render([SampleRuns.Reference(), SampleRuns.Memory()], "## Notes\n\nMeasured on a shared VM.");

    private static string Section(string text, string heading, string? nextHeading)
    {
        var start = text.IndexOf(heading + "\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"missing section {heading}");
        var end = nextHeading is null ? text.Length : text.IndexOf(nextHeading + "\n", start, StringComparison.Ordinal);
        Assert.True(end > start, $"missing section {nextHeading} after {heading}");
        return text[start..end];
    }

    [Fact]
    public void The_header_records_commit_crypto_certificate_repeats_seed_and_the_command()
    {
        Assert.StartsWith("# ActorWss benchmarks\n", Report);
        Assert.Contains("| reference | 2025-06-01 12:30 | `0123456789abcdef` | 3 | 10 s | 1 s | 2 s | 42 | by cell |\n", Report);
        Assert.Contains("```sh\ndotnet run -c Release --project src/ActorWss.Bench -- matrix --suite reference\n```", Report);
        Assert.Contains("- Machine: AMD EPYC 7B13, 2 cores, Debian GNU/Linux 12 (bookworm), .NET 10.0.0, GC: Workstation, concurrent\n", Report);
        Assert.Contains("- OpenSSL (under .NET's SslStream): OpenSSL 3.0.17 1 Jul 2025\n", Report);
        Assert.Contains("- Certificate, the same for every wss:// server: RSA 2048, self-signed\n", Report);
        Assert.Contains("- Negotiated (seen by the load generator): Tls13 TLS_AES_256_GCM_SHA384 (wss-inline, wss-inline-aa, wss-offload)\n", Report);
    }

    [Fact]
    public void The_header_says_which_load_generator_each_suite_ran_and_older_runs_read_as_the_dotnet_one()
    {
        Assert.Contains("- Load generator of the echo cases: reference: Go, gorilla/websocket: one goroutine per connection", Report);
        Assert.DoesNotContain("memory: Go", Report);
        var older = SampleRuns.Reference();
        older = older with { Settings = older.Settings with { Client = null } };
        Assert.Contains("- Load generator of the echo cases: reference: .NET: the bench's own connections, on the thread pool\n",
            MarkdownReport.Render([older], null));
    }

    [Fact]
    public void The_mode_order_of_every_repeat_is_recorded()
    {
        Assert.Contains("- reference, repeat 1: wss-offload, ws, wss-inline-aa, wss-inline\n", Report);
        Assert.Contains("- reference, repeat 3: wss-inline-aa, wss-offload, wss-inline, ws\n", Report);
    }

    [Fact]
    public void The_verdict_rule_is_written_in_the_report()
    {
        Assert.Contains("A difference between two modes counts only when", Report);
        Assert.Contains("larger than the A/A spread at the same load", Report);
    }

    [Fact]
    public void Throughput_cells_are_medians_with_their_range_and_deltas_are_bold_only_outside_the_noise()
    {
        var connections = Section(Report, "### Echo 64 B — varying connection count", "### Echo — varying message size (100 connections)");
        Assert.Contains(
            "| Connections | ws | wss-inline | wss-inline-aa | wss-offload | Δ wss-offload vs wss-inline | Δ wss-inline vs ws"
            + " | Δ wss-inline-aa vs wss-inline | A/A spread |\n", connections);
        // A/A spread 9.7%: offload's −21% with its range apart counts; the twin's −2% does not.
        Assert.Contains(
            "| 100 | 81,000 (80,000–90,000) | 52,000 (50,000–54,000) | 51,000 (49,000–53,000) | 41,000 (40,000–42,000)"
            + " | **\u221221%** | **\u221236%** | \u22122% | ±10% |\n", connections);
        // At 500 the ranges overlap (−7%), and −30% is inside a 34% A/A spread: neither counts.
        Assert.Contains(
            "| 500 | 86,000 (85,000–87,000) | 60,000 (50,000–70,000) | 58,000 (52,000–66,000) | 56,000 (55,000–57,000)"
            + " | \u22127% | \u221230% | \u22123% | ±34% |\n", connections);
    }

    [Fact]
    public void Without_a_twin_at_a_load_the_ranges_alone_decide_and_failed_repeats_are_left_out()
    {
        var sizes = Section(Report, "### Echo — varying message size (100 connections)", "#### Errors");
        // wss-offload's third repeat at 4 KiB failed: its median is of two.
        Assert.Contains("| 4 KiB | 61,000 (60,000–62,000) | 31,000 (30,000–32,000) | — | 33,500 (33,000–34,000) | **+8%** | **\u221249%** | — | — |\n", sizes);
    }

    [Fact]
    public void Server_cpu_per_echo_is_judged_like_throughput()
    {
        var connections = Section(Report, "### Echo 64 B — varying connection count", "### Echo — varying message size (100 connections)");
        Assert.Contains("| 100 | 12.0 (12.0–12.0) | 15.0 (15.0–15.0) | 15.0 (15.0–15.0) | 18.0 (18.0–18.0) | **+20%** | **+25%** | 0% | ±0% |\n", connections);
    }

    [Fact]
    public void Latency_shows_percentiles_and_no_mean()
    {
        Assert.Contains("Round-trip latency, medians over the repeats: p50 / p99 / p99.9.", Report);
        Assert.Contains("| 100 | 900 µs / 2.00 ms / 3.00 ms | 900 µs / 2.00 ms / 3.00 ms |", Report);
        Assert.DoesNotContain("1.00 ms / 900 µs", Report); // the mean (1 ms) is not shown
    }

    [Fact]
    public void Per_echo_costs_divide_the_servers_counters_by_the_echoes()
    {
        Assert.Contains(
            "| Mode | Connections | msg/s | user µs/echo | sys µs/echo | ctx sw/echo | work items/echo | alloc B/echo | TLS steps/echo"
            + " | B/decrypt step | B/encrypt step | peak RSS | server CPU | client CPU |\n", Report);
        Assert.Contains("| wss-offload | 100 | 41,000 | 12.0 | 6.0 | 0.50 | 3.00 | 700 | 2.00 | 92 | 66 | 150 | 74% | 80% |\n", Report);
        Assert.Contains("| ws | 100 | 81,000 | 8.0 | 4.0 | 0.50 | 1.00 | 620 | — | — | — | 150 | 97% | 80% |\n", Report);
    }

    [Fact]
    public void Size_tables_add_the_transfer_rate()
    {
        var sizes = Section(Report, "### Echo — varying message size (100 connections)", "#### Errors");
        Assert.Contains("Transfer rate, MiB/s, both directions", sizes);
        // 31,000 msg/s × 4 KiB × 2 = 242.19 MiB/s.
        Assert.Contains("| 4 KiB | 476.56 | 242.19 | — | 261.72 |\n", sizes);
    }

    [Fact]
    public void Failed_repeats_are_listed_with_their_error()
    {
        Assert.Contains("| wss-offload | 100 connections, 4 KiB, 1 in flight, 2 server CPUs | 3 | 2 | echo 17 differs at byte 5 |\n", Report);
    }

    [Fact]
    public void Idle_memory_is_kibibytes_per_connection_with_its_range()
    {
        Assert.Contains("| Mode | Connections | KiB per connection | RSS before (MiB) | RSS with them (MiB) | Connect time (s) | TLS |\n", Report);
        Assert.Contains("| ws | 5,000 | 25.0 (20.0–30.0) | 100 | 222 | 4.5 | — |\n", Report);
        Assert.Contains("| go-ws | 5,000 | 8.0 | 10 | 49 | 3.0 | — |\n", Report);
    }

    [Fact]
    public void Fan_out_shows_deliveries_per_second_and_delivery_latency()
    {
        Assert.Contains("| ws-chat | 100 | 8 | 200,000 | 1.00 ms | 4.00 ms | 9.00 ms | — |\n", Report);
    }

    [Fact]
    public void The_five_causes_are_set_against_the_measurements()
    {
        var causes = Section(Report, "## The reference's five causes, measured", "## Notes");
        Assert.Contains("| 1 | CPU µs/echo | 64 B, 100 c, k 1, 2 server CPUs | wss-inline 15.0 (15.0–15.0) | wss-offload 18.0 (18.0–18.0) | **+20%** | ±0% |\n", causes);
        Assert.Contains("| 1 | work items/echo | 64 B, 100 c, k 1, 2 server CPUs | wss-inline 1.00 (1.00–1.00) | wss-offload 3.00 (3.00–3.00) | **+200%** | ±0% |\n", causes);
        Assert.Contains("| 2 | alloc B/echo | 4 KiB, 100 c, k 1, 2 server CPUs | ws 620 (620–620) | wss-inline 620 (620–620) | 0% | — |\n", causes);
        Assert.Contains("| 4 | msg/s, lowest–highest median over the connection sweep | 64 B, 50–500 connections |  | wss-offload | 41,000–56,000 |  |\n", causes);
    }

    [Fact]
    public void Charts_are_linked_relative_to_the_report()
    {
        Assert.Contains("](bench/reference-connections-throughput.png)", Report);
        Assert.Contains("](bench/reference-sizes-cpu.png)", Report);
    }

    [Fact]
    public void Notes_come_last()
    {
        Assert.EndsWith("## Notes\n\nMeasured on a shared VM.\n", Report);
        Assert.DoesNotContain("## Notes", MarkdownReport.Render(SampleRuns.Reference()));
    }

    [Fact]
    public void An_error_text_cannot_break_its_table()
    {
        var run = SampleRuns.Reference() with
        {
            Results = [SampleRuns.Case("ws", 100, 64, 1, 0, errors: 1, firstError: "bad | frame\nat byte 2")],
        };
        Assert.Contains("| bad \\| frame at byte 2 |\n", MarkdownReport.Render(run));
    }

    [Fact]
    public void A_table_of_one_row_labels_it_by_its_axis()
    {
        var run = SampleRuns.Reference() with
        {
            Tables = [new ActorWss.Bench.Model.TableSpec("pipelined", "Pipelined", "in-flight", ["wss-inline"],
                [new ActorWss.Bench.Model.CellSpec(100, 64, 32, SampleRuns.Cores)], [])],
            Results = [SampleRuns.Case("wss-inline", 100, 64, 1, 26_000, inFlight: 32)],
        };
        var report = MarkdownReport.Render(run);
        Assert.Contains("| In flight | wss-inline |\n", report);
        Assert.Contains("| 32 | 26,000 |\n", report);
        Assert.Contains("100 connections, 64 B, server on all 2 CPUs, shared with the load generator. ", report);
    }
}

using ActorWss.Bench.Load;
using ActorWss.Bench.Model;

namespace ActorWss.Tests.Bench;

public class PrometheusSamplesTests
{
    private const string Page = """
        # HELP actorwss_tls_steps_total TLS record steps.
        # TYPE actorwss_tls_steps_total counter
        actorwss_tls_steps_total{listener="ws",where="inline"} 0
        actorwss_tls_steps_total{listener="wss",where="inline"} 120
        actorwss_tls_steps_total{listener="wss",where="offloaded"} 80
        actorwss_tls_step_bytes_sum{listener="wss",kind="decrypt"} 9200
        actorwss_tls_steps_total_extra 5
        dotnet_gc_heap_total_allocated_bytes_total 1.5e6
        """;

    [Fact]
    public void A_family_is_summed_over_its_label_sets()
    {
        var samples = PrometheusSamples.Parse(Page);
        Assert.Equal(200, samples.Sum("actorwss_tls_steps_total"));
        Assert.Equal(80, samples.Sum("actorwss_tls_steps_total", "where=\"offloaded\""));
        Assert.Equal(1_500_000, samples.Sum("dotnet_gc_heap_total_allocated_bytes_total"));
    }

    [Fact]
    public void A_missing_family_is_unknown_not_zero() =>
        Assert.Null(PrometheusSamples.Parse(Page).Sum("go_memstats_alloc_bytes_total"));
}

public class ServerProbeTests
{
    private static ServerReading Reading(double user, double system, long involuntary, string metrics, params (int Tid, long Voluntary)[] threads) =>
        new(new ProcSample(user, system, threads.ToDictionary(t => t.Tid, t => (t.Voluntary, involuntary)), 100, 200), PrometheusSamples.Parse(metrics));

    [Fact]
    public void Costs_are_the_differences_between_the_two_readings()
    {
        var start = Reading(1.0, 0.5, 10, """
            dotnet_gc_heap_total_allocated_bytes_total 1000
            dotnet_thread_pool_work_item_count_total 50
            actorwss_tls_steps_total{listener="wss",where="offloaded"} 4
            actorwss_tls_step_bytes_count{listener="wss",kind="decrypt"} 2
            actorwss_tls_step_bytes_sum{listener="wss",kind="decrypt"} 184
            """, (1, 100), (2, 50));
        var end = Reading(3.0, 1.5, 30, """
            dotnet_gc_heap_total_allocated_bytes_total 63000
            dotnet_thread_pool_work_item_count_total 150
            actorwss_tls_steps_total{listener="wss",where="offloaded"} 204
            actorwss_tls_step_bytes_count{listener="wss",kind="decrypt"} 102
            actorwss_tls_step_bytes_sum{listener="wss",kind="decrypt"} 9384
            """, (1, 160), (3, 40));

        var costs = ServerProbe.Costs(start, end, peakReset: true, windowEchoes: 100)!;

        Assert.Equal(2.0, costs.UserCpuSeconds, precision: 10);
        Assert.Equal(1.0, costs.SystemCpuSeconds, precision: 10);
        // Thread 1: +60; thread 3 started inside the window: +40; thread 2 ended: missed.
        Assert.Equal(100, costs.VoluntaryContextSwitches);
        Assert.Equal(62_000, costs.AllocatedBytes);
        Assert.Equal(100, costs.ThreadPoolWorkItems);
        Assert.Equal(200, costs.TlsSteps);
        Assert.Equal(200, costs.TlsOffloadedSteps);
        Assert.Equal(100, costs.TlsDecryptSteps);
        Assert.Equal(9200, costs.TlsDecryptBytes);
        Assert.Null(costs.TlsEncryptSteps);
        Assert.Equal(200, costs.PeakRssBytes);
    }

    [Fact]
    public void Per_echo_columns_divide_by_the_echoes_between_the_readings()
    {
        var costs = new ServerCosts(2.0, 1.0, 60, 40, null, false, 62_000, 100, null, null, 200, 200, 100, 9200, 100, 6600, WindowEchoes: 100);
        var result = SampleRuns.Case("wss-offload", 100, 64, 1, 10) with { Server = costs };

        Assert.Equal(20_000, CaseMetrics.CpuUserUs.Read(result));
        Assert.Equal(10_000, CaseMetrics.CpuSystemUs.Read(result));
        Assert.Equal(1.0, CaseMetrics.ContextSwitches.Read(result));
        Assert.Equal(620, CaseMetrics.Allocated.Read(result));
        Assert.Equal(1.0, CaseMetrics.WorkItems.Read(result));
        Assert.Equal(2.0, CaseMetrics.TlsSteps.Read(result));
        Assert.Equal(92, CaseMetrics.DecryptBytesPerStep.Read(result));
        Assert.Equal(66, CaseMetrics.EncryptBytesPerStep.Read(result));
    }

    [Fact]
    public void This_process_can_be_read_from_proc()
    {
        var sample = ProcStats.Sample(Environment.ProcessId)!;
        Assert.True(sample.UserSeconds > 0);
        Assert.NotEmpty(sample.ContextSwitches);
        Assert.True(sample.RssBytes > 0);
        Assert.True(sample.PeakRssBytes >= sample.RssBytes);
        Assert.True(ProcStats.ResetPeakRss(Environment.ProcessId), "root or the same user may reset the peak RSS");
    }
}

public class FanoutTextTests
{
    [Fact]
    public void A_message_text_carries_its_sequence_and_send_time_padded_to_its_size()
    {
        var text = FanoutLoad.Text(17, 123456789, 64);
        Assert.Equal(64, text.Length);
        Assert.True(FanoutLoad.TryParse(text, out long sequence, out long timestamp));
        Assert.Equal((17, 123456789), (sequence, timestamp));
        Assert.False(FanoutLoad.TryParse("probe", out _, out _));
    }

    [Fact]
    public void The_text_is_read_from_the_chat_messages_json() =>
        Assert.Equal("17 99 xx", ChatConnection.TextOf("""{"room":"r","from":"pub","text":"17 99 xx"}"""u8));

    [Fact]
    public void Room_and_name_go_into_the_query()
    {
        var room = ChatConnection.RoomUrl(new Uri("ws://127.0.0.1:9090/chat"), "bench");
        Assert.Equal("ws://127.0.0.1:9090/chat?room=bench&name=s1", ChatConnection.WithName(room, "s1").ToString());
    }
}

using ActorWss.Metrics;
using ActorWss.WebSocket;

namespace ActorWss.Tests.Metrics;

/// <summary>
/// Close codes become metric labels: the peer chooses them, so the labels are a small fixed set whatever it sends
/// (one client must not create thousands of series in /metrics).
/// </summary>
public sealed class CloseCodeLabelTests
{
    [Fact]
    public void Every_possible_received_code_lands_in_a_small_fixed_set_of_labels()
    {
        var metrics = new ListenerMetrics("ws");

        for (int code = 0; code <= ushort.MaxValue; code++)
            metrics.OnClosed(new WebSocketCloseInfo(CloseStatus.Normal, (ushort)code, null, true));

        var labels = metrics.CloseCodesReceived.Snapshot().Select(kv => kv.Key).ToArray();
        Assert.Equal(
            [.. Enumerable.Range(1000, 16).Select(c => c.ToString(System.Globalization.CultureInfo.InvariantCulture)), "3000-4999", "invalid"],
            labels.Order(StringComparer.Ordinal));
        Assert.Equal(2000, metrics.CloseCodesReceived["3000-4999"]);
        Assert.Equal(65536 - 2000 - 16, metrics.CloseCodesReceived["invalid"]);
    }

    [Theory]
    [InlineData(1000, "1000")]
    [InlineData(1006, "1006")]
    [InlineData(1015, "1015")]
    [InlineData(1016, "invalid")]
    [InlineData(999, "invalid")]
    [InlineData(2999, "invalid")]
    [InlineData(3000, "3000-4999")]
    [InlineData(4321, "3000-4999")]
    [InlineData(4999, "3000-4999")]
    [InlineData(5000, "invalid")]
    [InlineData(65535, "invalid")]
    public void A_code_has_one_label(int code, string label)
    {
        var metrics = new ListenerMetrics("ws");

        metrics.OnClosed(new WebSocketCloseInfo((ushort)code, (ushort)code, null, false));

        Assert.Equal(1, metrics.CloseCodesReceived[label]);
        Assert.Equal(1, metrics.CloseCodesSent[label]);
    }
}

using System.Text;
using System.Globalization;
using System.Text.RegularExpressions;
using ActorWss.Tests.Support;
using ActorWss.WebSocket;
using Xunit.Abstractions;

namespace ActorWss.Tests.Scenarios;

/// <summary>GET /metrics counts what happened on the wire, in Prometheus text format.</summary>
public abstract partial class MetricsScenarios(ITestOutputHelper output, ServerMode mode) : ServerScenario(output, mode)
{
    private async Task<Dictionary<string, double>> ScrapeAsync(Uri url)
    {
        await using var client = await RawWebSocketClient.ConnectAsync(url);
        await client.SendAsync("GET /metrics HTTP/1.1\r\nHost: h\r\n\r\n");
        var (head, body) = await client.ReadResponseAsync();
        Assert.Equal(200, head.Status);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", head["Content-Type"]);
        var samples = new Dictionary<string, double>();
        foreach (var line in body.Split('\n'))
        {
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var match = SampleLine().Match(line);
            Assert.True(match.Success, "not a Prometheus sample line: " + line);
            samples[match.Groups[1].Value] = double.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
        }
        return samples;
    }

    [Fact]
    public async Task Metrics_count_connections_handshakes_messages_bytes_and_close_codes()
    {
        var server = await StartServerAsync(ListenerKey("metrics=on"));
        var url = UrlOf(server);
        var label = $"listener=\"{Listener}\"";

        await using (var client = await RawWebSocketClient.OpenAsync(url))
        {
            for (int i = 0; i < 5; i++)
            {
                await client.SendFrameAsync(Opcode.Binary, new byte[100]);
                await client.ReadFrameAsync();
            }
            var live = await ScrapeAsync(url);
            Assert.Equal(1, live[$"actorwss_connections_open{{{label}}}"] - 1); // the scraping connection is open too
            Assert.Equal(5, live[$"actorwss_messages_received_total{{{label}}}"]);
            Assert.Equal(5, live[$"actorwss_messages_sent_total{{{label}}}"]);
            Assert.Equal(500, live[$"actorwss_bytes_received_total{{{label}}}"]);
            Assert.Equal(500, live[$"actorwss_bytes_sent_total{{{label}}}"]);

            await client.SendAsync(ClientFrames.Close(4000, "done"));
            await client.ReadCloseAsync();
        }
        await using (var bad = await RawWebSocketClient.ConnectAsync(url))
        {
            await bad.SendAsync(RawWebSocketClient.UpgradeRequest(url).Replace("Version: 13", "Version: 8"));
            await bad.ReadResponseAsync();
        }

        await AwaitAssertAsync(async () =>
        {
            var samples = await ScrapeAsync(url);
            Assert.Equal(1, samples[$"actorwss_handshakes_total{{{label},reason=\"upgraded\"}}"]);
            Assert.Equal(1, samples[$"actorwss_handshakes_total{{{label},reason=\"version\"}}"]);
            Assert.Equal(1, samples[$"actorwss_close_codes_received_total{{{label},code=\"3000-4999\"}}"]);
            Assert.Equal(1, samples[$"actorwss_close_codes_sent_total{{{label},code=\"3000-4999\"}}"]);
            Assert.True(samples[$"actorwss_connections_total{{{label}}}"] >= 3);
            Assert.True(samples["process_cpu_seconds_total"] > 0);
        }, Timeout);

        if (Mode != ServerMode.Ws)
        {
            var samples = await ScrapeAsync(url);
            Assert.True(samples[$"actorwss_tls_handshakes_total{{{label},result=\"ok\"}}"] >= 3);
            Assert.True(samples[$"actorwss_tls_handshake_duration_seconds_count{{{label}}}"] >= 3);
            var where = Mode == ServerMode.WssOffload ? "offloaded" : "inline";
            Assert.True(samples[$"actorwss_tls_steps_total{{{label},where=\"{where}\"}}"] > 0);
        }
    }

    [Fact]
    public async Task Metrics_count_compressed_messages_with_their_compressed_and_payload_bytes()
    {
        var server = await StartServerAsync(ListenerKey("metrics=on"), "actorwss.websocket.permessage-deflate.enabled=on");
        var url = UrlOf(server);
        var label = $"listener=\"{Listener}\"";
        var payload = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("{\"room\":\"lobby\",\"text\":\"hi\"} ", 200)));
        var compressed = ClientDeflate.Compress(payload);

        await using var client = await RawWebSocketClient.ConnectAsync(url);
        await client.SendAsync(RawWebSocketClient.UpgradeRequest(url, "/", RawWebSocketClient.SampleKey,
            "Sec-WebSocket-Extensions: permessage-deflate"));
        Assert.Equal(101, (await client.ReadResponseHeadAsync()).Status);
        await client.SendFrameAsync(Opcode.Text, compressed, rsv: 0b100);
        var echo = await client.ReadFrameAsync();
        Assert.Equal(0b100, echo.Rsv);

        var samples = await ScrapeAsync(url);
        Assert.Equal(1, samples[$"actorwss_compressed_messages_received_total{{{label}}}"]);
        Assert.Equal(1, samples[$"actorwss_compressed_messages_sent_total{{{label}}}"]);
        Assert.Equal(compressed.Length, samples[$"actorwss_compressed_bytes_received_total{{{label}}}"]);
        Assert.Equal(echo.Payload.Length, samples[$"actorwss_compressed_bytes_sent_total{{{label}}}"]);
        Assert.Equal(payload.Length, samples[$"actorwss_compressed_payload_bytes_received_total{{{label}}}"]);
        Assert.Equal(payload.Length, samples[$"actorwss_compressed_payload_bytes_sent_total{{{label}}}"]);
        Assert.Equal(payload.Length, samples[$"actorwss_bytes_received_total{{{label}}}"]); // payload bytes, as inflated
    }

    [Fact]
    public async Task Metrics_are_not_served_on_listeners_that_do_not_enable_them()
    {
        var server = await StartServerAsync(ListenerKey("metrics=off"));
        await using var client = await RawWebSocketClient.ConnectAsync(UrlOf(server));

        await client.SendAsync("GET /metrics HTTP/1.1\r\nHost: h\r\n\r\n");

        Assert.Equal(404, (await client.ReadResponseAsync()).Head.Status);
    }

    [GeneratedRegex(@"^([a-z_]+(?:\{[^}]*\})?) (\S+)$")]
    private static partial Regex SampleLine();
}

public sealed class MetricsOverWs(ITestOutputHelper output) : MetricsScenarios(output, ServerMode.Ws);

public sealed class MetricsOverWssInline(ITestOutputHelper output) : MetricsScenarios(output, ServerMode.WssInline);

public sealed class MetricsOverWssOffload(ITestOutputHelper output) : MetricsScenarios(output, ServerMode.WssOffload);

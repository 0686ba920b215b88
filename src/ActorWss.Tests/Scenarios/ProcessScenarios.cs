using ActorWss.Tests.Support;
using ActorWss.WebSocket;

namespace ActorWss.Tests.Scenarios;

/// <summary>The server binary as operators run it: the shipped config, signals, exit codes.</summary>
public sealed class ProcessScenarios
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Sigterm_closes_open_connections_with_1001_and_exits_0()
    {
        await using var server = ServerProcess.Start("--config", "config/actorwss.conf", "--set", "actorwss.listeners.ws.port=0", "--set", "actorwss.listeners.wss.port=0");
        var url = await server.ListeningAsync(Timeout);
        await using var client = await RawWebSocketClient.OpenAsync(url);
        await client.SendTextAsync("before shutdown");
        Assert.Equal(Opcode.Text, (await client.ReadFrameAsync()).Opcode);

        server.Terminate();

        var close = await client.ReadCloseAsync();
        Assert.Equal(CloseStatus.GoingAway, close.CloseCode);
        await client.ReplyCloseAsync(CloseStatus.GoingAway);
        Assert.True(await client.WaitForServerCloseAsync());
        await client.DisposeAsync();
        Assert.Equal(0, await server.WaitForExitAsync(Timeout));
    }

    [Theory]
    [InlineData("actorwss.websocket.max-message-size=lots", "actorwss.websocket.max-message-size")]
    [InlineData("actorwss.listeners.ws.port=99999", "actorwss.listeners.ws.port")]
    [InlineData("actorwss.handler=shout", "actorwss.handler")]
    public async Task Invalid_configuration_stops_the_start_with_a_message_naming_the_key(string setting, string key)
    {
        await using var server = ServerProcess.Start("--config", "config/actorwss.conf", "--set", "actorwss.listeners.wss.port=0", "--set", setting);

        Assert.Equal(2, await server.WaitForExitAsync(Timeout));
        Assert.Contains($"invalid configuration: {key}:", server.Output);
    }

    [Theory]
    [InlineData("inline", "wss: TLS record work inline, on each connection's own thread")]
    [InlineData("offload", "wss: TLS record work offloaded to actorwss.tls.offload-dispatcher (")]
    [InlineData("adaptive", "wss: TLS record work inline for batches under ")]
    public Task The_start_log_says_where_tls_record_work_runs(string mode, string line) =>
        AssertStartLogSaysAsync(line, "--set", "actorwss.listeners.wss.port=0", "--set", $"actorwss.tls.mode={mode}");

    [Fact]
    public Task The_start_log_says_which_routes_accept_permessage_deflate() =>
        AssertStartLogSaysAsync("permessage-deflate (RFC 7692) accepted on route(s) echo; messages of 1024 bytes or more go compressed",
            "--set", "actorwss.listeners.wss.enabled=off", "--set", "actorwss.websocket.permessage-deflate.enabled=on",
            "--set", "actorwss.websocket.permessage-deflate.min-message-size=1KiB", "--set", "actorwss.routes.chat.permessage-deflate=off");

    /// <summary>The ready-made server, started with the shipped config and these overrides, logs <paramref name="line"/>.</summary>
    private static async Task AssertStartLogSaysAsync(string line, params string[] overrides)
    {
        await using var server = ServerProcess.Start(["--config", "config/actorwss.conf", "--set", "actorwss.listeners.ws.port=0", .. overrides]);
        await server.ListeningAsync(Timeout);

        for (var deadline = DateTime.UtcNow + Timeout; !server.Output.Contains(line, StringComparison.Ordinal) && DateTime.UtcNow < deadline;)
            await Task.Delay(100);
        Assert.Contains(line, server.Output);
    }

    [Fact]
    public async Task A_node_that_its_cluster_downs_exits_with_code_3_so_that_a_restart_policy_brings_it_back()
    {
        // Two nodes under keep-majority: when the one with the lower address crashes, the other is one half of an even
        // split, and on a tie the half with the lowest address stays (Akka's rule), so the survivor downs itself.
        int[] ports = [ClusterNode.FreePort(), ClusterNode.FreePort()];
        Array.Sort(ports);
        string[] Node(int port) =>
        [
            "--config", "config/actorwss.conf", "--set", "actorwss.listeners.ws.port=0", "--set", "actorwss.listeners.wss.enabled=off",
            "--set", "actorwss.cluster.enabled=on", "--set", "actorwss.cluster.host=127.0.0.1", "--set", "actorwss.cluster.public-host=127.0.0.1",
            "--set", $"actorwss.cluster.port={port}", "--set", $"actorwss.cluster.seed-nodes=akka.tcp://actorwss@127.0.0.1:{ports[0]}",
            "--set", "akka.cluster.split-brain-resolver.stable-after=2s", "--set", "akka.cluster.failure-detector.acceptable-heartbeat-pause=2s",
        ];
        await using var lower = ServerProcess.Start(Node(ports[0]));
        await using var higher = ServerProcess.Start(Node(ports[1]));
        var url = await higher.ListeningAsync(Timeout);
        Assert.True(await IsReadyWithinAsync(url, Timeout), // an Up member of the two-node cluster
            $"the second node never became ready.\nfirst:\n{lower.Output}\nsecond:\n{higher.Output}");

        lower.Kill();

        Assert.Equal(3, await higher.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("actorwss: stopped: the cluster downed this node (exit code 3)", higher.Output);
    }

    private static async Task<bool> IsReadyWithinAsync(Uri webSocketUrl, TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var readyz = new Uri($"http://{webSocketUrl.Authority}/readyz");
        for (var deadline = DateTime.UtcNow + timeout; DateTime.UtcNow < deadline; await Task.Delay(200))
        {
            try
            {
                using var response = await http.GetAsync(readyz);
                if (response.IsSuccessStatusCode) return true;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { }
        }
        return false;
    }

    [Fact]
    public async Task A_port_already_in_use_fails_the_start_with_exit_code_1()
    {
        await using var first = ServerProcess.Start("--config", "config/actorwss.conf", "--set", "actorwss.listeners.ws.port=0", "--set", "actorwss.listeners.wss.port=0");
        var url = await first.ListeningAsync(Timeout);

        await using var second = ServerProcess.Start("--config", "config/actorwss.conf", "--set", $"actorwss.listeners.ws.port={url.Port}", "--set", "actorwss.listeners.wss.port=0");

        Assert.Equal(1, await second.WaitForExitAsync(Timeout));
        Assert.Contains("cannot bind", second.Output);
    }
}

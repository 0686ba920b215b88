using System.Net.WebSockets;
using ActorWss.Tests.Support;
using ActorWss.WebSocket;
using Xunit.Abstractions;

namespace ActorWss.Tests.Scenarios;

/// <summary>Shutdown closes connections in batches (so that clients do not all reconnect at once); readiness follows it.</summary>
public sealed class DrainScenarios(ITestOutputHelper output) : ServerScenario(output)
{
    [Fact]
    public async Task Draining_closes_connections_a_batch_at_a_time_with_the_code_given()
    {
        var server = await StartServerAsync();
        var clients = new List<ReceivingClient>();
        for (int i = 0; i < 12; i++) clients.Add(await ReceivingClient.ConnectAsync(UrlOf(server)));

        var drained = server.DrainAsync(Timeout, CloseStatus.ServiceRestart, "restarting", batchSize: 4, interval: TimeSpan.FromSeconds(3));

        // The first batch is closed at once; the next one only after the interval, so at that moment 8 are still open.
        await Task.WhenAny(Task.WhenAll(clients.Select(c => c.Closed)), AtLeastClosed(clients, 4));
        Assert.Equal(4, clients.Count(c => c.Closed.IsCompleted));
        Assert.Equal(0, await drained.WaitAsync(Timeout));
        Assert.All(await Task.WhenAll(clients.Select(c => c.Closed)), status => Assert.Equal(1012, (int)status!));
        foreach (var client in clients) client.Dispose();
    }

    private static async Task AtLeastClosed(IReadOnlyList<ReceivingClient> clients, int count)
    {
        while (clients.Count(c => c.Closed.IsCompleted) < count) await Task.Delay(10);
    }

    [Fact]
    public async Task Readiness_is_200_while_serving_and_503_once_draining_while_liveness_stays()
    {
        var server = await StartServerAsync();

        var ready = await GetAsync(server, "/readyz");
        await server.StopAcceptingAsync();
        var notReady = server.Readiness.NotReadyBecause();

        Assert.Equal((200, "ready"), ready);
        Assert.Equal("draining", notReady);
    }

    private static async Task<(int Status, string Body)> GetAsync(Server.ActorWssServer server, string path)
    {
        await using var client = await RawWebSocketClient.ConnectAsync(UrlOf(server));
        await client.SendAsync($"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n");
        var (head, body) = await client.ReadResponseAsync();
        return (head.Status, body.Trim());
    }
}

using System.Net.Sockets;
using ActorWss.Tests.Support;
using ActorWss.WebSocket;
using Xunit.Abstractions;

namespace ActorWss.Tests.Reliability;

/// <summary>
/// Churn (fixed seed): many short connections at once, ending every way a client can end one, resets included, at
/// every phase. Afterwards nothing is left open and the server still serves.
/// </summary>
public abstract class ChurnScenarios(ITestOutputHelper output, ServerMode mode, int connections) : ServerScenario(output, mode)
{
    private const int Concurrency = 16;

    private static async Task RunOneAsync(Uri url, int action)
    {
        switch (action)
        {
            case 0: // a whole session, closed cleanly
            {
                await using var client = await RawWebSocketClient.OpenAsync(url);
                await client.SendTextAsync("hello");
                Assert.Equal(Opcode.Text, (await client.ReadFrameAsync()).Opcode);
                await client.SendAsync(ClientFrames.Close(CloseStatus.Normal));
                await client.ReadCloseAsync();
                break;
            }
            case 1: // reset right after the upgrade
                (await RawWebSocketClient.OpenAsync(url)).Reset();
                break;
            case 2: // reset in the middle of a frame
            {
                var client = await RawWebSocketClient.OpenAsync(url);
                await client.SendAsync(ClientFrames.Build(Opcode.Binary, new byte[300])[..100]);
                client.Reset();
                break;
            }
            case 3: // reset before any request
                (await RawWebSocketClient.ConnectAsync(url)).Reset();
                break;
            case 4: // reset in the middle of the request head
            {
                var client = await RawWebSocketClient.ConnectAsync(url);
                await client.SendAsync("GET / HTTP/1.1\r\nHost: h\r\nUpgr");
                client.Reset();
                break;
            }
            case 5: // reset while the echo is on its way
            {
                var client = await RawWebSocketClient.OpenAsync(url);
                await client.SendFrameAsync(Opcode.Binary, new byte[32 * 1024]);
                client.Reset();
                break;
            }
            default: // half-close without a Close frame
            {
                await using var client = await RawWebSocketClient.OpenAsync(url);
                client.ShutdownSend();
                await client.WaitForServerCloseAsync();
                break;
            }
        }
    }

    [Fact]
    public async Task Connections_ending_every_way_at_once_leave_nothing_open()
    {
        var server = await StartServerAsync();
        var url = UrlOf(server);
        var random = new Random(1455);
        var actions = Enumerable.Range(0, connections).Select(_ => random.Next(7)).ToArray();
        using var slots = new SemaphoreSlim(Concurrency);

        await Task.WhenAll(actions.Select(async action =>
        {
            await slots.WaitAsync();
            try { await RunOneAsync(url, action); }
            catch (Exception e) when (e is IOException or SocketException) { } // the server may see a reset first, too
            finally { slots.Release(); }
        }));

        await AwaitAssertAsync(async () =>
        {
            Assert.Equal(0, await server.ConnectionCountAsync());
            Assert.Equal(0, server.Metrics[Listener].ConnectionsOpen);
        }, Timeout);
        await AssertServerStillEchoesAsync(server);
    }
}

public sealed class ChurnOverWs(ITestOutputHelper output) : ChurnScenarios(output, ServerMode.Ws, connections: 600);

public sealed class ChurnOverWssInline(ITestOutputHelper output) : ChurnScenarios(output, ServerMode.WssInline, connections: 200);

public sealed class ChurnOverWssOffload(ITestOutputHelper output) : ChurnScenarios(output, ServerMode.WssOffload, connections: 200);

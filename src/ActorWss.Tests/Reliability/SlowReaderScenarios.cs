using System.Net.Sockets;
using ActorWss.Tests.Support;
using ActorWss.WebSocket;
using Akka.Event;
using Xunit.Abstractions;

namespace ActorWss.Tests.Reliability;

/// <summary>
/// Clients that send and never read: back-pressure must stop the server from reading them, so what each can make it
/// take is bounded by what the kernels buffer plus a few messages, not by how much the client sends.
/// </summary>
public abstract class SlowReaderScenarios(ITestOutputHelper output, ServerMode mode) : ServerScenario(output, mode)
{
    private const int Clients = 4;
    private const int MessageBytes = 64 * 1024;
    private const long Attempt = 256L << 20;

    /// <summary>The most Linux lets loopback buffer for one connection: the server's receive and send windows, the client's receive window.</summary>
    private static long KernelBufferBound()
    {
        static long Max(string file) => long.Parse(File.ReadAllText(file).Split('\t', ' ').Last(s => s.Length > 0).Trim(),
            System.Globalization.CultureInfo.InvariantCulture);
        return 2 * Max("/proc/sys/net/ipv4/tcp_rmem") + Max("/proc/sys/net/ipv4/tcp_wmem");
    }

    /// <summary>Sends until a send makes no progress for a while (the server stopped reading), or the attempt is exhausted.</summary>
    private static async Task<long> SendUntilBlockedAsync(Uri url)
    {
        await using var client = await RawWebSocketClient.OpenAsync(url);
        client.ShrinkReceiveBuffer();
        var frame = ClientFrames.Build(Opcode.Binary, new byte[MessageBytes]);
        long sent = 0;
        while (sent < Attempt)
        {
            var send = client.SendAsync(frame);
            if (await Task.WhenAny(send, Task.Delay(TimeSpan.FromSeconds(2))) != send) break; // blocked: the window to tell, not a threshold
            sent += frame.Length;
        }
        client.Reset();
        return sent;
    }

    [Fact]
    public async Task Clients_that_never_read_can_make_the_server_take_only_a_bounded_amount()
    {
        var server = await StartServerAsync($"actorwss.websocket.max-message-size={MessageBytes}");
        long bound = KernelBufferBound() + 4 * MessageBytes;

        var taken = await Task.WhenAll(Enumerable.Range(0, Clients).Select(_ => SendUntilBlockedAsync(UrlOf(server))));

        Sys.Log.Info($"taken per client: {string.Join(", ", taken.Select(b => b.ToString("N0")))} bytes; bound {bound:N0}");
        foreach (var bytes in taken)
            Assert.True(bytes < bound, $"a client that never reads got {bytes:N0} bytes taken (bound {bound:N0}): back-pressure failed");
        await AwaitAssertAsync(async () => Assert.Equal(0, await server.ConnectionCountAsync()), Timeout);
    }
}

public sealed class SlowReaderOverWs(ITestOutputHelper output) : SlowReaderScenarios(output, ServerMode.Ws);

public sealed class SlowReaderOverWssInline(ITestOutputHelper output) : SlowReaderScenarios(output, ServerMode.WssInline);

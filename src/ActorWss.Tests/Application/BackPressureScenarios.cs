using System.Net.WebSockets;
using ActorWss.Connections;
using ActorWss.Routing;
using ActorWss.Tests.Support;
using ActorWss.WebSocket;
using Akka.Actor;
using Akka.Streams.Dsl;
using Xunit.Abstractions;

namespace ActorWss.Tests.Application;

/// <summary>
/// A handler that does not keep up slows its own client down: the client's sends stall after a bounded number of
/// bytes (the socket buffers and one message per layer), nothing piles up in the server, and once the handler moves
/// again every message arrives, in order.
/// </summary>
public abstract class BackPressureScenarios(ITestOutputHelper output, ServerMode mode) : ServerScenario(output, mode)
{
    private const int MessageBytes = 64 * 1024;

    /// <summary>The client would send this much if nothing held it back.</summary>
    private const long Unbounded = 256L * 1024 * 1024;

    /// <summary>Loopback socket buffers hold a few MiB each way; anything near this means the server buffered.</summary>
    private const long Bound = 64L * 1024 * 1024;

    /// <summary>Waits on a gate before each message it handles, and reports each message's number.</summary>
    private sealed class GatedActor : WebSocketActor
    {
        public GatedActor(Task gate, IActorRef observer) => ReceiveAsync<Message>(async message =>
        {
            await gate;
            observer.Tell(BitConverter.ToInt32(message.Payload.ToArray(), 0));
        });
    }

    private static Flow<Message, Message, Akka.NotUsed> GatedFlow(Task gate, IActorRef observer) => Flow.Create<Message>()
        .SelectAsync(1, async message =>
        {
            await gate;
            observer.Tell(BitConverter.ToInt32(message.Payload.ToArray(), 0));
            return message;
        })
        .Where(_ => false);

    [Theory]
    [InlineData("actor")]
    [InlineData("flow")]
    public async Task A_slow_handler_stalls_its_clients_sends_within_a_bounded_number_of_bytes(string shape)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var observer = TestActor;
        var handler = shape == "actor"
            ? WebSocketHandler.FromActor(_ => Props.Create(() => new GatedActor(gate.Task, observer)))
            : WebSocketHandler.FromFlow(GatedFlow(gate.Task, observer));
        var server = await StartServerAsync(ws => ws.MapRoute("slow", "/slow", handler));
        using var client = await ConnectClientAsync(new Uri(UrlOf(server), "/slow"));

        // Send until a send stays pending: that is the server no longer reading.
        var message = new byte[MessageBytes];
        int sent = 0;
        Task? pending = null;
        while ((long)sent * MessageBytes < Unbounded)
        {
            BitConverter.TryWriteBytes(message, sent);
            var send = client.SendAsync(message, WebSocketMessageType.Binary, true, CancellationToken.None);
            if (await Task.WhenAny(send, Task.Delay(TimeSpan.FromSeconds(2))) != send)
            {
                pending = send;
                break;
            }
            sent++;
        }
        Output.WriteLine($"{shape}: the client's sends stalled after {sent} messages ({(long)sent * MessageBytes / 1024} KiB)");
        Assert.NotNull(pending);
        Assert.InRange((long)sent * MessageBytes, MessageBytes, Bound);

        gate.SetResult();
        await pending!.WaitAsync(Timeout);
        var received = ReceiveN(sent + 1, Timeout).Cast<int>().ToArray();
        Assert.Equal(Enumerable.Range(0, sent + 1), received);
    }
}

public sealed class BackPressureOverWs(ITestOutputHelper output) : BackPressureScenarios(output, ServerMode.Ws);

public sealed class BackPressureOverWssInline(ITestOutputHelper output) : BackPressureScenarios(output, ServerMode.WssInline);

public sealed class BackPressureOverWssOffload(ITestOutputHelper output) : BackPressureScenarios(output, ServerMode.WssOffload);

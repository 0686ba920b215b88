using ActorWss.Tests.Reliability.Fuzz;
using ActorWss.Tests.Support;
using Xunit.Abstractions;

namespace ActorWss.Tests.Reliability;

/// <summary>
/// Fuzzed opening handshakes (fixed seed) against <see cref="HandshakeFuzzer"/>'s statuses: 101 (with the right
/// Sec-WebSocket-Accept) exactly when nothing is wrong, otherwise a status one of the broken rules calls for, with the
/// headers RFC 6455 asks of it; and every connection ends.
/// </summary>
public sealed class HandshakeFuzzScenarios(ITestOutputHelper output) : ServerScenario(output)
{
    [Fact]
    public async Task Fuzzed_handshakes_get_the_answers_of_the_rfcs()
    {
        var server = await StartServerAsync($"actorwss.http.allowed-origins=[\"{HandshakeFuzzer.AllowedOrigin}\"]",
            "actorwss.websocket.subprotocols=[chat]");
        var fuzzer = new HandshakeFuzzer(seed: 4221);
        for (int i = 0; i < 300; i++)
        {
            var handshake = fuzzer.Next();
            var what = $"case {i} ({string.Join("; ", handshake.Changes)})";
            await using var client = await RawWebSocketClient.ConnectAsync(UrlOf(server));
            await client.SendAsync(handshake.Text);

            var head = await client.ReadResponseHeadAsync();

            Assert.True(handshake.Statuses.Contains(head.Status),
                $"{what}: answered {head.StatusLine}, expected one of {string.Join(", ", handshake.Statuses)}");
            switch (head.Status)
            {
                case 101:
                    Assert.Equal(handshake.ExpectedAccept, head["Sec-WebSocket-Accept"]); // §4.2.2 item 5.4
                    await client.SendAsync(ClientFrames.Close(1000));
                    Assert.Equal((ushort)1000, (await client.ReadCloseAsync()).CloseCode);
                    break;
                case 426:
                    Assert.Equal("13", head["Sec-WebSocket-Version"]); // §4.4
                    break;
                case 405:
                    Assert.NotNull(head["Allow"]); // RFC 9110 §15.5.6
                    break;
            }
            Assert.True(await client.WaitForServerCloseAsync(), $"{what}: the server should close the connection");
        }
        await AwaitAssertAsync(async () => Assert.Equal(0, await server.ConnectionCountAsync()), Timeout);
    }
}

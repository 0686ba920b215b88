using System.Text;
using ActorWss.Tests.Support;
using ActorWss.WebSocket;
using Xunit.Abstractions;

namespace ActorWss.Tests.Scenarios;

/// <summary>
/// wss:// on the event loops: the replies to messages that arrive together (pipelined, in one TLS record) are
/// encrypted together, not one record per reply, and each still arrives whole and in order.
/// </summary>
public abstract class TlsCorkScenarios(ITestOutputHelper output, ServerMode mode) : ServerScenario(output, mode)
{
    private const int Messages = 50;

    [Fact]
    public async Task Replies_to_messages_read_together_are_encrypted_in_a_few_steps()
    {
        var steps = await EncryptStepsPerRoundAsync();

        // Uncorked, each reply was a step (and a record) of its own (the next test).
        Assert.All(steps, n => Assert.True(n <= 3, $"{Messages} replies took {n} encrypt steps"));
    }

    [Fact]
    public async Task With_cork_writes_off_each_reply_is_encrypted_as_it_comes()
    {
        var steps = await EncryptStepsPerRoundAsync("actorwss.transport.cork-writes=off");

        Assert.All(steps, n => Assert.Equal(Messages, n));
    }

    /// <summary>Three rounds of 50 messages sent at once; the encrypt steps each round took to echo them, in order.</summary>
    private async Task<List<long>> EncryptStepsPerRoundAsync(params string[] overrides)
    {
        const int messages = Messages;
        var server = await StartServerAsync(overrides);
        await using var client = await RawWebSocketClient.OpenAsync(UrlOf(server));
        var encryptSteps = server.Metrics[Listener].TlsEncryptStepBytes;
        var steps = new List<long>();
        // One echo first: messages read before the route's handler has started are answered in a later run, uncorked.
        await client.SendFrameAsync(Opcode.Text, "first"u8.ToArray());
        Assert.Equal("first", Encoding.UTF8.GetString((await client.ReadFrameAsync()).Payload));

        for (int round = 0; round < 3; round++)
        {
            long before = encryptSteps.Count;
            // One write of the client's SslStream: one TLS record holding all the frames, read by the server at once.
            await client.SendAsync(Enumerable.Range(0, messages)
                .SelectMany(i => ClientFrames.Build(Opcode.Text, Encoding.UTF8.GetBytes($"{round}:{i}"))).ToArray());

            for (int i = 0; i < messages; i++)
            {
                var echo = await client.ReadFrameAsync();
                Assert.Equal($"{round}:{i}", Encoding.UTF8.GetString(echo.Payload));
            }
            steps.Add(encryptSteps.Count - before);
        }
        return steps;
    }
}

public sealed class TlsCorkOverWssInline(ITestOutputHelper output) : TlsCorkScenarios(output, ServerMode.WssInline);

public sealed class TlsCorkOverWssOffload(ITestOutputHelper output) : TlsCorkScenarios(output, ServerMode.WssOffload);

using ActorWss.Tests.Reliability.Fuzz;
using ActorWss.Tests.Support;
using ActorWss.WebSocket;
using Xunit.Abstractions;

namespace ActorWss.Tests.Reliability;

/// <summary>
/// Fuzzed frame sequences (fixed seeds) against <see cref="FrameOracle"/>: the server echoes what the RFC says it
/// echoes, in order, answers pings only with their payloads, closes with a code the RFC allows for what was broken,
/// closes TCP after its Close, and ends every connection.
/// </summary>
public abstract class FrameFuzzScenarios(ITestOutputHelper output, ServerMode mode, int seed, int cases) : ServerScenario(output, mode)
{
    private const int Limit = 1024;

    [Fact]
    public async Task Fuzzed_frames_get_the_answers_of_the_rfc()
    {
        var server = await StartServerAsync($"actorwss.websocket.max-message-size={Limit}");
        var fuzzer = new FrameFuzzer(seed, Limit);
        for (int i = 0; i < cases; i++)
        {
            var frames = fuzzer.NextSequence();
            var verdict = FrameOracle.Judge(frames, Limit);
            var what = $"seed {seed}, case {i}: {string.Join(" ", frames)}";

            await using var client = await RawWebSocketClient.OpenAsync(UrlOf(server));
            foreach (var part in fuzzer.Split(frames.SelectMany(f => f.ToBytes()).ToArray())) await client.SendAsync(part);

            var echoes = new List<(byte, byte[])>();
            ReceivedFrame frame;
            while ((frame = await client.ReadFrameAsync()).Opcode != Opcode.Close)
            {
                if (frame.Opcode == Opcode.Pong)
                    Assert.True(verdict.Pings.Any(p => p.SequenceEqual(frame.Payload)), $"{what}: a pong nobody pinged for");
                else
                    echoes.Add(((byte)frame.Opcode, frame.Payload));
            }

            Assert.True(verdict.CloseCodes.Contains(frame.CloseCode ?? 0),
                $"{what}: closed with {frame.CloseCode} ({frame.CloseReason}), expected one of {string.Join(", ", verdict.CloseCodes)}");
            Assert.True((verdict.AllEchoed ? verdict.Echoes.Count == echoes.Count : echoes.Count <= verdict.Echoes.Count)
                && verdict.Echoes.Zip(echoes).All(pair => pair.First.Opcode == pair.Second.Item1 && pair.First.Payload.SequenceEqual(pair.Second.Item2)),
                $"{what}: echoed {echoes.Count} message(s), expected {(verdict.AllEchoed ? "" : "at most ")}{verdict.Echoes.Count}");
            try { await client.ReplyCloseAsync(); }
            catch (IOException) { } // the server may have closed its side already; the reply is a courtesy here
            Assert.True(await client.WaitForServerCloseAsync(), $"{what}: TCP should close after the Close frame");
        }
        await AwaitAssertAsync(async () => Assert.Equal(0, await server.ConnectionCountAsync()), Timeout);
    }
}

public sealed class FrameFuzzOverWs(ITestOutputHelper output) : FrameFuzzScenarios(output, ServerMode.Ws, seed: 6455, cases: 300);

public sealed class FrameFuzzOverWssInline(ITestOutputHelper output) : FrameFuzzScenarios(output, ServerMode.WssInline, seed: 7, cases: 100);

public sealed class FrameFuzzOverWssOffload(ITestOutputHelper output) : FrameFuzzScenarios(output, ServerMode.WssOffload, seed: 12, cases: 100);

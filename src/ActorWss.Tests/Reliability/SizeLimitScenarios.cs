using ActorWss.Tests.Support;
using ActorWss.WebSocket;
using Xunit.Abstractions;

namespace ActorWss.Tests.Reliability;

/// <summary>
/// The message size limit (§7.4.1, 1009) at the edges of its arithmetic: declared lengths near 2^63, the running
/// length of a fragmented message, and the length a previous message leaves behind. Every refusal is decided on
/// the frame header, before any payload is buffered.
/// </summary>
public abstract class SizeLimitScenarios(ITestOutputHelper output, ServerMode mode) : ServerScenario(output, mode)
{
    private const long Limit = 1024;

    private Task<Server.ActorWssServer> StartWithLimitAsync() => StartServerAsync($"actorwss.websocket.max-message-size={Limit}");

    /// <summary>Declared lengths that overflow a signed 64-bit sum with a running length of 1 or more.</summary>
    public static TheoryData<ulong> HugeLengths => new() { long.MaxValue, long.MaxValue - 1, (ulong)long.MaxValue / 2 + 1, (ulong)uint.MaxValue + 1 };

    [Theory]
    [MemberData(nameof(HugeLengths))]
    public async Task A_continuation_declaring_a_huge_length_after_a_1_byte_fragment_fails_with_1009(ulong declared)
    {
        var server = await StartWithLimitAsync();
        await using var client = await RawWebSocketClient.OpenAsync(UrlOf(server));

        await client.SendFrameAsync(Opcode.Binary, [1], fin: false);
        await client.SendAsync(ClientFrames.Build(Opcode.Continuation, [], declaredLength: declared));

        await AssertFailedWithAsync(client, CloseStatus.MessageTooBig);
    }

    [Theory]
    [MemberData(nameof(HugeLengths))]
    public async Task A_frame_declaring_a_huge_length_after_a_complete_1_byte_message_fails_with_1009(ulong declared)
    {
        var server = await StartWithLimitAsync();
        await using var client = await RawWebSocketClient.OpenAsync(UrlOf(server));
        await client.SendFrameAsync(Opcode.Binary, [1]);
        Assert.Single((await client.ReadFrameAsync()).Payload);

        await client.SendAsync(ClientFrames.Build(Opcode.Binary, [], declaredLength: declared));

        await AssertFailedWithAsync(client, CloseStatus.MessageTooBig);
    }

    [Fact]
    public async Task A_message_is_measured_on_its_own_not_with_the_previous_one()
    {
        var server = await StartWithLimitAsync();
        await using var client = await RawWebSocketClient.OpenAsync(UrlOf(server));

        // 1000 + 1000 > 1024, but each message is within the limit: both are echoed.
        foreach (var size in new[] { 1000, 1000, (int)Limit, 1, (int)Limit })
        {
            await client.SendFrameAsync(Opcode.Binary, new byte[size]);
            Assert.Equal(size, (await client.ReadFrameAsync()).Payload.Length);
        }
    }

    [Fact]
    public async Task A_fragmented_message_is_measured_on_its_own_not_with_the_previous_one()
    {
        var server = await StartWithLimitAsync();
        await using var client = await RawWebSocketClient.OpenAsync(UrlOf(server));
        await client.SendFrameAsync(Opcode.Binary, new byte[900]);
        Assert.Equal(900, (await client.ReadFrameAsync()).Payload.Length);

        await client.SendFrameAsync(Opcode.Text, new byte[500], fin: false);
        await client.SendFrameAsync(Opcode.Continuation, new byte[524]);

        Assert.Equal((int)Limit, (await client.ReadFrameAsync()).Payload.Length);
    }

    [Fact]
    public async Task Fragments_one_byte_over_the_limit_fail_with_1009()
    {
        var server = await StartWithLimitAsync();
        await using var client = await RawWebSocketClient.OpenAsync(UrlOf(server));

        await client.SendFrameAsync(Opcode.Binary, new byte[512], fin: false);
        await client.SendFrameAsync(Opcode.Continuation, [], fin: false);
        await client.SendFrameAsync(Opcode.Continuation, new byte[513]);

        await AssertFailedWithAsync(client, CloseStatus.MessageTooBig);
    }

    [Fact]
    public async Task Empty_fragments_around_a_message_at_the_limit_are_fine()
    {
        var server = await StartWithLimitAsync();
        await using var client = await RawWebSocketClient.OpenAsync(UrlOf(server));

        await client.SendFrameAsync(Opcode.Binary, [], fin: false);
        await client.SendFrameAsync(Opcode.Continuation, new byte[Limit], fin: false);
        await client.SendFrameAsync(Opcode.Continuation, []);

        Assert.Equal((int)Limit, (await client.ReadFrameAsync()).Payload.Length);
    }

    [Fact]
    public async Task A_10_MiB_message_then_a_7_MiB_one_are_both_echoed_under_the_default_16_MiB_limit()
    {
        var server = await StartServerAsync();
        await using var client = await RawWebSocketClient.OpenAsync(UrlOf(server));

        foreach (var size in new[] { 10 << 20, 7 << 20 })
        {
            var send = client.SendFrameAsync(Opcode.Binary, new byte[size]);
            var echo = await client.ReadFrameAsync();
            await send;
            Assert.Equal((Opcode.Binary, size), (echo.Opcode, echo.Payload.Length));
        }
    }
}

public sealed class SizeLimitOverWs(ITestOutputHelper output) : SizeLimitScenarios(output, ServerMode.Ws);

public sealed class SizeLimitOverWssInline(ITestOutputHelper output) : SizeLimitScenarios(output, ServerMode.WssInline);

public sealed class SizeLimitOverWssOffload(ITestOutputHelper output) : SizeLimitScenarios(output, ServerMode.WssOffload);

using System.Text;
using ActorWss.Tests.Support;
using ActorWss.WebSocket;
using Xunit.Abstractions;

namespace ActorWss.Tests.Reliability;

/// <summary>
/// RFC 7692 with random messages (fixed seeds): text and binary, compressible and not, sent compressed or plain in
/// random fragments, several per connection; each comes back equal, compressed or not. Then compressed payloads with
/// bytes flipped: the server answers each with an echo or a Close the RFCs allow (1007 for data that does not inflate
/// or is not UTF-8 once inflated, 1009 past the limit), and keeps serving.
/// </summary>
public abstract class CompressionFuzzScenarios(ITestOutputHelper output, ServerMode mode, int seed, int cases) : ServerScenario(output, mode)
{
    private const int Limit = 64 * 1024;
    private const byte Rsv1 = 0b100;
    private static readonly string[] Words = ["room", "lobby", "κόσμε", "✓", "hello", "{\"a\":1}", "🙂", "text", " "];

    private static byte[] RandomPayload(Random random, bool text)
    {
        int length = random.Next(0, 3000);
        if (text)
        {
            var builder = new StringBuilder();
            while (Encoding.UTF8.GetByteCount(builder.ToString()) < length) builder.Append(Words[random.Next(Words.Length)]);
            return Encoding.UTF8.GetBytes(builder.ToString());
        }
        var bytes = new byte[length];
        if (random.Next(2) == 0) random.NextBytes(bytes); // incompressible
        else for (int i = 0; i < length; i++) bytes[i] = (byte)(i % 7);
        return bytes;
    }

    /// <summary>The message as frames: compressed (RSV1 on the first) or plain, in 1 to 4 fragments.</summary>
    private static byte[] Frames(Random random, Opcode opcode, byte[] wirePayload, bool compressed)
    {
        int fragments = Math.Min(random.Next(1, 5), Math.Max(1, wirePayload.Length));
        var frames = new List<byte>();
        int offset = 0;
        for (int i = 0; i < fragments; i++)
        {
            int size = i == fragments - 1 ? wirePayload.Length - offset : random.Next(0, wirePayload.Length - offset + 1);
            frames.AddRange(ClientFrames.Build(i == 0 ? opcode : Opcode.Continuation, wirePayload.AsSpan(offset, size),
                fin: i == fragments - 1, rsv: i == 0 && compressed ? Rsv1 : (byte)0));
            offset += size;
        }
        return [.. frames];
    }

    private async Task<RawWebSocketClient> OpenAsync(Uri url)
    {
        var client = await RawWebSocketClient.ConnectAsync(url);
        await client.SendAsync(RawWebSocketClient.UpgradeRequest(url, "/", RawWebSocketClient.SampleKey,
            "Sec-WebSocket-Extensions: permessage-deflate"));
        var head = await client.ReadResponseHeadAsync();
        Assert.Equal(101, head.Status);
        Assert.StartsWith("permessage-deflate", head["Sec-WebSocket-Extensions"]);
        return client;
    }

    [Fact]
    public async Task Random_messages_come_back_equal_and_corrupted_ones_get_the_allowed_answers()
    {
        var server = await StartServerAsync("actorwss.websocket.permessage-deflate.enabled=on",
            "actorwss.websocket.permessage-deflate.min-message-size=0", $"actorwss.websocket.max-message-size={Limit}");
        var random = new Random(seed);
        for (int i = 0; i < cases; i++)
        {
            await using var client = await OpenAsync(UrlOf(server));
            for (int m = 0; m < 5; m++)
            {
                bool text = random.Next(2) == 0;
                var payload = RandomPayload(random, text);
                bool compressed = random.Next(10) < 7;
                var opcode = text ? Opcode.Text : Opcode.Binary;
                await client.SendAsync(Frames(random, opcode, compressed ? ClientDeflate.Compress(payload) : payload, compressed));

                var echo = await client.ReadFrameAsync();
                var what = $"seed {seed}, case {i}, message {m}: {payload.Length} bytes, text={text}, compressed={compressed}";
                Assert.True(echo.Opcode == opcode && echo.Fin, $"{what}: got {echo.Opcode} ({echo.CloseCode} {echo.CloseReason})");
                Assert.True(payload.AsSpan().SequenceEqual(echo.Rsv == Rsv1 ? ClientDeflate.Inflate(echo.Payload) : echo.Payload), what);
            }

            // Corrupted: flip up to three bytes of a compressed message.
            var original = RandomPayload(random, text: true);
            var corrupted = ClientDeflate.Compress(original);
            for (int f = random.Next(1, 4); f > 0 && corrupted.Length > 0; f--) corrupted[random.Next(corrupted.Length)] ^= (byte)random.Next(1, 256);
            await client.SendAsync(ClientFrames.Build(Opcode.Text, corrupted, rsv: Rsv1));
            var answer = await client.ReadFrameAsync();
            var case_ = $"seed {seed}, case {i}, corrupted {Convert.ToHexString(corrupted)}";
            if (answer.Opcode == Opcode.Close)
            {
                Assert.True(answer.CloseCode is CloseStatus.InvalidPayload or CloseStatus.MessageTooBig,
                    $"{case_}: closed with {answer.CloseCode} ({answer.CloseReason})");
                Assert.True(await client.WaitForServerCloseAsync(), $"{case_}: TCP should close after the Close frame");
            }
            else
            {
                // Still DEFLATE data: it inflated to something, which must be valid UTF-8 text.
                Assert.True(answer.Opcode == Opcode.Text, $"{case_}: got {answer.Opcode}");
                var inflated = answer.Rsv == Rsv1 ? ClientDeflate.Inflate(answer.Payload) : answer.Payload;
                Assert.True(System.Text.Unicode.Utf8.IsValid(inflated), $"{case_}: echoed text that is not UTF-8");
            }
        }
        await AwaitAssertAsync(async () => Assert.Equal(0, await server.ConnectionCountAsync()), Timeout);
    }
}

public sealed class CompressionFuzzOverWs(ITestOutputHelper output) : CompressionFuzzScenarios(output, ServerMode.Ws, seed: 7692, cases: 60);

public sealed class CompressionFuzzOverWssInline(ITestOutputHelper output) : CompressionFuzzScenarios(output, ServerMode.WssInline, seed: 1951, cases: 30);

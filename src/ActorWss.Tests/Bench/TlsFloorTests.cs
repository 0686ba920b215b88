using ActorWss.Bench.Cli;
using Xunit;

namespace ActorWss.Tests.Bench;

/// <summary>The bench's tls-floor: a real TLS 1.3 session in memory, carrying an echo's records of the right sizes.</summary>
public sealed class TlsFloorTests
{
    [Theory]
    [InlineData(64, 70, 66)]
    [InlineData(4096, 4104, 4100)]
    public void Echo_records_of_a_websocket_message_cross_a_real_tls_13_session(int size, int inPlaintext, int outPlaintext)
    {
        var floor = TlsFloorCommand.Measure(size, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(20));

        Assert.Equal(inPlaintext, floor.InPlaintext);
        Assert.Equal(outPlaintext, floor.OutPlaintext);
        Assert.StartsWith("Tls13 TLS_AES_", floor.Cipher);
        Assert.True(floor.UsPerEcho > 0 && double.IsFinite(floor.UsPerEcho), $"{floor.UsPerEcho} us per echo");
    }

    [Fact]
    public void Echoes_take_turns_on_several_sessions()
    {
        var floor = TlsFloorCommand.Measure(64, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(20), sessions: 3);

        Assert.StartsWith("Tls13 TLS_AES_", floor.Cipher);
        Assert.True(floor.FewestEchoesPerSession > 0, "a session carried no echo");
        Assert.InRange(floor.MostEchoesPerSession - floor.FewestEchoesPerSession, 0, 1);
    }
}

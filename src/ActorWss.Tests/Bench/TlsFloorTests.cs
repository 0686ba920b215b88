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
}

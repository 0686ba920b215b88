using ActorWss.WebSocket;

namespace ActorWss.Tests.Codec;

/// <summary>RFC 6455 §7.4: which status codes a peer may put in a Close frame.</summary>
public class CloseStatusTests
{
    [Theory]
    [InlineData(1000)]
    [InlineData(1001)]
    [InlineData(1002)]
    [InlineData(1003)]
    [InlineData(1007)]
    [InlineData(1008)]
    [InlineData(1009)]
    [InlineData(1010)]
    [InlineData(1011)]
    [InlineData(1012)]
    [InlineData(1013)]
    [InlineData(1014)]
    [InlineData(3000)]
    [InlineData(3999)]
    [InlineData(4000)]
    [InlineData(4999)]
    public void A_defined_registered_or_application_code_is_valid_on_the_wire(int code)
    {
        Assert.True(CloseStatus.IsValidOnWire((ushort)code));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(999)]
    [InlineData(1004)]
    [InlineData(1005)]
    [InlineData(1006)]
    [InlineData(1015)]
    [InlineData(1016)]
    [InlineData(1100)]
    [InlineData(2000)]
    [InlineData(2999)]
    [InlineData(5000)]
    [InlineData(65535)]
    public void A_reserved_or_unassigned_code_is_not_valid_on_the_wire(int code)
    {
        Assert.False(CloseStatus.IsValidOnWire((ushort)code));
    }

    [Fact]
    public void Every_code_the_server_sends_is_valid_on_the_wire()
    {
        ushort[] sent =
        [
            CloseStatus.Normal, CloseStatus.GoingAway, CloseStatus.ProtocolError, CloseStatus.UnsupportedData,
            CloseStatus.InvalidPayload, CloseStatus.PolicyViolation, CloseStatus.MessageTooBig,
            CloseStatus.MandatoryExtension, CloseStatus.InternalError,
        ];

        Assert.All(sent, code => Assert.True(CloseStatus.IsValidOnWire(code), $"{code}"));
    }

    [Fact]
    public void The_codes_that_only_report_local_events_are_never_valid_on_the_wire()
    {
        Assert.False(CloseStatus.IsValidOnWire(CloseStatus.NoStatusReceived));
        Assert.False(CloseStatus.IsValidOnWire(CloseStatus.Abnormal));
    }
}

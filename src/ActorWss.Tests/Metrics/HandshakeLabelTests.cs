using ActorWss.Http;
using ActorWss.Metrics;

namespace ActorWss.Tests.Metrics;

/// <summary>HTTP phase outcomes are labelled by their kind, never by matching the text of a reason.</summary>
public sealed class HandshakeLabelTests
{
    [Theory]
    [InlineData(nameof(AbandonKind.TimedOut), "timeout")]
    [InlineData(nameof(AbandonKind.Closed), "abandoned")]
    [InlineData(nameof(AbandonKind.Failed), "abandoned")]
    public void An_abandoned_handshake_is_labelled_by_its_kind_whatever_its_text(string kindName, string label)
    {
        var kind = Enum.Parse<AbandonKind>(kindName);
        var metrics = new ListenerMetrics("ws");

        metrics.OnHandshake(new Abandoned(kind, "handshake timeout: worded like a timeout"));

        Assert.Equal(1, metrics.Handshakes[label]);
    }
}

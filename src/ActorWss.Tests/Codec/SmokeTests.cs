namespace ActorWss.Tests.Codec;

public class SmokeTests
{
    [Fact]
    public void Accept_matches_the_rfc_6455_example() =>
        Assert.Equal("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", ActorWss.Http.WebSocketAccept.Compute("dGhlIHNhbXBsZSBub25jZQ=="));
}

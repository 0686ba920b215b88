using ActorWss.Http;

namespace ActorWss.Tests.Codec;

/// <summary>RFC 7692 §5 and §7.1: which permessage-deflate offers are accepted, and the response to each.</summary>
public class PerMessageDeflateNegotiationTests
{
    private const string NoTakeover = "permessage-deflate; server_no_context_takeover; client_no_context_takeover";

    private static HttpRequest Request(params string[] extensionHeaders) =>
        new("GET", "/", "HTTP/1.1",
        [
            new("Host", "localhost"), new("Upgrade", "websocket"), new("Connection", "Upgrade"),
            new("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="), new("Sec-WebSocket-Version", "13"),
            .. extensionHeaders.Select(value => new KeyValuePair<string, string>("Sec-WebSocket-Extensions", value)),
        ]);

    public static TheoryData<string, string?> Offers => new()
    {
        // What browsers and libraries send.
        { "permessage-deflate", NoTakeover },
        { "permessage-deflate; client_max_window_bits", NoTakeover },                                  // Chrome, python websockets
        { "permessage-deflate; server_no_context_takeover; client_no_context_takeover", NoTakeover },   // gorilla
        { "permessage-deflate; client_max_window_bits=15; server_max_window_bits=15", NoTakeover + "; server_max_window_bits=15" },
        { "permessage-deflate; client_max_window_bits=9", NoTakeover },      // any client window: our inflater reads it
        { "permessage-deflate; client_max_window_bits=\"10\"", NoTakeover }, // RFC 6455 §9.1: a quoted token
        { "PerMessage-Deflate ;  client_no_context_takeover", NoTakeover },
        // §7.1.2.1: a smaller server window cannot be honoured (the deflater's window is fixed): declined.
        { "permessage-deflate; server_max_window_bits=10", null },
        // §7.1: invalid offers are declined.
        { "permessage-deflate; server_max_window_bits", null },              // a value is required
        { "permessage-deflate; server_max_window_bits=16", null },
        { "permessage-deflate; client_max_window_bits=7", null },
        { "permessage-deflate; client_max_window_bits=015", null },          // no leading zeros
        { "permessage-deflate; server_no_context_takeover=1", null },        // takes no value
        { "permessage-deflate; client_no_context_takeover; client_no_context_takeover", null }, // duplicate
        { "permessage-deflate; unknown_parameter", null },
        { "permessage-deflate;", null },
        // Other extensions are not ours.
        { "x-webkit-deflate-frame", null },
        { "deflate-frame; no_context_takeover", null },
    };

    [Theory]
    [MemberData(nameof(Offers))]
    public void An_offer_is_accepted_with_no_context_takeover_or_declined(string offer, string? response) =>
        Assert.Equal(response, PerMessageDeflateNegotiation.Negotiate(Request(offer)));

    [Fact]
    public void The_first_acceptable_offer_wins_and_declined_ones_before_it_are_skipped() =>
        Assert.Equal(NoTakeover + "; server_max_window_bits=15", PerMessageDeflateNegotiation.Negotiate(Request(
            "x-unknown, permessage-deflate; server_max_window_bits=8",
            "permessage-deflate; server_max_window_bits=15, permessage-deflate")));

    [Fact]
    public void No_offer_means_no_extension() => Assert.Null(PerMessageDeflateNegotiation.Negotiate(Request()));

    [Fact]
    public void The_101_carries_the_extension_only_when_the_policy_enables_it()
    {
        var request = Request("permessage-deflate; client_max_window_bits");

        var off = Assert.IsType<AcceptUpgrade>(WebSocketUpgrade.Decide(request, HandshakePolicy.Default));
        var on = Assert.IsType<AcceptUpgrade>(WebSocketUpgrade.Decide(request, HandshakePolicy.Default with { PerMessageDeflate = true }));

        Assert.Null(off.Extensions);
        Assert.DoesNotContain(WebSocketUpgrade.SwitchingProtocols(off).Headers, h => h.Key == "Sec-WebSocket-Extensions");
        Assert.Equal(NoTakeover, on.Extensions);
        Assert.Contains(WebSocketUpgrade.SwitchingProtocols(on).Headers,
            h => h.Key == "Sec-WebSocket-Extensions" && h.Value == NoTakeover);
    }
}

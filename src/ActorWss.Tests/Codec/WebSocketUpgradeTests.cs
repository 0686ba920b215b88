using ActorWss.Tests.Support;
using ActorWss.Routing;
using System.Text;
using ActorWss.Http;

namespace ActorWss.Tests.Codec;

/// <summary>
/// RFC 6455 §4.2.1-§4.2.2: which opening handshakes are accepted, the exact answer to each that is not, subprotocol
/// selection, the 101 response; and the <see cref="RequestRouter"/> in front of it for plain HTTP.
/// </summary>
public class WebSocketUpgradeTests
{
    private const string Key = "dGhlIHNhbXBsZSBub25jZQ==";
    private const string ExpectedAccept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

    private static readonly (string Name, string Value)[] ValidHeaders =
    [
        ("Host", "server.example.com"),
        ("Upgrade", "websocket"),
        ("Connection", "Upgrade"),
        ("Sec-WebSocket-Key", Key),
        ("Sec-WebSocket-Version", "13"),
    ];

    private static HttpRequest Request(IEnumerable<(string Name, string Value)> headers,
        string method = "GET", string target = "/chat", string version = "HTTP/1.1") =>
        new(method, target, version, headers.Select(h => new KeyValuePair<string, string>(h.Name, h.Value)).ToList());

    private static HttpRequest Valid(params (string Name, string Value)[] extra) => Request(ValidHeaders.Concat(extra));

    /// <summary>The valid request with <paramref name="name"/> removed and <paramref name="replacements"/> added.</summary>
    private static HttpRequest ValidWith(string name, params string[] replacements) =>
        Request(ValidHeaders.Where(h => !string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase))
            .Concat(replacements.Select(value => (name, value))));

    private static HandshakePolicy Origins(params string[] allowed) => new(allowed, []);

    private static HandshakePolicy Subprotocols(params string[] supported) => new([], supported);

    private static string? Header(HttpResponse response, string name) =>
        response.Headers.SingleOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    private static AcceptUpgrade AssertAccepted(HandshakeDecision decision) => Assert.IsType<AcceptUpgrade>(decision);

    private static Respond AssertRejected(HandshakeDecision decision, int status, string reason)
    {
        var respond = Assert.IsType<Respond>(decision);
        Assert.Equal(status, respond.Response.Status);
        Assert.Equal(reason, respond.Reason);
        return respond;
    }

    // ---- Sec-WebSocket-Accept ----

    [Fact]
    public void Accept_of_the_rfc_6455_example_key()
    {
        Assert.Equal(ExpectedAccept, WebSocketAccept.Compute(Key));
    }

    [Fact]
    public void IsValidKey_accepts_base64_of_16_bytes()
    {
        var key = Convert.ToBase64String(Enumerable.Range(1, 16).Select(i => (byte)(i * 15)).ToArray());

        Assert.True(WebSocketAccept.IsValidKey(key));
        Assert.True(WebSocketAccept.IsValidKey(Key));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(15)]
    [InlineData(17)]
    [InlineData(18)]
    [InlineData(32)]
    public void IsValidKey_rejects_base64_of_another_length(int length)
    {
        var key = Convert.ToBase64String(Enumerable.Range(1, length).Select(i => (byte)i).ToArray());

        Assert.False(WebSocketAccept.IsValidKey(key));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("dGhlIHNhbXBsZSBub25jZQ")]     // padding missing
    [InlineData("dGhlIHNhbXBsZSBub25jZQ=")]    // padding short
    [InlineData("dGhlIHNhbXBsZSBub25jZ!==")]   // not a base64 character
    [InlineData("dGhlIHNhbXBsZSBub25jZQ===")]
    [InlineData("************************")]
    [InlineData(" dGhlIHNhbXBsZSBub25jZQ==")]
    public void IsValidKey_rejects_anything_else(string? key)
    {
        Assert.False(WebSocketAccept.IsValidKey(key));
    }

    // ---- Decide: accepted ----

    [Fact]
    public void A_valid_request_is_accepted_with_the_computed_accept()
    {
        var request = Valid();

        var accept = AssertAccepted(WebSocketUpgrade.Decide(request, HandshakePolicy.Default));

        Assert.Equal(ExpectedAccept, accept.Accept);
        Assert.Null(accept.Subprotocol);
        Assert.Same(request, accept.Request);
    }

    [Theory]
    [InlineData("keep-alive, Upgrade")]
    [InlineData("UPGRADE")]
    [InlineData("upgrade")]
    [InlineData("Upgrade, keep-alive")]
    public void Connection_lists_containing_upgrade_are_accepted(string connection)
    {
        AssertAccepted(WebSocketUpgrade.Decide(ValidWith("Connection", connection), HandshakePolicy.Default));
    }

    [Theory]
    [InlineData("WebSocket")]
    [InlineData("h2c, websocket")]
    public void Upgrade_lists_containing_websocket_are_accepted(string upgrade)
    {
        AssertAccepted(WebSocketUpgrade.Decide(ValidWith("Upgrade", upgrade), HandshakePolicy.Default));
    }

    [Fact]
    public void Header_names_are_matched_case_insensitively()
    {
        var request = Request(ValidHeaders.Select(h => (h.Name.ToLowerInvariant(), h.Value)));

        AssertAccepted(WebSocketUpgrade.Decide(request, HandshakePolicy.Default));
    }

    [Fact]
    public void A_newer_http_version_is_accepted()
    {
        AssertAccepted(WebSocketUpgrade.Decide(Request(ValidHeaders, version: "HTTP/1.2"), HandshakePolicy.Default));
    }

    // ---- Decide: each rule's answer ----

    [Fact]
    public void Http_1_0_is_rejected_with_400_http_version()
    {
        AssertRejected(WebSocketUpgrade.Decide(Request(ValidHeaders, version: "HTTP/1.0"), HandshakePolicy.Default),
            400, "http-version");
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("HEAD")]
    [InlineData("get")]
    public void A_method_other_than_get_is_rejected_with_405_and_allow_get(string method)
    {
        var respond = AssertRejected(
            WebSocketUpgrade.Decide(Request(ValidHeaders, method: method), HandshakePolicy.Default), 405, "method");

        Assert.Equal("GET", Header(respond.Response, "Allow"));
    }

    [Fact]
    public void A_request_without_host_is_rejected_with_400_host()
    {
        AssertRejected(WebSocketUpgrade.Decide(ValidWith("Host"), HandshakePolicy.Default), 400, "host");
    }

    [Fact]
    public void A_request_with_two_hosts_is_rejected_with_400_host()
    {
        AssertRejected(WebSocketUpgrade.Decide(ValidWith("Host", "a.example", "b.example"), HandshakePolicy.Default),
            400, "host");
    }

    [Theory]
    [InlineData()]
    [InlineData("h2c")]
    [InlineData("websockets")]
    [InlineData("web socket")]
    public void An_upgrade_without_the_websocket_token_is_rejected_with_400_upgrade(params string[] upgrade)
    {
        AssertRejected(WebSocketUpgrade.Decide(ValidWith("Upgrade", upgrade), HandshakePolicy.Default), 400, "upgrade");
    }

    [Theory]
    [InlineData()]
    [InlineData("keep-alive")]
    [InlineData("close")]
    [InlineData("upgraded")]
    public void A_connection_without_the_upgrade_token_is_rejected_with_400_connection(params string[] connection)
    {
        AssertRejected(WebSocketUpgrade.Decide(ValidWith("Connection", connection), HandshakePolicy.Default),
            400, "connection");
    }

    [Theory]
    [InlineData()]
    [InlineData("8")]
    [InlineData("12")]
    [InlineData("14")]
    [InlineData("13, 8")]
    [InlineData("13", "13")]
    public void A_version_other_than_13_is_rejected_with_426_naming_version_13(params string[] version)
    {
        var respond = AssertRejected(
            WebSocketUpgrade.Decide(ValidWith("Sec-WebSocket-Version", version), HandshakePolicy.Default), 426, "version");

        Assert.Equal("13", Header(respond.Response, "Sec-WebSocket-Version"));
    }

    [Theory]
    [InlineData()]
    [InlineData("")]
    [InlineData("AQIDBAUGBwgJCgsMDQ4P")]                          // 15 bytes
    [InlineData("AQIDBAUGBwgJCgsMDQ4PEBE=")]                      // 17 bytes
    [InlineData("not base64 at all!!!!!!!")]
    [InlineData(Key, Key)]                                        // repeated
    public void A_bad_or_repeated_key_is_rejected_with_400_key(params string[] key)
    {
        AssertRejected(WebSocketUpgrade.Decide(ValidWith("Sec-WebSocket-Key", key), HandshakePolicy.Default), 400, "key");
    }

    [Fact]
    public void Rejections_carry_a_text_body_and_close_the_connection()
    {
        var respond = AssertRejected(WebSocketUpgrade.Decide(ValidWith("Host"), HandshakePolicy.Default), 400, "host");

        Assert.Equal("Bad Request", respond.Response.ReasonPhrase);
        Assert.Equal("close", Header(respond.Response, "Connection"));
        Assert.Equal(respond.Response.Body.Count.ToString(), Header(respond.Response, "Content-Length"));
        Assert.False(respond.Response.Body.IsEmpty);
    }

    // ---- Origin ----

    [Theory]
    [InlineData("https://evil.example")]
    [InlineData("null")]
    public void Without_allowed_origins_any_origin_is_accepted(string origin)
    {
        AssertAccepted(WebSocketUpgrade.Decide(Valid(("Origin", origin)), Origins()));
    }

    [Theory]
    [InlineData("https://app.example")]
    [InlineData("HTTPS://APP.EXAMPLE")]
    [InlineData("https://other.example")]
    public void A_listed_origin_is_accepted_case_insensitively(string origin)
    {
        AssertAccepted(WebSocketUpgrade.Decide(Valid(("Origin", origin)),
            Origins("https://app.example", "https://other.example")));
    }

    [Theory]
    [InlineData("https://evil.example")]
    [InlineData("https://app.example.evil")]
    [InlineData("http://app.example")]
    [InlineData("https://app.example:8443")]
    public void An_unlisted_origin_is_rejected_with_403_origin(string origin)
    {
        AssertRejected(WebSocketUpgrade.Decide(Valid(("Origin", origin)), Origins("https://app.example")), 403, "origin");
    }

    [Fact]
    public void A_star_allows_every_origin()
    {
        AssertAccepted(WebSocketUpgrade.Decide(Valid(("Origin", "https://anything.example")), Origins("*")));
        AssertAccepted(WebSocketUpgrade.Decide(Valid(("Origin", "https://anything.example")),
            Origins("https://app.example", "*")));
    }

    [Fact]
    public void A_request_without_origin_is_accepted_even_with_allowed_origins()
    {
        AssertAccepted(WebSocketUpgrade.Decide(Valid(), Origins("https://app.example")));
    }

    [Fact]
    public void Two_origin_headers_are_rejected_when_origins_are_restricted()
    {
        var request = Valid(("Origin", "https://app.example"), ("Origin", "https://app.example"));

        AssertRejected(WebSocketUpgrade.Decide(request, Origins("https://app.example")), 403, "origin");
    }

    // ---- Subprotocols ----

    [Fact]
    public void The_first_offered_subprotocol_the_server_speaks_is_chosen_in_client_order()
    {
        var request = Valid(("Sec-WebSocket-Protocol", "v1.unknown, superchat"), ("Sec-WebSocket-Protocol", "chat"));

        var accept = AssertAccepted(WebSocketUpgrade.Decide(request, Subprotocols("chat", "superchat")));

        Assert.Equal("superchat", accept.Subprotocol);
    }

    [Fact]
    public void Subprotocols_offered_on_a_later_line_are_considered()
    {
        var request = Valid(("Sec-WebSocket-Protocol", "a, b"), ("Sec-WebSocket-Protocol", " c ,d"));

        Assert.Equal("c", WebSocketUpgrade.SelectSubprotocol(request, Subprotocols("d", "c")));
    }

    [Fact]
    public void No_subprotocol_is_chosen_when_none_matches()
    {
        var request = Valid(("Sec-WebSocket-Protocol", "a, b"));

        var accept = AssertAccepted(WebSocketUpgrade.Decide(request, Subprotocols("chat")));

        Assert.Null(accept.Subprotocol);
    }

    [Fact]
    public void No_subprotocol_is_chosen_when_the_server_speaks_none()
    {
        var request = Valid(("Sec-WebSocket-Protocol", "chat"));

        Assert.Null(AssertAccepted(WebSocketUpgrade.Decide(request, HandshakePolicy.Default)).Subprotocol);
    }

    [Fact]
    public void No_subprotocol_is_chosen_when_the_client_offers_none()
    {
        Assert.Null(AssertAccepted(WebSocketUpgrade.Decide(Valid(), Subprotocols("chat"))).Subprotocol);
    }

    // ---- The 101 response ----

    [Fact]
    public void Switching_protocols_renders_exactly_the_upgrade_headers()
    {
        var accept = AssertAccepted(WebSocketUpgrade.Decide(Valid(), HandshakePolicy.Default));

        var text = Encoding.Latin1.GetString(WebSocketUpgrade.SwitchingProtocols(accept).Render().ToArray());

        Assert.Equal(
            "HTTP/1.1 101 Switching Protocols\r\n" +
            "Upgrade: websocket\r\n" +
            "Connection: Upgrade\r\n" +
            $"Sec-WebSocket-Accept: {ExpectedAccept}\r\n" +
            "\r\n",
            text);
    }

    [Fact]
    public void Switching_protocols_names_the_chosen_subprotocol()
    {
        var request = Valid(("Sec-WebSocket-Protocol", "chat"));
        var accept = AssertAccepted(WebSocketUpgrade.Decide(request, Subprotocols("chat")));

        var text = Encoding.Latin1.GetString(WebSocketUpgrade.SwitchingProtocols(accept).Render().ToArray());

        Assert.Equal(
            "HTTP/1.1 101 Switching Protocols\r\n" +
            "Upgrade: websocket\r\n" +
            "Connection: Upgrade\r\n" +
            $"Sec-WebSocket-Accept: {ExpectedAccept}\r\n" +
            "Sec-WebSocket-Protocol: chat\r\n" +
            "\r\n",
            text);
    }

    // ---- IsAttempt ----

    [Theory]
    [InlineData("Upgrade", "websocket", true)]
    [InlineData("Sec-WebSocket-Key", Key, true)]
    [InlineData("Sec-WebSocket-Version", "13", true)]
    [InlineData("Upgrade", "h2c", false)]
    [InlineData("Connection", "Upgrade", false)]
    public void IsAttempt_spots_any_websocket_header(string name, string value, bool expected)
    {
        Assert.Equal(expected, WebSocketUpgrade.IsAttempt(Request([("Host", "x"), (name, value)])));
    }

    // ---- RequestRouter ----

    private static readonly RequestRouter Router = new(HandshakePolicy.Default, new RouteTable([TestRoutes.Route("/chat")]), [HealthEndpoint.Handle]);

    [Fact]
    public void A_plain_get_of_healthz_is_answered_200_ok()
    {
        var respond = AssertRejected(Router.Decide(Request([("Host", "x")], target: "/healthz")), 200, "http");

        Assert.Equal("ok\n", Encoding.UTF8.GetString(respond.Response.Body.ToArray()));
        Assert.Equal("3", Header(respond.Response, "Content-Length"));
    }

    [Fact]
    public void A_get_of_healthz_with_a_query_is_answered_200()
    {
        AssertRejected(Router.Decide(Request([("Host", "x")], target: "/healthz?probe=1")), 200, "http");
    }

    [Fact]
    public void A_head_of_healthz_gets_the_same_head_without_a_body()
    {
        var get = AssertRejected(Router.Decide(Request([("Host", "x")], target: "/healthz")), 200, "http");
        var head = AssertRejected(Router.Decide(Request([("Host", "x")], method: "HEAD", target: "/healthz")), 200, "http");

        Assert.True(head.Response.Body.IsEmpty);
        Assert.Equal("3", Header(head.Response, "Content-Length"));
        Assert.Equal(get.Response.Headers, head.Response.Headers);
    }

    [Fact]
    public void A_plain_get_of_a_websocket_path_is_answered_426_upgrade_websocket()
    {
        var respond = AssertRejected(Router.Decide(Request([("Host", "x")], target: "/chat")), 426, "not-websocket");

        Assert.Equal("websocket", Header(respond.Response, "Upgrade"));
        Assert.Equal("13", Header(respond.Response, "Sec-WebSocket-Version"));
    }

    [Fact]
    public void A_plain_get_of_a_path_without_a_route_or_handler_is_answered_404()
    {
        AssertRejected(Router.Decide(Request([("Host", "x")], target: "/other")), 404, "not-found");
    }

    [Fact]
    public void A_router_without_handlers_answers_404_even_for_healthz()
    {
        var router = new RequestRouter(HandshakePolicy.Default, TestRoutes.Echo(), []);

        AssertRejected(router.Decide(Request([("Host", "x")], target: "/healthz")), 404, "not-found");
    }

    [Fact]
    public void A_plain_get_on_a_route_path_is_answered_426()
    {
        var router = new RequestRouter(HandshakePolicy.Default, TestRoutes.Echo(), []);

        AssertRejected(router.Decide(Request([("Host", "x")], target: "/?x=1")), 426, "not-websocket");
    }

    [Fact]
    public void An_upgrade_to_a_path_without_a_route_is_answered_404()
    {
        AssertRejected(Router.Decide(Request(ValidHeaders, target: "/nowhere")), 404, "not-found");
    }

    [Fact]
    public void Exact_routes_win_over_prefixes_and_longer_prefixes_over_shorter_ones()
    {
        var routes = new RouteTable([
            TestRoutes.Route("/rooms/*", name: "rooms"), TestRoutes.Route("/rooms/vip/*", name: "vip"),
            TestRoutes.Route("/rooms/lobby", name: "lobby")]);

        Assert.Equal("lobby", routes.Match("/rooms/lobby")?.Name);
        Assert.Equal("vip", routes.Match("/rooms/vip/7")?.Name);
        Assert.Equal("rooms", routes.Match("/rooms/7")?.Name);
        Assert.Equal("rooms", routes.Match("/rooms")?.Name);
        Assert.Null(routes.Match("/roomsx"));
        Assert.Null(routes.Match("/"));
    }

    [Theory]
    [InlineData("PUT")]
    [InlineData("POST")]
    [InlineData("DELETE")]
    public void A_plain_request_with_another_method_is_answered_405(string method)
    {
        var respond = AssertRejected(Router.Decide(Request([("Host", "x")], method: method, target: "/healthz")),
            405, "method");

        Assert.Equal("GET, HEAD", Header(respond.Response, "Allow"));
    }

    [Theory]
    [InlineData("HTTP/2.0")]
    [InlineData("HTTP/0.9")]
    public void A_version_other_than_1_x_is_answered_505(string version)
    {
        AssertRejected(Router.Decide(Request(ValidHeaders, version: version)), 505, "http-version");
    }

    [Fact]
    public void An_upgrade_request_goes_to_the_handshake_rules()
    {
        AssertAccepted(Router.Decide(Valid()));
        AssertRejected(Router.Decide(ValidWith("Sec-WebSocket-Version", "8")), 426, "version");
    }

    [Fact]
    public void The_router_applies_its_policy_to_upgrades()
    {
        var router = new RequestRouter(new HandshakePolicy(["https://app.example"], []), new RouteTable([TestRoutes.Route("/chat", subprotocols: ["chat"])]), [HealthEndpoint.Handle]);

        AssertRejected(router.Decide(Valid(("Origin", "https://evil.example"))), 403, "origin");
        Assert.Equal("chat",
            AssertAccepted(router.Decide(Valid(("Sec-WebSocket-Protocol", "chat")))).Subprotocol);
    }

    [Fact]
    public void The_over_capacity_router_answers_503_with_retry_after()
    {
        var respond = AssertRejected(RefusingRouter.OverCapacity.Decide(Valid()), 503, "over-capacity");

        Assert.Equal("1", Header(respond.Response, "Retry-After"));
        Assert.Equal("close", Header(respond.Response, "Connection"));
    }

    [Fact]
    public void The_shutting_down_router_answers_503_with_retry_after()
    {
        var respond = AssertRejected(RefusingRouter.ShuttingDown.Decide(Request([("Host", "x")], target: "/healthz")),
            503, "shutting-down");

        Assert.Equal("1", Header(respond.Response, "Retry-After"));
    }
}

using System.Net.WebSockets;
using System.Security.Claims;
using System.Text;
using ActorWss.Auth;
using ActorWss.Configuration;
using ActorWss.Connections;
using ActorWss.Routing;
using ActorWss.Tests.Support;
using ActorWss.WebSocket;
using Akka.Actor;
using Akka.Streams.Dsl;
using Xunit.Abstractions;

namespace ActorWss.Tests.Application;

/// <summary>
/// Authentication before the 101: the built-in JWT scheme (query or subprotocol token, rejections by reason, closing
/// with 1008 at expiry) and authenticators written by the application (slow ones, failing ones, refusals).
/// </summary>
public abstract class AuthenticationScenarios(ITestOutputHelper output, ServerMode mode) : ServerScenario(output, mode)
{
    private const string Secret = "a test secret that is long enough for HS256";
    private static readonly byte[] Key = Encoding.UTF8.GetBytes(Secret);

    private sealed class NeverAnswers : IWebSocketAuthenticator
    {
        public async ValueTask<AuthenticationResult> AuthenticateAsync(WebSocketRequest request, CancellationToken cancellationToken)
        {
            await Task.Delay(System.Threading.Timeout.InfiniteTimeSpan, cancellationToken);
            throw new InvalidOperationException("unreachable");
        }
    }

    private sealed class Throws : IWebSocketAuthenticator
    {
        public ValueTask<AuthenticationResult> AuthenticateAsync(WebSocketRequest request, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("the identity service is down (deliberate)");
    }

    /// <summary>Lets in requests with the right cookie, after a real asynchronous wait; refuses the rest with 403.</summary>
    private sealed class CookieCheck : IWebSocketAuthenticator
    {
        public async ValueTask<AuthenticationResult> AuthenticateAsync(WebSocketRequest request, CancellationToken cancellationToken)
        {
            await Task.Delay(50, cancellationToken);
            return request.Cookies.TryGetValue("session", out var session) && session == "s3cr3t"
                ? AuthenticationResult.Accept(new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "cookie-user")], "cookie")))
                : AuthenticationResult.Reject(403, "no-session", "sign in first");
        }
    }

    private Task<Server.ActorWssServer> StartAsync(params string[] overrides) => StartServerAsync(ws => ws
            .AddAuthenticator("never", new NeverAnswers())
            .AddAuthenticator("throws", new Throws())
            .AddAuthenticator("cookie", new CookieCheck())
            .MapRoute("secure", "/secure", WebSocketHandler.FromFlow(info =>
                Flow.Create<Message>().Select(m => Message.Text($"{info.UserName}: {m.GetText()}")))),
        ["actorwss.routes.secure.auth=jwt", "actorwss.auth.jwt.secret=" + Secret, .. overrides]);

    private static Uri At(Server.ActorWssServer server, string pathAndQuery) => new(UrlOf(server), pathAndQuery);

    private static string Token(string user, TimeSpan validFor, byte[]? key = null) =>
        JwtAuthenticator.CreateToken(key ?? Key, user, DateTimeOffset.UtcNow + validFor);

    private static async Task<(int Status, string Body, ResponseHead Head)> HandshakeAsync(Server.ActorWssServer server, string pathAndQuery,
        params string[] headers)
    {
        await using var client = await RawWebSocketClient.ConnectAsync(UrlOf(server));
        await client.SendAsync(RawWebSocketClient.UpgradeRequest(UrlOf(server), pathAndQuery, extraHeaders: headers));
        var (head, body) = await client.ReadResponseAsync();
        return (head.Status, body, head);
    }

    [Fact]
    public async Task A_valid_token_in_the_query_lets_the_client_in_as_its_subject()
    {
        var server = await StartAsync();
        using var client = await ConnectClientAsync(At(server, "/secure?access_token=" + Token("alice", TimeSpan.FromMinutes(5))));

        await client.SendTextAsync("hello");

        Assert.Equal("alice: hello", await client.ReceiveTextAsync());
    }

    [Fact]
    public async Task A_token_offered_as_a_subprotocol_is_used_and_a_real_subprotocol_is_chosen()
    {
        var server = await StartAsync("actorwss.routes.secure.subprotocols=[\"chat.v1\"]");
        using var client = await ConnectClientAsync(At(server, "/secure"), o =>
        {
            o.AddSubProtocol("chat.v1");
            o.AddSubProtocol("bearer." + Token("bob", TimeSpan.FromMinutes(5)));
        });

        await client.SendTextAsync("hi");

        Assert.Equal("chat.v1", client.SubProtocol);
        Assert.Equal("bob: hi", await client.ReceiveTextAsync());
    }

    [Theory]
    [InlineData("missing", "missing-token")]
    [InlineData("expired", "expired")]
    [InlineData("wrong key", "bad-signature")]
    [InlineData("garbage", "malformed")]
    public async Task A_bad_or_missing_token_gets_401_and_is_counted_by_reason(string what, string reason)
    {
        var server = await StartAsync();
        var query = what switch
        {
            "missing" => "",
            "expired" => "?access_token=" + Token("eve", TimeSpan.FromMinutes(-10)),
            "wrong key" => "?access_token=" + Token("eve", TimeSpan.FromMinutes(5), Encoding.UTF8.GetBytes(new string('k', 40))),
            _ => "?access_token=not.a.token",
        };

        var (status, _, head) = await HandshakeAsync(server, "/secure" + query);

        Assert.Equal(401, status);
        Assert.Equal("Bearer", head["WWW-Authenticate"]);
        Assert.Equal(1, server.Metrics[Listener].AuthenticationRejections["secure", reason]);
        Assert.Equal(1, server.Metrics[Listener].Handshakes["auth-rejected"]);
        await AssertServerStillEchoesAsync(server);
    }

    [Fact]
    public async Task A_connection_whose_token_expires_is_closed_with_1008()
    {
        var server = await StartAsync("actorwss.auth.jwt.clock-skew=0s");
        using var client = await ConnectClientAsync(At(server, "/secure?access_token=" + Token("carol", TimeSpan.FromSeconds(2))));

        await client.SendTextAsync("still valid");
        Assert.Equal("carol: still valid", await client.ReceiveTextAsync());

        Assert.Equal(WebSocketCloseStatus.PolicyViolation, await client.ReceiveCloseAsync(timeout: TimeSpan.FromSeconds(20)));
        Assert.Equal("credentials expired", client.CloseStatusDescription);
    }

    [Fact]
    public async Task An_application_authenticator_sees_cookies_and_refuses_with_its_own_status_and_reason()
    {
        var server = await StartAsync("actorwss.routes.secure.auth=cookie");

        var refused = await HandshakeAsync(server, "/secure", "Cookie: theme=dark; session=wrong");
        using var client = await ConnectClientAsync(At(server, "/secure"), o => o.SetRequestHeader("Cookie", "theme=dark; session=s3cr3t"));
        await client.SendTextAsync("in");

        Assert.Equal(403, refused.Status);
        Assert.Equal("sign in first", refused.Body.Trim());
        Assert.Equal(1, server.Metrics[Listener].AuthenticationRejections["secure", "no-session"]);
        Assert.Equal("cookie-user: in", await client.ReceiveTextAsync());
    }

    [Fact]
    public async Task An_authenticator_that_does_not_answer_in_time_gets_503_within_the_handshake_timeout()
    {
        var server = await StartAsync("actorwss.routes.secure.auth=never", "actorwss.http.handshake-timeout=1s");

        var (status, _, head) = await HandshakeAsync(server, "/secure");

        Assert.Equal(503, status);
        Assert.Equal("1", head["Retry-After"]);
        Assert.Equal(1, server.Metrics[Listener].Handshakes["auth-timeout"]);
    }

    [Fact]
    public async Task An_authenticator_that_throws_gets_500_and_the_server_keeps_serving()
    {
        var server = await StartAsync("actorwss.routes.secure.auth=throws");

        var (status, _, _) = await HandshakeAsync(server, "/secure");

        Assert.Equal(500, status);
        Assert.Equal(1, server.Metrics[Listener].AuthenticationRejections["secure", "error"]);
        await AssertServerStillEchoesAsync(server);
    }

    [Fact]
    public async Task A_route_with_jwt_but_no_secret_fails_the_start_naming_the_key()
    {
        var error = await Assert.ThrowsAsync<InvalidConfigurationException>(() =>
            StartServerAsync(ws => ws.MapRoute("secure", "/secure", WebSocketHandler.Echo), "actorwss.routes.secure.auth=jwt"));

        Assert.StartsWith("actorwss.auth.jwt.secret:", error.Message);
    }

    [Fact]
    public async Task Unknown_handlers_and_authenticators_fail_the_start_naming_the_key_and_what_exists()
    {
        var handler = await Assert.ThrowsAsync<InvalidConfigurationException>(() => StartServerAsync("actorwss.routes.echo.handler=nope"));
        var auth = await Assert.ThrowsAsync<InvalidConfigurationException>(() => StartServerAsync("actorwss.routes.echo.auth=nope"));

        Assert.Equal("actorwss.routes.echo.handler: 'nope' is not a registered handler; registered: echo, echo-actor, echo-flow", handler.Message);
        Assert.StartsWith("actorwss.routes.echo.auth: 'nope' is not an authenticator; expected none, jwt", auth.Message);
    }
}

public sealed class AuthenticationOverWs(ITestOutputHelper output) : AuthenticationScenarios(output, ServerMode.Ws);

public sealed class AuthenticationOverWssInline(ITestOutputHelper output) : AuthenticationScenarios(output, ServerMode.WssInline);

public sealed class AuthenticationOverWssOffload(ITestOutputHelper output) : AuthenticationScenarios(output, ServerMode.WssOffload);

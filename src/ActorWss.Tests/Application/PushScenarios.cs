using System.Net.WebSockets;
using System.Security.Claims;
using ActorWss.Auth;
using ActorWss.Connections;
using ActorWss.Routing;
using ActorWss.Tests.Support;
using ActorWss.WebSocket;
using Akka.Actor;
using Akka.Streams.Dsl;
using Xunit.Abstractions;

namespace ActorWss.Tests.Application;

/// <summary>
/// Sending to connections from outside them: by id, by user, through the connection's own address, and to a connection
/// that has closed (a counted no-op, never an exception).
/// </summary>
public abstract class PushScenarios(ITestOutputHelper output, ServerMode mode) : ServerScenario(output, mode)
{
    /// <summary>Lets in whoever names themselves in <c>?user=</c> (a stand-in for a real scheme).</summary>
    private sealed class QueryUser : IWebSocketAuthenticator
    {
        public ValueTask<AuthenticationResult> AuthenticateAsync(WebSocketRequest request, CancellationToken cancellationToken) =>
            ValueTask.FromResult(request.GetQueryParameter("user") is { Length: > 0 } user
                ? AuthenticationResult.Accept(new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, user)], "test")))
                : AuthenticationResult.Reject(401, "no-user"));
    }

    /// <summary>Tells the test who connected; otherwise silent.</summary>
    private sealed class ReportingActor : WebSocketActor
    {
        public ReportingActor(IActorRef observer)
        {
            Receive<Connected>(c => observer.Tell(c.Info));
            Receive<Message>(_ => { });
        }
    }

    private Task<Server.ActorWssServer> StartAsync(string handler) => StartServerAsync(ws => ws
            .AddAuthenticator("query-user", new QueryUser())
            .MapRoute("actor", "/actor", WebSocketHandler.FromActor(_ => Props.Create(() => new ReportingActor(TestActor))))
            .MapRoute("flow", "/flow", WebSocketHandler.FromFlow(info =>
            {
                TestActor.Tell(info);
                return Flow.Create<Message>().Where(_ => false); // answers nothing itself
            }))
            .MapRoute("welcome", "/welcome", WebSocketHandler.FromFlow(info =>
            {
                // Sent while the handler starts: the connection must already be reachable by its user.
                WebSocketHub.Get(Sys).SendToUser(info.UserName!, Message.Text("welcome " + info.UserName));
                return Flow.Create<Message>().Where(_ => false);
            })),
        "actorwss.routes.actor.auth=query-user", "actorwss.routes.flow.auth=query-user", "actorwss.routes.welcome.auth=query-user");

    private static Uri At(Server.ActorWssServer server, string pathAndQuery) => new(UrlOf(server), pathAndQuery);

    [Theory]
    [InlineData("actor")]
    [InlineData("flow")]
    public async Task A_connection_receives_what_is_sent_to_its_id_to_its_user_and_to_its_address(string route)
    {
        var server = await StartAsync(route);
        var hub = WebSocketHub.Get(Sys);
        using var alice1 = await ConnectClientAsync(At(server, $"/{route}?user=alice"));
        var alice1Info = ExpectMsg<ConnectionInfo>(Timeout);
        using var alice2 = await ConnectClientAsync(At(server, $"/{route}?user=alice"));
        var alice2Info = ExpectMsg<ConnectionInfo>(Timeout);
        using var bob = await ConnectClientAsync(At(server, $"/{route}?user=bob"));
        var bobInfo = ExpectMsg<ConnectionInfo>(Timeout);
        Assert.Equal("alice,alice,bob", string.Join(",", alice1Info.UserName, alice2Info.UserName, bobInfo.UserName));
        Assert.Equal(3, new[] { alice1Info.Id, alice2Info.Id, bobInfo.Id }.Distinct().Count());

        hub.Send(alice2Info.Id, Message.Text("to alice2 by id"));
        hub.SendToUser("alice", Message.Text("to every alice"));
        bobInfo.Connection.Tell(Message.Text("to bob by address"));
        hub.SendToUser("bob", Message.Text("to bob by user"));

        Assert.Equal("to every alice", await alice1.ReceiveTextAsync());
        Assert.Equal(["to alice2 by id", "to every alice"], [await alice2.ReceiveTextAsync(), await alice2.ReceiveTextAsync()]);
        Assert.Equal(["to bob by address", "to bob by user"], [await bob.ReceiveTextAsync(), await bob.ReceiveTextAsync()]);
    }

    [Fact]
    public async Task What_a_flow_handler_sends_to_its_user_as_it_starts_reaches_the_new_connection()
    {
        var server = await StartAsync("welcome");
        long missingBefore = WebSocketHub.Get(Sys).SentToMissing;

        for (int i = 0; i < 5; i++)
        {
            using var client = await ConnectClientAsync(At(server, $"/welcome?user=dana{i}"));
            Assert.Equal($"welcome dana{i}", await client.ReceiveTextAsync());
        }
        Assert.Equal(missingBefore, WebSocketHub.Get(Sys).SentToMissing);
    }

    [Fact]
    public async Task Sending_to_a_closed_connection_does_nothing_and_is_counted()
    {
        var server = await StartAsync("actor");
        var hub = WebSocketHub.Get(Sys);
        using var client = await ConnectClientAsync(At(server, "/actor?user=carol"));
        var info = ExpectMsg<ConnectionInfo>(Timeout);
        await client.CloseAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
        await AwaitAssertAsync(async () => Assert.Equal(0, await server.ConnectionCountAsync()), Timeout);
        long missingBefore = hub.SentToMissing, closedBefore = hub.SentToClosed;

        hub.Send(info.Id, Message.Text("too late"));
        hub.SendToUser("carol", Message.Text("too late"));
        info.Connection.Tell(Message.Text("too late"));
        info.Connection.Tell(new CloseConnection());

        Assert.Equal(missingBefore + 2, hub.SentToMissing);
        await AwaitAssertAsync(() => Assert.Equal(closedBefore + 2, hub.SentToClosed), Timeout);
        await AssertServerStillEchoesAsync(server);
    }

    [Fact]
    public async Task A_close_sent_to_a_connection_comes_after_the_messages_sent_before_it()
    {
        var server = await StartAsync("actor");
        using var client = await ConnectClientAsync(At(server, "/actor?user=dave"));
        var info = ExpectMsg<ConnectionInfo>(Timeout);

        for (int i = 0; i < 50; i++) info.Connection.Tell(Message.Text("m" + i));
        info.Connection.Tell(new CloseConnection(CloseStatus.PolicyViolation, "enough"));
        info.Connection.Tell(Message.Text("after the close"));

        for (int i = 0; i < 50; i++) Assert.Equal("m" + i, await client.ReceiveTextAsync());
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, await client.ReceiveCloseAsync());
    }
}

public sealed class PushOverWs(ITestOutputHelper output) : PushScenarios(output, ServerMode.Ws);

public sealed class PushOverWssInline(ITestOutputHelper output) : PushScenarios(output, ServerMode.WssInline);

public sealed class PushOverWssOffload(ITestOutputHelper output) : PushScenarios(output, ServerMode.WssOffload);

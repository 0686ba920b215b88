using System.Net.WebSockets;
using System.Security.Claims;
using ActorWss.Auth;
using ActorWss.Connections;
using ActorWss.Hosting;
using ActorWss.Routing;
using ActorWss.Samples.Chat;
using ActorWss.Tests.Support;
using ActorWss.WebSocket;
using Akka.Streams.Dsl;

namespace ActorWss.Tests.Cluster;

/// <summary>Three nodes with the chat, a per-user inbox and an id echo.</summary>
public sealed class ChatCluster : ThreeNodes
{
    private sealed class QueryUser : IWebSocketAuthenticator
    {
        public ValueTask<AuthenticationResult> AuthenticateAsync(WebSocketRequest request, CancellationToken cancellationToken) =>
            ValueTask.FromResult(AuthenticationResult.Accept(new ClaimsPrincipal(new ClaimsIdentity(
                [new Claim(ClaimTypes.Name, request.GetQueryParameter("user") ?? "anonymous")], "test"))));
    }

    internal override Action<ActorWssBuilder> Configure => ws => ws
        .AddChat()
        .AddAuthenticator("query-user", new QueryUser())
        // Tells the client its connection id first, then stays quiet: messages come only from the hub.
        .MapRoute("inbox", "/inbox", WebSocketHandler.FromFlow(info =>
            Flow.Create<Message>().Where(_ => false).Prepend(Source.Single(Message.Text("id:" + info.Id)))));

    internal override string[] Overrides => ["actorwss.routes.inbox.auth=query-user"];
}

/// <summary>
/// Topics, send-to-user, send-by-id and presence across three nodes of one cluster, with real WebSocket clients on
/// different nodes. Subscriptions reach other nodes by gossip, so each test first waits until a probe crosses.
/// </summary>
public sealed class ClusterScenarios(ChatCluster cluster) : IClassFixture<ChatCluster>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private ClusterNode Node(int i) => cluster.Nodes[i];

    /// <summary>Until a probe line from <paramref name="sender"/> reaches every receiver: their subscriptions are known cluster-wide.</summary>
    private static async Task ProbeAsync(ChatClient sender, params ChatClient[] receivers)
    {
        var deadline = DateTime.UtcNow + Timeout;
        for (int probe = 0; ; probe++)
        {
            var text = "probe " + probe;
            await sender.SayAsync(text);
            bool all = true;
            foreach (var receiver in receivers)
            {
                try
                {
                    while ((await receiver.NextLineAsync(TimeSpan.FromMilliseconds(500))).Text != text) { }
                }
                catch (TimeoutException)
                {
                    all = false;
                }
            }
            if (all) return;
            if (DateTime.UtcNow > deadline) throw new TimeoutException("a probe line never reached every node");
        }
    }

    [Fact]
    public async Task A_room_line_said_on_one_node_reaches_the_room_on_every_node_once_and_in_order()
    {
        using var ann = await ChatClient.JoinAsync(Node(0).Url, "crossing", "ann");
        using var bo = await ChatClient.JoinAsync(Node(1).Url, "crossing", "bo");
        using var cy = await ChatClient.JoinAsync(Node(2).Url, "crossing", "cy");
        using var other = await ChatClient.JoinAsync(Node(1).Url, "elsewhere", "dee");
        await ProbeAsync(ann, bo, cy);

        for (int i = 0; i < 50; i++) await ann.SayAsync("line " + i);

        foreach (var reader in new[] { bo, cy })
            for (int i = 0; i < 50; i++) Assert.Equal(("crossing", "ann", "line " + i), await reader.NextLineAsync());
        // ann hears nothing of her own, and dee (another room) nothing of any of it: their next lines are these.
        await cy.SayAsync("from cy");
        Assert.Equal(("crossing", "cy", "from cy"), await ann.NextLineAsync());
        using var eve = await ChatClient.JoinAsync(Node(2).Url, "elsewhere", "eve");
        await ProbeAsync(eve, other);
    }

    [Fact]
    public async Task Send_to_user_reaches_the_users_connections_on_other_nodes()
    {
        var hub = WebSocketHub.Get(Node(0).System);
        using var aliceOn1 = await ReceivingClient.ConnectAsync(new Uri(Node(1).Url, "/inbox?user=alice"));
        using var aliceOn2 = await ReceivingClient.ConnectAsync(new Uri(Node(2).Url, "/inbox?user=alice"));
        using var bobOn0 = await ReceivingClient.ConnectAsync(new Uri(Node(0).Url, "/inbox?user=bob"));
        foreach (var client in new[] { aliceOn1, aliceOn2, bobOn0 }) Assert.StartsWith("id:", await client.NextAsync(Timeout));

        // Until alice's subscriptions are known on node 0 (gossip), a send may find nobody: repeat a probe.
        var deadline = DateTime.UtcNow + Timeout;
        for (int probe = 0; ; probe++)
        {
            hub.SendToUser("alice", Message.Text("probe " + probe));
            if (await Receives(aliceOn1, "probe " + probe) & await Receives(aliceOn2, "probe " + probe)) break;
            Assert.True(DateTime.UtcNow < deadline, "send-to-user never reached alice on the other nodes");
        }
        for (int i = 0; i < 20; i++) hub.SendToUser("alice", Message.Text("to alice " + i));
        hub.SendToUser("bob", Message.Text("to bob"));

        foreach (var alice in new[] { aliceOn1, aliceOn2 })
            for (int i = 0; i < 20; i++) Assert.Equal("to alice " + i, await alice.NextAsync(Timeout));
        Assert.Equal("to bob", await bobOn0.NextAsync(Timeout));

        static async Task<bool> Receives(ReceivingClient client, string text)
        {
            try
            {
                while (await client.NextAsync(TimeSpan.FromMilliseconds(500)) != text) { }
                return true;
            }
            catch (TimeoutException)
            {
                return false;
            }
        }
    }

    [Fact]
    public async Task Send_and_close_by_id_reach_a_connection_on_another_node()
    {
        var hub = WebSocketHub.Get(Node(0).System);
        using var client = await ReceivingClient.ConnectAsync(new Uri(Node(2).Url, "/inbox?user=carol"));
        var id = (await client.NextAsync(Timeout))["id:".Length..];

        var deadline = DateTime.UtcNow + Timeout;
        for (int probe = 0; ; probe++)
        {
            hub.Send(id, Message.Text("probe " + probe));
            try
            {
                while (await client.NextAsync(TimeSpan.FromMilliseconds(500)) != "probe " + probe) { }
                break;
            }
            catch (TimeoutException)
            {
                Assert.True(DateTime.UtcNow < deadline, "a send by id never reached the connection on node 3");
            }
        }
        hub.Send(id, Message.Text("hello by id"));
        hub.Close(id, 4000, "closed from node 1");

        Assert.Equal("hello by id", await client.NextAsync(Timeout));
        Assert.Equal(4000, (int)(await client.Closed.WaitAsync(Timeout))!);
        Assert.Equal("closed from node 1", client.Socket.CloseStatusDescription);
    }

    [Fact]
    public async Task Every_node_is_ready_once_it_is_an_up_member()
    {
        foreach (var node in cluster.Nodes)
        {
            await using var client = await RawWebSocketClient.ConnectAsync(node.Url);
            await client.SendAsync("GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n");
            var (head, body) = await client.ReadResponseAsync();
            Assert.Equal((200, "ready"), (head.Status, body.Trim()));
        }
    }

    [Fact]
    public async Task Presence_lists_members_from_every_node_and_follows_joins_and_leaves()
    {
        using var ann = await ChatClient.JoinAsync(Node(0).Url, "present", "ann", members: true);
        await ann.AwaitMembersAsync(["ann"], Timeout);
        using var bo = await ChatClient.JoinAsync(Node(1).Url, "present", "bo", members: true);
        var cy = await ChatClient.JoinAsync(Node(2).Url, "present", "cy");

        await ann.AwaitMembersAsync(["ann", "bo", "cy"], Timeout);
        await bo.AwaitMembersAsync(["ann", "bo", "cy"], Timeout);
        Assert.Equal(["ann", "bo", "cy"], await WebSocketHub.Get(Node(2).System).GetMembersAsync(ChatConnection.Topic("present")));

        await cy.Socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
        cy.Dispose();

        await ann.AwaitMembersAsync(["ann", "bo"], Timeout);
        await bo.AwaitMembersAsync(["ann", "bo"], Timeout);
    }
}

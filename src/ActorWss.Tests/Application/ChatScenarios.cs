using System.Net.WebSockets;
using System.Text.Json;
using ActorWss.Samples.Chat;
using ActorWss.Tests.Support;
using Xunit.Abstractions;

namespace ActorWss.Tests.Application;

/// <summary>
/// The chat sample's contract, over every transport: <c>/chat?room=ROOM&amp;name=NAME</c>; a text message goes to every
/// other client of the room as <c>{"room","from","text"}</c>, to nobody else; binary gets 1003, over 4 KiB 1009.
/// </summary>
public abstract class ChatScenarios(ITestOutputHelper output, ServerMode mode) : ServerScenario(output, mode)
{
    private Task<Server.ActorWssServer> StartAsync() => StartServerAsync(ws => ws.AddChat());

    private static async Task<ClientWebSocket> JoinAsync(Server.ActorWssServer server, string room, string name)
    {
        var client = await ConnectClientAsync(new Uri(UrlOf(server), $"/chat?room={Uri.EscapeDataString(room)}&name={Uri.EscapeDataString(name)}"));
        return client;
    }

    private static (string Room, string From, string Text) Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        Assert.Equal(3, root.EnumerateObject().Count());
        return (root.GetProperty("room").GetString()!, root.GetProperty("from").GetString()!, root.GetProperty("text").GetString()!);
    }

    /// <summary>Joining is asynchronous: wait until every client of the room is subscribed before the first message.</summary>
    private async Task RoomHasAsync(string room, int members) =>
        await AwaitAssertAsync(() => Assert.Equal(members, ActorWss.Connections.WebSocketHub.Get(Sys).SubscriberCount(ChatConnection.Topic(room))), Timeout);

    [Fact]
    public async Task A_message_reaches_every_other_client_of_the_room_and_nobody_else()
    {
        var server = await StartAsync();
        using var ann = await JoinAsync(server, "kitchen", "ann");
        using var bo = await JoinAsync(server, "kitchen", "bo");
        using var cy = await JoinAsync(server, "kitchen", "cy");
        using var dee = await JoinAsync(server, "garden", "dee");
        await RoomHasAsync("kitchen", 3);
        await RoomHasAsync("garden", 1);

        await ann.SendTextAsync("soup's on \"now\" ✓");

        Assert.Equal(("kitchen", "ann", "soup's on \"now\" ✓"), Parse(await bo.ReceiveTextAsync()));
        Assert.Equal(("kitchen", "ann", "soup's on \"now\" ✓"), Parse(await cy.ReceiveTextAsync()));

        // Proof of absence: the next thing ann and dee receive is a later message, not ann's own line.
        await bo.SendTextAsync("coming");
        await dee.SendTextAsync("anyone?");
        Assert.Equal(("kitchen", "bo", "coming"), Parse(await ann.ReceiveTextAsync()));
        Assert.Equal(("kitchen", "bo", "coming"), Parse(await cy.ReceiveTextAsync()));
        using var other = await JoinAsync(server, "garden", "eve");
        await RoomHasAsync("garden", 2);
        await other.SendTextAsync("me");
        Assert.Equal(("garden", "eve", "me"), Parse(await dee.ReceiveTextAsync()));
    }

    [Fact]
    public async Task Lines_from_one_sender_arrive_in_the_order_sent()
    {
        var server = await StartAsync();
        using var sender = await JoinAsync(server, "r", "s");
        using var reader = await JoinAsync(server, "r", "t");
        await RoomHasAsync("r", 2);

        for (int i = 0; i < 200; i++) await sender.SendTextAsync(i.ToString(System.Globalization.CultureInfo.InvariantCulture));

        for (int i = 0; i < 200; i++) Assert.Equal(i.ToString(System.Globalization.CultureInfo.InvariantCulture), Parse(await reader.ReceiveTextAsync()).Text);
    }

    [Fact]
    public async Task A_binary_message_is_refused_with_1003()
    {
        var server = await StartAsync();
        using var client = await JoinAsync(server, "r", "binary");

        await client.SendAsync(new byte[] { 1, 2, 3 }, WebSocketMessageType.Binary, true, CancellationToken.None);

        Assert.Equal(WebSocketCloseStatus.InvalidMessageType, await client.ReceiveCloseAsync());
    }

    [Fact]
    public async Task A_message_over_4_KiB_is_refused_with_1009_and_4_KiB_is_not()
    {
        var server = await StartAsync();
        using var client = await JoinAsync(server, "big", "talker");
        using var listener = await JoinAsync(server, "big", "listener");
        await RoomHasAsync("big", 2);

        await client.SendTextAsync(new string('a', 4096));
        Assert.Equal(4096, Parse(await listener.ReceiveTextAsync()).Text.Length);
        await client.SendTextAsync(new string('a', 4097));

        Assert.Equal(WebSocketCloseStatus.MessageTooBig, await client.ReceiveCloseAsync());
    }

    [Fact]
    public async Task Clients_without_a_room_or_name_join_the_lobby_under_a_guest_name()
    {
        var server = await StartAsync();
        using var a = await ConnectClientAsync(new Uri(UrlOf(server), "/chat"));
        using var b = await ConnectClientAsync(new Uri(UrlOf(server), "/chat?name=named"));
        await RoomHasAsync("lobby", 2);

        await a.SendTextAsync("hello");

        var (room, from, text) = Parse(await b.ReceiveTextAsync());
        Assert.Equal(("lobby", "hello"), (room, text));
        Assert.StartsWith("guest-", from);
    }
}

public sealed class ChatOverWs(ITestOutputHelper output) : ChatScenarios(output, ServerMode.Ws);

public sealed class ChatOverWssInline(ITestOutputHelper output) : ChatScenarios(output, ServerMode.WssInline);

public sealed class ChatOverWssOffload(ITestOutputHelper output) : ChatScenarios(output, ServerMode.WssOffload);

using System.Text.Json;
using ActorWss.Connections;
using ActorWss.WebSocket;

namespace ActorWss.Samples.Chat;

/// <summary>
/// One chat client: <c>/chat?room=ROOM&amp;name=NAME</c>. Every text message it sends goes to every other client in
/// its room as <c>{"room":"ROOM","from":"NAME","text":"..."}</c>; binary messages are refused with 1003 (messages over
/// 4 KiB get 1009 from the route's limit, before they reach this actor). With <c>&amp;members=on</c> the client also
/// gets the room's member list, at once and whenever it changes: <c>{"room":"ROOM","members":["ann","bo"]}</c>. On a
/// cluster all of it spans the nodes.
/// </summary>
public sealed class ChatConnection : WebSocketActor
{
    private string _room = "lobby";
    private string _name = "guest";

    public ChatConnection()
    {
        var hub = WebSocketHub.Get(Context.System);

        Receive<Connected>(connected =>
        {
            var request = connected.Info.Request;
            _room = NonEmpty(request.GetQueryParameter("room")) ?? "lobby";
            _name = NonEmpty(request.GetQueryParameter("name")) ?? "guest-" + connected.Info.Id;
            // The connection itself subscribes: room messages go straight to its client, framed once for the whole room.
            hub.Subscribe(Topic(_room), Connection, presence: _name);
            if (request.GetQueryParameter("members") is "on" or "1" or "true") hub.WatchMembers(Topic(_room), Self);
        });

        Receive<MembersChanged>(members =>
            Send(JsonSerializer.Serialize(new MemberList(_room, members.Members), ChatJson.Options)));

        Receive<Message>(message =>
        {
            if (!message.IsText)
            {
                Close(CloseStatus.UnsupportedData, "text messages only");
                return;
            }
            var line = JsonSerializer.Serialize(new ChatLine(_room, _name, message.GetText()), ChatJson.Options);
            hub.Publish(Topic(_room), Message.Text(line), except: Connection);
        });

        // The connection leaves its room by itself when it closes.
        Receive<Closed>(_ => { });
    }

    public static string Topic(string room) => "chat:" + room;

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}

/// <summary>What every other client in the room receives.</summary>
public sealed record ChatLine(string Room, string From, string Text);

/// <summary>Who is in the room (clients that asked for <c>members=on</c>).</summary>
public sealed record MemberList(string Room, IReadOnlyList<string> Members);

internal static class ChatJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}

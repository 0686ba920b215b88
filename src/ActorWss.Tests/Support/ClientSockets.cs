using System.Net.WebSockets;
using System.Text;

namespace ActorWss.Tests.Support;

/// <summary>Short forms for tests that talk text over a <see cref="ClientWebSocket"/>.</summary>
internal static class ClientSockets
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    public static async Task SendTextAsync(this System.Net.WebSockets.WebSocket client, string text)
    {
        using var cts = new CancellationTokenSource(Timeout);
        await client.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, cts.Token);
    }

    /// <summary>The next whole message as text; fails if the server closed instead.</summary>
    public static async Task<string> ReceiveTextAsync(this System.Net.WebSockets.WebSocket client, TimeSpan? timeout = null)
    {
        var (type, payload, status) = await ReceiveAsync(client, timeout);
        Assert.True(type == WebSocketMessageType.Text, $"expected a text message, got {type} (close status {status})");
        return Encoding.UTF8.GetString(payload);
    }

    /// <summary>Reads until the server's Close and returns its status (skipping messages on the way when <paramref name="skipMessages"/>).</summary>
    public static async Task<WebSocketCloseStatus?> ReceiveCloseAsync(this System.Net.WebSockets.WebSocket client, bool skipMessages = false,
        TimeSpan? timeout = null)
    {
        while (true)
        {
            var (type, _, status) = await ReceiveAsync(client, timeout);
            if (type == WebSocketMessageType.Close) return status;
            Assert.True(skipMessages, $"expected the server's Close, got a {type} message");
        }
    }

    /// <summary>Nothing arrives within <paramref name="quiet"/> (the test's proof of absence comes after a later message it does expect).</summary>
    public static async Task<(WebSocketMessageType Type, byte[] Payload, WebSocketCloseStatus? Status)> ReceiveAsync(
        System.Net.WebSockets.WebSocket client, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? Timeout);
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await client.ReceiveAsync(buffer, cts.Token);
            if (result.MessageType == WebSocketMessageType.Close) return (result.MessageType, [], result.CloseStatus);
            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage) return (result.MessageType, message.ToArray(), null);
        }
    }
}

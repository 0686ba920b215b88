using System.Net.WebSockets;
using System.Text;
using System.Threading.Channels;

namespace ActorWss.Tests.Support;

/// <summary>
/// A <see cref="ClientWebSocket"/> that reads all the time into a queue, so that a test can wait for the next message
/// with a deadline without aborting the socket (a cancelled <c>ReceiveAsync</c> aborts a ClientWebSocket).
/// </summary>
internal sealed class ReceivingClient : IDisposable
{
    private readonly Channel<string> _texts = Channel.CreateUnbounded<string>();
    private readonly TaskCompletionSource<WebSocketCloseStatus?> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ReceivingClient(ClientWebSocket socket)
    {
        Socket = socket;
        _ = Task.Run(ReadAllAsync);
    }

    public ClientWebSocket Socket { get; }

    /// <summary>Completes with the server's close status when it closes.</summary>
    public Task<WebSocketCloseStatus?> Closed => _closed.Task;

    public static async Task<ReceivingClient> ConnectAsync(Uri url)
    {
        var socket = new ClientWebSocket();
        socket.Options.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await socket.ConnectAsync(url, cts.Token);
        return new ReceivingClient(socket);
    }

    /// <summary>The next text message; <see cref="TimeoutException"/> if none comes within <paramref name="timeout"/> (the socket stays open).</summary>
    public async Task<string> NextAsync(TimeSpan timeout)
    {
        // Waits without taking: a read abandoned at the deadline would take (and lose) the next message.
        var deadline = DateTime.UtcNow + timeout;
        string? text;
        while (!_texts.Reader.TryRead(out text))
        {
            var remaining = deadline - DateTime.UtcNow;
            if (remaining <= TimeSpan.Zero) throw new TimeoutException($"no message within {timeout.TotalMilliseconds:0} ms");
            if (!await _texts.Reader.WaitToReadAsync().AsTask().WaitAsync(remaining))
                throw new WebSocketException("the connection closed before the next message");
        }
        return text;
    }

    public Task SendAsync(string text) => Socket.SendTextAsync(text);

    private async Task ReadAllAsync()
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        try
        {
            while (true)
            {
                var result = await Socket.ReceiveAsync(buffer, CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    _closed.TrySetResult(result.CloseStatus);
                    break;
                }
                message.Write(buffer, 0, result.Count);
                if (!result.EndOfMessage) continue;
                _texts.Writer.TryWrite(Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length));
                message.SetLength(0);
            }
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
            _closed.TrySetResult(null);
        }
        _texts.Writer.TryComplete();
    }

    public void Dispose() => Socket.Dispose();
}

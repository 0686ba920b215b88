using System.Net.WebSockets;
using System.Text.Json;

namespace ActorWss.Tests.Support;

/// <summary>A chat sample client on a real <see cref="ClientWebSocket"/>: joins a room, says lines, reads lines and member lists.</summary>
internal sealed class ChatClient(ReceivingClient client, string name) : IDisposable
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);

    public ClientWebSocket Socket => client.Socket;

    public string Name { get; } = name;

    public static async Task<ChatClient> JoinAsync(Uri server, string room, string name, bool members = false) =>
        new(await ReceivingClient.ConnectAsync(new Uri(server,
            $"/chat?room={Uri.EscapeDataString(room)}&name={Uri.EscapeDataString(name)}{(members ? "&members=on" : "")}")), name);

    public Task SayAsync(string text) => client.SendAsync(text);

    /// <summary>The next chat line (member lists on the way are skipped); <see cref="TimeoutException"/> if none comes in time.</summary>
    public async Task<(string Room, string From, string Text)> NextLineAsync(TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (true)
        {
            using var document = JsonDocument.Parse(await client.NextAsync(Remaining(deadline)));
            var root = document.RootElement;
            if (root.TryGetProperty("members", out _)) continue;
            return (root.GetProperty("room").GetString()!, root.GetProperty("from").GetString()!, root.GetProperty("text").GetString()!);
        }
    }

    /// <summary>Reads member lists until one equals <paramref name="expected"/> (lines on the way are skipped).</summary>
    public async Task AwaitMembersAsync(IReadOnlyList<string> expected, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        string[] last = [];
        while (true)
        {
            string text;
            try { text = await client.NextAsync(Remaining(deadline)); }
            catch (TimeoutException)
            {
                throw new TimeoutException($"{Name} saw the members [{string.Join(",", last)}], never [{string.Join(",", expected)}]");
            }
            using var document = JsonDocument.Parse(text);
            if (!document.RootElement.TryGetProperty("members", out var members)) continue;
            last = [.. members.EnumerateArray().Select(m => m.GetString()!)];
            if (last.SequenceEqual(expected)) return;
        }
    }

    private static TimeSpan Remaining(DateTime deadline)
    {
        var remaining = deadline - DateTime.UtcNow;
        return remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero;
    }

    public void Dispose() => client.Dispose();
}

using System.Net.Sockets;
using ActorWss.Tests.Support;
using ActorWss.WebSocket;

namespace ActorWss.Tests.Reliability;

/// <summary>
/// Accepting under a file-descriptor limit (EMFILE): the server backs off instead of retrying in a loop that floods
/// its log, and accepts again once descriptors are available. The limit is lowered on the running server with
/// prlimit, just above what it already uses, and raised again.
/// </summary>
public sealed class AcceptFailureScenarios
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private static int OpenDescriptors(int pid) => Directory.GetFiles($"/proc/{pid}/fd").Length;

    private static int HardLimit(int pid) => int.Parse(File.ReadLines($"/proc/{pid}/limits")
        .First(line => line.StartsWith("Max open files", StringComparison.Ordinal))
        .Split(' ', StringSplitOptions.RemoveEmptyEntries)[4], System.Globalization.CultureInfo.InvariantCulture);

    [SkippableFact]
    public async Task Accepting_at_the_descriptor_limit_backs_off_logs_rarely_and_recovers()
    {
        Skip.IfNot(File.Exists("/usr/bin/prlimit"), "needs prlimit (util-linux)");
        await using var server = ServerProcess.Start("--set", "actorwss.listeners.ws.port=0", "--set", "actorwss.listeners.wss.enabled=off",
            "--set", "actorwss.http.browser-page=off");
        var url = await server.ListeningAsync(Timeout);
        await using (var warm = await RawWebSocketClient.OpenAsync(url)) { } // the first connection's code paths are loaded

        int limit = OpenDescriptors(server.Id) + 8;
        int hard = HardLimit(server.Id); // only the soft limit changes: raising a hard limit again needs CAP_SYS_RESOURCE
        Assert.Equal(0, await Prerequisites.RunAsync("/usr/bin/prlimit", $"--pid {server.Id} --nofile={limit}:"));
        var clients = new List<Socket>();
        try
        {
            for (int i = 0; i < 40; i++) // more than the limit leaves room for: the rest wait in the backlog
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
                await socket.ConnectAsync(url.Host, url.Port);
                clients.Add(socket);
            }
            await Task.Delay(TimeSpan.FromSeconds(2)); // a window to count log lines in, not a threshold

            int failureLines = server.Output.Split('\n').Count(line => line.Contains("accept failed", StringComparison.Ordinal));
            Assert.InRange(failureLines, 1, 5);

            // Descriptors become available again (the limit is raised while the clients still wait in the backlog;
            // closing them first would let the server fill the few free descriptors again at once).
            var prlimitOutput = new List<string>();
            Assert.True(0 == await Prerequisites.RunAsync("/usr/bin/prlimit", $"--pid {server.Id} --nofile={hard}:", output: prlimitOutput.Add),
                $"prlimit could not raise the limit again: {string.Join('\n', prlimitOutput)}\nthe server:\n{server.Output}");
        }
        finally
        {
            foreach (var client in clients) client.Dispose();
        }

        // The server accepts and serves again.
        var served = false;
        for (var deadline = DateTime.UtcNow + Timeout; !served && DateTime.UtcNow < deadline;)
        {
            try
            {
                await using var client = await RawWebSocketClient.OpenAsync(url);
                await client.SendTextAsync("again");
                served = (await client.ReadFrameAsync()).Opcode == Opcode.Text;
            }
            catch (Exception e) when (e is IOException or SocketException or TimeoutException or EndOfStreamException or OperationCanceledException)
            {
                await Task.Delay(200);
            }
        }
        Assert.True(served, "the server did not serve again after descriptors were freed:\n" + server.Output);
    }
}

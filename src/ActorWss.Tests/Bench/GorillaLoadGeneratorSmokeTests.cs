using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using ActorWss.Bench.Load;
using ActorWss.Bench.Matrix;
using ActorWss.Bench.Peers;
using ActorWss.Tests.Support;
using Xunit.Abstractions;

namespace ActorWss.Tests.Bench;

/// <summary>
/// The Go load generator (built from Debian's gorilla/websocket; skipped where Go is not installed) against an
/// in-process server, one second at a time: the same checks as the .NET generator's smoke tests, so that a matrix run
/// with either client records the same things.
/// </summary>
public abstract class GorillaLoadGeneratorSmokeTests(ITestOutputHelper output, ServerMode mode) : ServerScenario(output, mode)
{
    private static readonly string[] AdminListener = ["actorwss.listeners.admin.port=0", "actorwss.listeners.admin.metrics=on"];

    internal static async Task<string> ClientAsync()
    {
        if (!GorillaClient.Available) throw new SkipException($"the Go load generator needs Go: {GorillaPeer.Install}");
        return await GorillaClient.BuildAsync(RepositoryPaths.Find().Root);
    }

    [SkippableTheory]
    [InlineData(1)]
    [InlineData(8)]
    public async Task A_one_second_case_completes_echoes_without_errors_and_reads_the_servers_costs(int inFlight)
    {
        var client = await ClientAsync();
        var server = await StartServerAsync(AdminListener);
        var metrics = new UriBuilder(server["admin"].Url) { Scheme = "http", Path = "/metrics" }.Uri;
        var options = new LoadOptions(server[Listener].Url, Connections: 4, Duration: TimeSpan.FromSeconds(1),
            Warmup: TimeSpan.FromMilliseconds(200), Size: 256, Insecure: true, InFlight: inFlight);
        var progress = new List<LoadProgress>();

        var result = await GorillaLoadGenerator.RunAsync(client, options, new ServerProbe(Environment.ProcessId, metrics), progress.Add);
        var summary = result.ToCase(Mode.ToString(), 4, 256, inFlight, 2, 1, null, null);

        Assert.True(result.Echoes > 0, "no echo completed");
        Assert.Equal(0, result.Errors);
        Assert.Null(result.FirstError);
        Assert.Equal(result.Echoes, result.Latency.TotalCount);
        Assert.True(summary.Latency.P50Us > 0);
        Assert.True(summary.Latency.P999Us >= summary.Latency.P99Us && summary.Latency.P99Us >= summary.Latency.P50Us);
        Assert.True(result.ClientCpuSeconds > 0, "the Go process's CPU is the client's");
        Assert.Contains(progress, p => p.Phase == "measuring" && p.Echoes > 0);
        var costs = summary.Server!;
        // The window runs from one pause to the next: every measured echo, plus those in flight when it closed.
        Assert.InRange(costs.WindowEchoes!.Value, result.Echoes, result.Echoes + 4 * inFlight);
        Assert.NotNull(costs.AllocatedBytes);
        if (Mode == ServerMode.Ws)
            Assert.Null(summary.Tls);
        else
            Assert.StartsWith("Tls13 TLS_", summary.Tls);
    }

    [SkippableFact]
    public async Task A_server_that_is_gone_is_an_error_that_says_so()
    {
        var client = await ClientAsync();
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var options = new LoadOptions(new Uri($"ws://127.0.0.1:{port}/"), 2, TimeSpan.FromSeconds(1), TimeSpan.Zero, 64, false,
            ConnectTimeout: TimeSpan.FromSeconds(5));
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => GorillaLoadGenerator.RunAsync(client, options));
        Assert.Contains("connection refused", failure.Message);
    }
}

public sealed class GorillaLoadGeneratorOverWs(ITestOutputHelper output) : GorillaLoadGeneratorSmokeTests(output, ServerMode.Ws);

public sealed class GorillaLoadGeneratorOverWssInline(ITestOutputHelper output) : GorillaLoadGeneratorSmokeTests(output, ServerMode.WssInline);

/// <summary>The Go load generator's own checks, against servers that break the echo.</summary>
public sealed class GorillaLoadGeneratorChecksTests
{
    [SkippableFact]
    public async Task An_echo_that_differs_from_what_was_sent_is_counted_as_an_error_not_an_echo()
    {
        var client = await GorillaLoadGeneratorSmokeTests.ClientAsync();
        using var server = new FlippingEchoServer();
        var options = new LoadOptions(server.Url, 1, TimeSpan.FromMilliseconds(500), TimeSpan.Zero, 16, false);

        var result = await GorillaLoadGenerator.RunAsync(client, options);

        Assert.Equal(0, result.Echoes);
        Assert.Equal(1, result.Errors);
        Assert.Equal("echo of 16 bytes differs from the 16 bytes sent", result.FirstError);
    }

    [SkippableFact]
    public async Task The_go_program_itself_refuses_hosts_other_than_this_machine()
    {
        var client = await GorillaLoadGeneratorSmokeTests.ClientAsync();
        var start = new ProcessStartInfo(client, ["-url", "ws://192.0.2.1:9090/", "-c", "1"]) { RedirectStandardOutput = true };
        using var process = Process.Start(start)!;
        var said = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.Equal(2, process.ExitCode);
        Assert.StartsWith("error load is only generated against this machine", said);
        await Assert.ThrowsAsync<ArgumentException>(() => GorillaLoadGenerator.RunAsync(client,
            new LoadOptions(new Uri("ws://192.0.2.1:9090/"), 1, TimeSpan.FromSeconds(1), TimeSpan.Zero, 64, false)));
    }

    [Fact]
    public void The_client_is_named_dotnet_or_go_and_go_only_where_it_can_be_built()
    {
        Assert.Equal(LoadClient.Dotnet, LoadClients.Parse("dotnet"));
        Assert.Contains("neither dotnet nor go", Assert.Throws<ArgumentException>(() => LoadClients.Parse("rust")).Message);
        if (GorillaClient.Available) Assert.Equal(LoadClient.Go, LoadClients.Parse("go"));
        else Assert.Contains(GorillaPeer.Install, Assert.Throws<ArgumentException>(() => LoadClients.Parse("go")).Message);
    }

    /// <summary>Accepts one WebSocket connection and answers each message with its bytes inverted.</summary>
    private sealed class FlippingEchoServer : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();

        public FlippingEchoServer()
        {
            _listener.Start();
            _ = Task.Run(ServeAsync);
        }

        public Uri Url => new($"ws://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");

        private async Task ServeAsync()
        {
            try
            {
                using var socket = await _listener.AcceptSocketAsync(_stop.Token);
                await using var stream = new NetworkStream(socket);
                var request = new StringBuilder();
                var one = new byte[1];
                while (!request.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
                {
                    if (await stream.ReadAsync(one, _stop.Token) == 0) return;
                    request.Append((char)one[0]);
                }
                var key = request.ToString().Split("\r\n").First(l => l.StartsWith("Sec-WebSocket-Key:", StringComparison.OrdinalIgnoreCase))[18..].Trim();
                var accept = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));
                await stream.WriteAsync(Encoding.ASCII.GetBytes(
                    $"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n"), _stop.Token);
                while (true)
                {
                    var header = new byte[2];
                    await stream.ReadExactlyAsync(header, _stop.Token);
                    int length = header[1] & 0x7f; // the test's messages are short: one length byte, then the mask
                    var mask = new byte[4];
                    await stream.ReadExactlyAsync(mask, _stop.Token);
                    var payload = new byte[length];
                    await stream.ReadExactlyAsync(payload, _stop.Token);
                    var reply = new byte[2 + length];
                    reply[0] = 0x82;
                    reply[1] = (byte)length;
                    for (int i = 0; i < length; i++) reply[2 + i] = (byte)~(payload[i] ^ mask[i % 4]);
                    await stream.WriteAsync(reply, _stop.Token);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or EndOfStreamException or SocketException)
            {
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            _stop.Dispose();
        }
    }
}

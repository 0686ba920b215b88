using System.Text;
using ActorWss.Tests.Support;
using Akka.Event;
using Xunit.Abstractions;

namespace ActorWss.Tests.Reliability;

/// <summary>
/// The HTTP phase where requests are hostile or the server is full: control bytes never reach logs or answers,
/// request bodies and conflicting framing never reach the WebSocket layers (RFC 9112 §6.3), and health is answered
/// even at the connection limit.
/// </summary>
public abstract class HttpEdgeScenarios(ITestOutputHelper output, ServerMode mode) : ServerScenario(output, mode)
{
    private const char Esc = '\u001B';

    private async Task<(int Status, string Body)> SendAsync(Uri url, string request)
    {
        await using var client = await RawWebSocketClient.ConnectAsync(url);
        await client.SendAsync(request);
        var (head, body) = await client.ReadResponseAsync();
        return (head.Status, body);
    }

    public static TheoryData<string, string> ControlBytes => new()
    {
        { "in the request target", $"GET /{Esc}[2J{Esc}[31mred HTTP/1.1\r\nHost: h\r\n\r\n" },
        { "in a field name", $"GET / HTTP/1.1\r\nHost: h\r\nX-{Esc}[31m: v\r\n\r\n" },
        { "in a field value", $"GET / HTTP/1.1\r\nHost: h\r\nUser-Agent: a{Esc}[31mb\r\n\r\n" },
        { "in an upgrade's target", RawWebSocketClient.UpgradeRequest(new Uri("ws://h:1/"), path: $"/{Esc}]0;title\u0007") },
    };

    [Theory]
    [MemberData(nameof(ControlBytes))]
    public async Task Control_bytes_get_400_and_reach_neither_the_answer_nor_the_log(string where, string request)
    {
        var server = await StartServerAsync();
        var logged = CreateTestProbe();
        Sys.EventStream.Subscribe(logged.Ref, typeof(Info));

        var (status, body) = await SendAsync(UrlOf(server), request);

        Assert.True(status == 400, $"{where}: expected 400, got {status}");
        Assert.DoesNotContain(Esc, body);
        var line = logged.FishForMessage<Info>(info => info.ToString()!.Contains("refused", StringComparison.Ordinal), Timeout).ToString()!;
        Assert.True(!line.Contains(Esc) && !line.Contains('\u0007'), $"{where}: raw control bytes in the log line: {line}");
    }

    [Fact]
    public async Task A_field_name_with_control_bytes_is_quoted_escaped_in_the_answer()
    {
        var server = await StartServerAsync();

        var (_, body) = await SendAsync(UrlOf(server), $"GET / HTTP/1.1\r\nHost: h\r\nX-{Esc}[31m: v\r\n\r\n");

        Assert.Contains("\\x1B[31m", body);
    }

    public static TheoryData<string, string[]> ConflictingFraming => new()
    {
        { "two different Content-Length values", ["Content-Length: 0", "Content-Length: 5"] },
        { "two different Content-Length values in one field", ["Content-Length: 0, 5"] },
        { "Transfer-Encoding with Content-Length", ["Transfer-Encoding: chunked", "Content-Length: 0"] },
        { "Transfer-Encoding alone", ["Transfer-Encoding: chunked"] },
        { "a Content-Length that is not a number", ["Content-Length: zero"] },
        { "a body on the upgrade", ["Content-Length: 4"] },
    };

    [Theory]
    [MemberData(nameof(ConflictingFraming))]
    public async Task An_upgrade_with_a_body_or_conflicting_framing_gets_400_not_101(string why, string[] headers)
    {
        var server = await StartServerAsync();
        var url = UrlOf(server);

        var (status, _) = await SendAsync(url, RawWebSocketClient.UpgradeRequest(url, extraHeaders: headers));

        Assert.True(status == 400, $"{why}: expected 400, got {status}");
    }

    [Fact]
    public async Task An_upgrade_with_content_length_0_is_accepted()
    {
        var server = await StartServerAsync();
        var url = UrlOf(server);
        await using var client = await RawWebSocketClient.ConnectAsync(url);

        await client.SendAsync(RawWebSocketClient.UpgradeRequest(url, extraHeaders: "Content-Length: 0"));

        Assert.Equal(101, (await client.ReadResponseHeadAsync()).Status);
    }

    [Fact]
    public async Task Health_is_answered_200_at_the_connection_limit_while_upgrades_get_503()
    {
        var server = await StartServerAsync(ListenerKey("max-connections=1"));
        var url = UrlOf(server);
        await using var holder = await RawWebSocketClient.OpenAsync(url);
        await AwaitAssertAsync(async () => Assert.Equal(1, await server.ConnectionCountAsync()), Timeout);

        var (health, body) = await SendAsync(url, "GET /healthz HTTP/1.1\r\nHost: h\r\n\r\n");
        var (upgrade, _) = await SendAsync(url, RawWebSocketClient.UpgradeRequest(url));

        Assert.Equal((200, "ok\n"), (health, body));
        Assert.Equal(503, upgrade);
    }
}

public sealed class HttpEdgeOverWs(ITestOutputHelper output) : HttpEdgeScenarios(output, ServerMode.Ws);

public sealed class HttpEdgeOverWssInline(ITestOutputHelper output) : HttpEdgeScenarios(output, ServerMode.WssInline);

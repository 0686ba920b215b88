using ActorWss.Tests.Support;
using Xunit.Abstractions;

namespace ActorWss.Tests.Interop;

/// <summary>Independent clients, written in other languages against other WebSocket stacks, talk to the server.</summary>
public abstract class InteropScenarios(ITestOutputHelper output, ServerMode mode) : ServerScenario(output, mode)
{
    private readonly ITestOutputHelper _output = output;

    [SkippableFact]
    public Task Python_websockets_passes_its_echo_checks() =>
        RunPythonClientAsync("python_echo_client.py", module: "websockets", package: "python3-websockets");

    [SkippableFact]
    public Task Python_websockets_echoes_through_permessage_deflate() =>
        RunPythonClientAsync("python_echo_client.py", module: "websockets", package: "python3-websockets", deflate: true);

    [SkippableFact]
    public Task Autobahn_python_passes_its_echo_and_violation_checks() =>
        RunPythonClientAsync("autobahn_client.py", module: "autobahn.asyncio.websocket", package: "python3-autobahn");

    /// <summary>Runs a client script from Interop/ against a fresh server; it prints "ALL OK" and exits 0 when every check passed.</summary>
    [SkippableFact]
    public Task Autobahn_python_echoes_through_permessage_deflate_and_declines_what_it_cannot_honour() =>
        RunPythonClientAsync("autobahn_client.py", module: "autobahn.asyncio.websocket", package: "python3-autobahn", deflate: true);

    private const string DeflateEnabled = "actorwss.websocket.permessage-deflate.enabled=on";

    private async Task RunPythonClientAsync(string script, string module, string package, bool deflate = false)
    {
        var missing = await Prerequisites.EnsureAsync(
            async () => await Prerequisites.RunAsync("/usr/bin/python3", $"-c \"import {module}\"") == 0, package);
        Skip.If(missing is not null, missing);
        var server = deflate ? await StartServerAsync(DeflateEnabled) : await StartServerAsync();

        var lines = new List<string>();
        int exit = await Prerequisites.RunAsync("/usr/bin/python3",
            $"{Path.Combine(AppContext.BaseDirectory, "Interop", script)} {UrlOf(server)}{(deflate ? " --deflate" : "")}", output: Collect(lines));

        Assert.True(exit == 0, string.Join('\n', lines));
        Assert.Contains("ALL OK", lines);
    }

    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Gorilla_websocket_passes_its_echo_checks(bool deflate)
    {
        var client = await GorillaClient.BuildAsync(_output);
        var server = deflate ? await StartServerAsync(DeflateEnabled) : await StartServerAsync();

        var lines = new List<string>();
        int exit = await Prerequisites.RunAsync(client, $"-url {UrlOf(server)}{(deflate ? " -deflate" : "")}", output: Collect(lines));

        Assert.True(exit == 0, string.Join('\n', lines));
        Assert.Contains("ALL OK", lines);
    }

    private Action<string> Collect(List<string> lines) => line =>
    {
        lock (lines) lines.Add(line);
        _output.WriteLine(line);
    };
}


public sealed class InteropOverWs(ITestOutputHelper output) : InteropScenarios(output, ServerMode.Ws);

public sealed class InteropOverWssInline(ITestOutputHelper output) : InteropScenarios(output, ServerMode.WssInline);

public sealed class InteropOverWssOffload(ITestOutputHelper output) : InteropScenarios(output, ServerMode.WssOffload);

/// <summary>The Go client under Interop/gorilla, built against Debian's gorilla/websocket in GOPATH mode (offline).</summary>
public static class GorillaClient
{
    private const string GoPath = "/usr/share/gocode";

    public static async Task<string> BuildAsync(ITestOutputHelper output)
    {
        var missing = await Prerequisites.EnsureAsync(
            () => Task.FromResult(File.Exists("/usr/bin/go") && Directory.Exists(GoPath + "/src/github.com/gorilla/websocket")),
            "golang-go", "golang-github-gorilla-websocket-dev");
        Skip.If(missing is not null, missing);
        var binary = Path.Combine(Path.GetTempPath(), "actorwss-gorilla-client");
        var lines = new List<string>();
        int exit = await Prerequisites.RunAsync("/usr/bin/go", $"build -o {binary} .",
            workingDirectory: Path.Combine(AppContext.BaseDirectory, "Interop", "gorilla"),
            environment: new Dictionary<string, string>
            {
                ["GO111MODULE"] = "off",
                ["GOPATH"] = GoPath,
                ["GOCACHE"] = Path.Combine(Path.GetTempPath(), "actorwss-gocache"),
            },
            output: line => { lines.Add(line); output.WriteLine(line); });
        Assert.True(exit == 0, "go build failed:\n" + string.Join('\n', lines));
        return binary;
    }
}

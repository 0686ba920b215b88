using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using ActorWss.Bench.Peers;

namespace ActorWss.Bench.Matrix;

/// <summary>
/// A server under test as a separate process, optionally pinned (taskset) and with a raised open-file limit: the
/// ActorWss server (ActorWss.Server.dll), this bench in its <c>kestrel</c> role, or the Go peer. Waits for its
/// "Listening on" lines; stops it with SIGTERM.
/// </summary>
public sealed partial class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Dictionary<string, Uri> _urls = [];
    private readonly List<string> _output = [];
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ServerProcess(Process process) => _process = process;

    public int Pid => _process.Id;

    /// <summary>The listener of <paramref name="scheme"/>, at <paramref name="path"/>.</summary>
    public Uri Url(string scheme, string path = "/") => _urls.TryGetValue(scheme, out var url) ? new Uri(url, path)
        : throw new InvalidOperationException($"the server has no {scheme}:// listener; its output:\n{string.Join('\n', _output)}");

    /// <summary>GET /metrics on the ws:// listener (ActorWss serves it there; the bench's peers do too).</summary>
    public Uri MetricsUrl => new UriBuilder(Url("ws")) { Scheme = "http", Path = "/metrics" }.Uri;

    public static async Task<ServerProcess> StartAsync(BenchMode mode, ServerLaunch launch, string? cpus, int? openFiles = null)
    {
        var (program, arguments) = Command(mode, launch);
        var start = ChildProcess.StartInfo(program, arguments, cpus, openFiles, launch.Paths.Root);
        // The Kestrel peer runs with the runtime setting ActorWss.Server ships (TieredPGO off in its runtimeconfig):
        // measured in one sitting, it makes Kestrel faster too (wss, pinned, 3 rounds: 11.2-13.5K -> 12.8-14.2K echoes
        // per server CPU-second), so the comparison does not favour ActorWss with a setting the peer lacks.
        if (mode.Server == ServerKind.Kestrel) start.Environment["DOTNET_TieredPGO"] = "0";
        var server = new ServerProcess(new Process { StartInfo = start, EnableRaisingEvents = true });
        server._process.OutputDataReceived += (_, e) => server.OnLine(e.Data);
        server._process.ErrorDataReceived += (_, e) => server.OnLine(e.Data);
        server._process.Exited += (_, _) => server._ready.TrySetException(new InvalidOperationException(
            $"the {mode.Name} server exited with {server._process.ExitCode}:\n{string.Join('\n', server.Output())}"));
        server._process.Start();
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();
        try
        {
            await server._ready.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        return server;
    }

    private static (string Program, IReadOnlyList<string> Arguments) Command(BenchMode mode, ServerLaunch launch)
    {
        var cert = launch.Certificate;
        switch (mode.Server)
        {
            case ServerKind.ActorWss:
                var arguments = new List<string>
                {
                    launch.Paths.ServerDll, "--config", launch.Paths.Config,
                    "--set", "actorwss.listeners.ws.port=0", "--set", "actorwss.listeners.wss.enabled=on", "--set", "actorwss.listeners.wss.port=0",
                    "--set", "actorwss.listeners.ws.max-connections=1000000", "--set", "actorwss.listeners.wss.max-connections=1000000",
                    "--set", "actorwss.tls.dev-certificate=off",
                    "--set", "actorwss.tls.certificate.path=" + cert.CertificatePath, "--set", "actorwss.tls.certificate.key-path=" + cert.KeyPath,
                };
                foreach (var o in mode.Overrides) arguments.AddRange(["--set", o]);
                return ("dotnet", arguments);
            case ServerKind.Kestrel:
                return ("dotnet", [Path.Combine(AppContext.BaseDirectory, "ActorWss.Bench.dll"), "kestrel", "--cert", cert.CertificatePath, "--key", cert.KeyPath]);
            case ServerKind.Gorilla:
                return (launch.GorillaBinary ?? throw new InvalidOperationException(launch.GorillaProblem ?? "the Go peer was not built"),
                    ["-cert", cert.CertificatePath, "-key", cert.KeyPath]);
            default:
                throw new ArgumentOutOfRangeException(nameof(mode), mode.Server, "unknown server kind");
        }
    }

    private IReadOnlyList<string> Output()
    {
        lock (_output) return _output.ToArray();
    }

    private void OnLine(string? line)
    {
        if (line is null) return;
        lock (_output)
        {
            _output.Add(line);
            var match = ListeningLine().Match(line);
            if (!match.Success) return;
            var url = new Uri(match.Groups[1].Value);
            _urls[url.Scheme] = url;
            if (_urls.ContainsKey("ws") && _urls.ContainsKey("wss")) _ready.TrySetResult();
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)])) await kill.WaitForExitAsync();
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                try { await _process.WaitForExitAsync(cts.Token); }
                catch (OperationCanceledException) { _process.Kill(entireProcessTree: true); }
            }
        }
        catch (InvalidOperationException) { /* never started */ }
        _process.Dispose();
    }

    [GeneratedRegex(@"Listening on (wss?://[^/\s]+/)")]
    private static partial Regex ListeningLine();
}

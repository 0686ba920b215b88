using System.Diagnostics;
using System.Text.RegularExpressions;

namespace ActorWss.Bench.Matrix;

/// <summary>
/// A server under test as a separate process (optionally pinned with taskset), started from this binary's folder:
/// ActorWss.Server.dll, or this bench in its <c>kestrel</c> role. Waits for its "Listening on" lines; stops it with SIGTERM.
/// </summary>
public sealed partial class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Dictionary<string, Uri> _urls = [];
    private readonly List<string> _output = [];
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly int _listeners;

    private ServerProcess(Process process, int listeners)
    {
        _process = process;
        _listeners = listeners;
    }

    public int Pid => _process.Id;

    public Uri Url(string scheme) => _urls.TryGetValue(scheme, out var url) ? url
        : throw new InvalidOperationException($"the server has no {scheme}:// listener; its output:\n{string.Join('\n', _output)}");

    public static async Task<ServerProcess> StartAsync(BenchMode mode, RepositoryPaths paths, string? cpus)
    {
        var arguments = new List<string>();
        if (mode.Server == ServerKind.ActorWss)
        {
            arguments.AddRange([paths.ServerDll, "--config", paths.Config,
                "--set", "actorwss.listeners.ws.port=0", "--set", "actorwss.listeners.wss.enabled=on", "--set", "actorwss.listeners.wss.port=0",
                "--set", "actorwss.listeners.ws.max-connections=100000", "--set", "actorwss.listeners.wss.max-connections=100000",
                "--set", "actorwss.tls.dev-certificate=on",
                "--set", "actorwss.tls.certificate.path=" + paths.Certificate, "--set", "actorwss.tls.certificate.key-path=" + paths.Key]);
            foreach (var o in mode.Overrides) arguments.AddRange(["--set", o]);
        }
        else
        {
            arguments.AddRange([Path.Combine(AppContext.BaseDirectory, "ActorWss.Bench.dll"), "kestrel",
                "--cert", paths.Certificate, "--key", paths.Key]);
        }
        var start = new ProcessStartInfo(cpus is null ? "dotnet" : "taskset")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = paths.Root,
        };
        if (cpus is not null) foreach (var a in new[] { "-c", cpus, "dotnet" }) start.ArgumentList.Add(a);
        foreach (var a in arguments) start.ArgumentList.Add(a);

        var server = new ServerProcess(new Process { StartInfo = start, EnableRaisingEvents = true }, listeners: 2);
        server._process.OutputDataReceived += (_, e) => server.OnLine(e.Data);
        server._process.ErrorDataReceived += (_, e) => server.OnLine(e.Data);
        server._process.Exited += (_, _) => server._ready.TrySetException(new InvalidOperationException(
            $"the {mode.Name} server exited with {server._process.ExitCode}:\n{string.Join('\n', server._output)}"));
        server._process.Start();
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();
        await server._ready.Task.WaitAsync(TimeSpan.FromSeconds(60));
        return server;
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
            if (_urls.Count == _listeners) _ready.TrySetResult();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _ = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try { await _process.WaitForExitAsync(cts.Token); }
            catch (OperationCanceledException) { _process.Kill(entireProcessTree: true); }
        }
        _process.Dispose();
    }

    [GeneratedRegex(@"Listening on (wss?://[^/\s]+/)")]
    private static partial Regex ListeningLine();
}

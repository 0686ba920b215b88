using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace ActorWss.Tests.Support;

/// <summary>The real server binary (ActorWss.Server.dll, the ready-made server) in a child process, with its output captured.</summary>
public sealed partial class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ServerProcess(Process process) => _process = process;

    public static string RepositoryRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ActorWss.sln"))) dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("ActorWss.sln not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>
    /// The server in its own build output (same configuration as the tests). Not the copy next to the tests: that
    /// folder resolves the framework of the benchmark project (ASP.NET Core), which the server's runtimeconfig lacks.
    /// </summary>
    public static string ServerDll
    {
        get
        {
            var configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
            return Path.Combine(RepositoryRoot, "src", "ActorWss.Server", "bin", configuration, "net10.0", "ActorWss.Server.dll");
        }
    }

    public static ServerProcess Start(params string[] arguments) => StartAs(null, arguments);

    /// <summary>
    /// The server as another user (<c>setpriv</c>, as root), e.g. the container's uid 10001: files only their owner
    /// may read are then unreadable to it, as they are to a container reading a host mount.
    /// </summary>
    public static ServerProcess StartAs(int? uid, params string[] arguments)
    {
        var start = new ProcessStartInfo(uid is null ? "dotnet" : "setpriv")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepositoryRoot,
        };
        if (uid is { } id)
        {
            foreach (var argument in new[] { "--reuid", $"{id}", "--regid", $"{id}", "--clear-groups", "dotnet" }) start.ArgumentList.Add(argument);
            start.Environment["HOME"] = Path.GetTempPath(); // the user has no home; .NET wants one for its caches
            start.Environment["DOTNET_CLI_HOME"] = Path.GetTempPath();
        }
        start.ArgumentList.Add(ServerDll);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var server = new ServerProcess(process);
        process.OutputDataReceived += (_, e) => server.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => server.OnLine(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return server;
    }

    /// <summary>The process id (for /proc and prlimit).</summary>
    public int Id => _process.Id;

    public string Output
    {
        get { lock (_output) return string.Join('\n', _output); }
    }

    /// <summary>The URL of the first listener, from its "Listening on ..." log line.</summary>
    public Task<Uri> ListeningAsync(TimeSpan timeout) => _listening.Task.WaitAsync(timeout);

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    /// <summary>Sends SIGTERM, as `docker stop` and systemd do.</summary>
    public void Terminate() => Assert.Equal(0, kill(_process.Id, 15));

    /// <summary>Sends SIGKILL: a crash, or `docker kill`.</summary>
    public void Kill() => Assert.Equal(0, kill(_process.Id, 9));

    private void OnLine(string? line)
    {
        if (line is null) return;
        lock (_output) _output.Add(line);
        var match = ListeningLine().Match(line);
        if (match.Success) _listening.TrySetResult(new Uri(match.Groups[1].Value));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    [GeneratedRegex(@"Listening on (wss?://\S+/)")]
    private static partial Regex ListeningLine();
}

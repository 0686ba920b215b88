using System.Diagnostics;

namespace ActorWss.Bench.Peers;

/// <summary>
/// The Go peer (<c>Peers/gorilla/main.go</c>), built when a run needs it against Debian's gorilla/websocket in
/// GOPATH mode, offline, into a temporary folder (never into the repository).
/// </summary>
public static class GorillaPeer
{
    private const string GoPath = "/usr/share/gocode";
    public const string Install = "apt-get install -y golang-go golang-github-gorilla-websocket-dev";

    /// <summary>Builds the peer if its binary is missing or older than its source; returns the binary's path.</summary>
    public static async Task<string> BuildAsync(string repositoryRoot)
    {
        var source = Path.Combine(repositoryRoot, "src", "ActorWss.Bench", "Peers", "gorilla");
        if (!File.Exists("/usr/bin/go") || !Directory.Exists(Path.Combine(GoPath, "src", "github.com", "gorilla", "websocket")))
            throw new InvalidOperationException($"the Go peer needs Go and Debian's gorilla/websocket: {Install}");
        var output = Path.Combine(Path.GetTempPath(), "actorwss-bench-gorilla");
        Directory.CreateDirectory(output);
        var binary = Path.Combine(output, "actorwss-gorilla-peer");
        if (File.Exists(binary) && File.GetLastWriteTimeUtc(binary) >= File.GetLastWriteTimeUtc(Path.Combine(source, "main.go")))
            return binary;

        var start = new ProcessStartInfo("/usr/bin/go", ["build", "-o", binary, "."])
        {
            WorkingDirectory = source,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["GO111MODULE"] = "off";
        start.Environment["GOPATH"] = GoPath;
        start.Environment["GOCACHE"] = Path.Combine(output, "cache");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"go build of the Go peer failed ({process.ExitCode}):\n{await stdout}{await stderr}");
        return binary;
    }
}

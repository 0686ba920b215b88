using System.Diagnostics;

namespace ActorWss.Bench.Peers;

/// <summary>
/// Builds the bench's Go programs (<c>Peers/gorilla</c>, <c>Peers/gorilla-client</c>) against Debian's
/// gorilla/websocket in GOPATH mode, offline, into a temporary folder (never into the repository); a binary newer than
/// its source is reused.
/// </summary>
internal static class GoBuild
{
    private const string GoPath = "/usr/share/gocode";
    public const string Install = "apt-get install -y golang-go golang-github-gorilla-websocket-dev";

    /// <summary>Whether Go and Debian's gorilla/websocket are installed.</summary>
    public static bool Available =>
        File.Exists("/usr/bin/go") && Directory.Exists(Path.Combine(GoPath, "src", "github.com", "gorilla", "websocket"));

    public static async Task<string> BuildAsync(string repositoryRoot, string folder, string binaryName, string what)
    {
        var source = Path.Combine(repositoryRoot, "src", "ActorWss.Bench", "Peers", folder);
        if (!Available) throw new InvalidOperationException($"{what} needs Go and Debian's gorilla/websocket: {Install}");
        var output = Path.Combine(Path.GetTempPath(), "actorwss-bench-gorilla");
        Directory.CreateDirectory(output);
        var binary = Path.Combine(output, binaryName);
        if (File.Exists(binary) && File.GetLastWriteTimeUtc(binary) >= File.GetLastWriteTimeUtc(Path.Combine(source, "main.go")))
            return binary;

        // Built to a name of its own and moved into place, so that a process starting it meanwhile never sees half a file.
        var building = $"{binary}.{Environment.ProcessId}";
        var start = new ProcessStartInfo("/usr/bin/go", ["build", "-o", building, "."])
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
            throw new InvalidOperationException($"go build of {what} failed ({process.ExitCode}):\n{await stdout}{await stderr}");
        File.Move(building, binary, overwrite: true);
        return binary;
    }
}

using System.Diagnostics;

namespace ActorWss.Tests.Support;

/// <summary>
/// Real third-party clients come from Debian packages. A test that needs one installs it (as root, through
/// apt-get, once per run); where that is impossible it is skipped with the command that would make it run.
/// </summary>
public static class Prerequisites
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static readonly Dictionary<string, string?> Outcomes = [];

    /// <summary>Null when <paramref name="isPresent"/> holds (installing the packages if needed), else why not.</summary>
    public static async Task<string?> EnsureAsync(Func<Task<bool>> isPresent, params string[] debianPackages)
    {
        var key = string.Join(' ', debianPackages);
        await Gate.WaitAsync();
        try
        {
            if (Outcomes.TryGetValue(key, out var known)) return known;
            string? outcome = null;
            if (!await isPresent())
            {
                var install = $"apt-get install -y --no-install-recommends {key}";
                if (Environment.UserName != "root" || !File.Exists("/usr/bin/apt-get"))
                    outcome = $"needs: {install}";
                else if (await RunAsync("/usr/bin/apt-get", $"install -y -qq --no-install-recommends {key}") != 0
                         && (await RunAsync("/usr/bin/apt-get", "update -qq") != 0
                             || await RunAsync("/usr/bin/apt-get", $"install -y -qq --no-install-recommends {key}") != 0))
                    outcome = $"'{install}' failed";
                else if (!await isPresent())
                    outcome = $"installed {key}, still missing";
            }
            Outcomes[key] = outcome;
            return outcome;
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>Runs a command to completion; returns its exit code (-1 if it cannot start).</summary>
    public static async Task<int> RunAsync(string file, string arguments, string? workingDirectory = null,
        IDictionary<string, string>? environment = null, Action<string>? output = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(file, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        if (environment is not null) foreach (var (k, v) in environment) start.Environment[k] = v;
        start.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        Process process;
        try { process = Process.Start(start)!; }
        catch (System.ComponentModel.Win32Exception) { return -1; }
        using (process)
        {
            process.OutputDataReceived += (_, e) => { if (e.Data is not null) output?.Invoke(e.Data); };
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) output?.Invoke(e.Data); };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(5));
            try { await process.WaitForExitAsync(cts.Token); }
            catch (OperationCanceledException) { process.Kill(entireProcessTree: true); return -1; }
            return process.ExitCode;
        }
    }
}

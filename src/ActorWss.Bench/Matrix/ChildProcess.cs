using System.Diagnostics;

namespace ActorWss.Bench.Matrix;

/// <summary>
/// Starting the processes of a run: optionally pinned to CPUs (taskset) and with a raised open-file limit
/// (prlimit), for the idle-memory mode's thousands of sockets.
/// </summary>
public static class ChildProcess
{
    public static ProcessStartInfo StartInfo(string program, IEnumerable<string> arguments, string? cpus, int? openFiles = null,
        string? workingDirectory = null)
    {
        var command = new List<string>();
        if (openFiles is { } n && n > CurrentOpenFileLimit()) command.AddRange(["prlimit", $"--nofile={n}:{n}"]);
        if (cpus is not null) command.AddRange(["taskset", "-c", cpus]);
        command.Add(program);
        command.AddRange(arguments);

        var start = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in command.Skip(1)) start.ArgumentList.Add(argument);
        return start;
    }

    /// <summary>This process's soft limit on open files (children inherit it).</summary>
    public static int CurrentOpenFileLimit()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/limits"))
            {
                if (!line.StartsWith("Max open files", StringComparison.Ordinal)) continue;
                var fields = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return fields[0] == "unlimited" ? int.MaxValue : int.Parse(fields[0], System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        catch (IOException) { }
        return 1024;
    }

    /// <summary>Runs a short command and returns its first line of output, or null if it could not run.</summary>
    public static string? FirstLine(string program, params string[] arguments)
    {
        try
        {
            var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in arguments) start.ArgumentList.Add(a);
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 ? output.Split('\n')[0].Trim() : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}

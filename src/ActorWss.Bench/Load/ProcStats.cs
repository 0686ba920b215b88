using System.Globalization;

namespace ActorWss.Bench.Load;

/// <summary>One reading of a process's counters from Linux's /proc.</summary>
/// <param name="UserSeconds">utime of every thread, live and ended (/proc/PID/stat).</param>
/// <param name="SystemSeconds">stime likewise.</param>
/// <param name="ContextSwitches">Per live thread: (voluntary, involuntary) from /proc/PID/task/TID/status.</param>
public sealed record ProcSample(double UserSeconds, double SystemSeconds, IReadOnlyDictionary<int, (long Voluntary, long Involuntary)> ContextSwitches,
    long? RssBytes, long? PeakRssBytes);

/// <summary>A process's CPU time, context switches and memory, from Linux's /proc.</summary>
public static class ProcStats
{
    /// <summary>USER_HZ: /proc reports CPU time in these ticks (100 on Linux, whatever the kernel's HZ).</summary>
    private const double ClockTicksPerSecond = 100.0;

    /// <summary>User + system CPU seconds of all threads of <paramref name="pid"/>; null if it is gone.</summary>
    public static double? CpuSeconds(int pid) => CpuTimes(pid) is { } t ? t.User + t.System : null;

    /// <summary>User and system CPU seconds of all threads of <paramref name="pid"/>; null if it is gone.</summary>
    public static (double User, double System)? CpuTimes(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // Fields after the command name (which may contain spaces, in parentheses): utime is 14th, stime 15th.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) / ClockTicksPerSecond,
                long.Parse(fields[12], CultureInfo.InvariantCulture) / ClockTicksPerSecond);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>The peak resident set size (VmHWM) of <paramref name="pid"/> in bytes; null if it is gone.</summary>
    public static long? PeakRssBytes(int pid) => StatusKiB(pid, "VmHWM:") * 1024;

    /// <summary>The resident set size (VmRSS) of <paramref name="pid"/> in bytes; null if it is gone.</summary>
    public static long? RssBytes(int pid) => StatusKiB(pid, "VmRSS:") * 1024;

    /// <summary>
    /// Resets the process's peak RSS to its current RSS (writing 5 to /proc/PID/clear_refs, Linux 4.0+; needs the
    /// same user or root), so that a later VmHWM is the peak since now. False when the kernel refused.
    /// </summary>
    public static bool ResetPeakRss(int pid)
    {
        try
        {
            File.WriteAllText($"/proc/{pid}/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Everything at once, for the edges of a measured window; null if the process is gone.</summary>
    public static ProcSample? Sample(int pid)
    {
        if (CpuTimes(pid) is not { } cpu) return null;
        return new ProcSample(cpu.User, cpu.System, ThreadContextSwitches(pid), RssBytes(pid), PeakRssBytes(pid));
    }

    /// <summary>
    /// Context switches over a window, summed over threads: /proc/PID/status counts the main thread only, so each
    /// thread's own status is read. A thread that started inside the window counts from zero; one that ended inside
    /// it is missed (Linux keeps no per-process total of ended threads' switches that /proc shows).
    /// </summary>
    public static (long Voluntary, long Involuntary) ContextSwitchesBetween(ProcSample start, ProcSample end)
    {
        long voluntary = 0, involuntary = 0;
        foreach (var (thread, counts) in end.ContextSwitches)
        {
            var before = start.ContextSwitches.GetValueOrDefault(thread);
            voluntary += Math.Max(0, counts.Voluntary - before.Voluntary);
            involuntary += Math.Max(0, counts.Involuntary - before.Involuntary);
        }
        return (voluntary, involuntary);
    }

    private static Dictionary<int, (long, long)> ThreadContextSwitches(int pid)
    {
        var result = new Dictionary<int, (long, long)>();
        string[] threads;
        try { threads = Directory.GetDirectories($"/proc/{pid}/task"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return result; }
        foreach (var folder in threads)
        {
            if (!int.TryParse(Path.GetFileName(folder), NumberStyles.None, CultureInfo.InvariantCulture, out int tid)) continue;
            long? voluntary = null, involuntary = null;
            try
            {
                foreach (var line in File.ReadLines(Path.Combine(folder, "status")))
                {
                    if (line.StartsWith("voluntary_ctxt_switches:", StringComparison.Ordinal)) voluntary = ValueAfterColon(line);
                    else if (line.StartsWith("nonvoluntary_ctxt_switches:", StringComparison.Ordinal)) involuntary = ValueAfterColon(line);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { continue; } // the thread ended meanwhile
            if (voluntary is { } v && involuntary is { } n) result[tid] = (v, n);
        }
        return result;
    }

    private static long? StatusKiB(int pid, string field)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
                if (line.StartsWith(field, StringComparison.Ordinal))
                    return long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    private static long ValueAfterColon(string line) =>
        long.Parse(line[(line.IndexOf(':') + 1)..].Trim(), CultureInfo.InvariantCulture);
}

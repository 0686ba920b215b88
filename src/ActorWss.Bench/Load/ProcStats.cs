namespace ActorWss.Bench.Load;

/// <summary>A process's CPU time and peak memory, from Linux's /proc.</summary>
public static class ProcStats
{
    /// <summary>USER_HZ: /proc reports CPU time in these ticks (100 on Linux, whatever the kernel's HZ).</summary>
    private const double ClockTicksPerSecond = 100.0;

    /// <summary>User + system CPU seconds of all threads of <paramref name="pid"/>; null if it is gone.</summary>
    public static double? CpuSeconds(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // Fields after the command name (which may contain spaces, in parentheses): utime is 14th, stime 15th.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[11]) + long.Parse(fields[12])) / ClockTicksPerSecond;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>The peak resident set size (VmHWM) of <paramref name="pid"/> in bytes; null if it is gone.</summary>
    public static long? PeakRssBytes(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (!line.StartsWith("VmHWM:", StringComparison.Ordinal)) continue;
                var kib = line["VmHWM:".Length..].Trim().Split(' ')[0];
                return long.Parse(kib) * 1024;
            }
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }
}

namespace ActorWss.Bench.Cli;

/// <summary>The CPUs this process may run on, as Linux lists them ("0-1", "1").</summary>
public static class CpuAffinity
{
    public static string? Describe()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
                if (line.StartsWith("Cpus_allowed_list:", StringComparison.Ordinal))
                    return line["Cpus_allowed_list:".Length..].Trim();
        }
        catch (IOException) { }
        return null;
    }
}

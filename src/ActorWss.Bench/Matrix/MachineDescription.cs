using System.Runtime;
using System.Runtime.InteropServices;
using ActorWss.Bench.Model;

namespace ActorWss.Bench.Matrix;

/// <summary>What the report says about the machine it was measured on.</summary>
public static class MachineDescription
{
    public static MachineInfo Current()
    {
        string cpu = "unknown";
        try
        {
            cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))
                ?.Split(':', 2)[1].Trim() ?? cpu;
        }
        catch (IOException) { }
        string os = RuntimeInformation.OSDescription;
        try
        {
            var pretty = File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal));
            if (pretty is not null) os = pretty["PRETTY_NAME=".Length..].Trim('"') + $" (kernel {Environment.OSVersion.Version})";
        }
        catch (IOException) { }
        var gc = (GCSettings.IsServerGC ? "Server" : "Workstation") + (GCSettings.LatencyMode == GCLatencyMode.Batch ? ", non-concurrent" : ", concurrent");
        return new MachineInfo(cpu, Environment.ProcessorCount, os, RuntimeInformation.FrameworkDescription, gc);
    }
}

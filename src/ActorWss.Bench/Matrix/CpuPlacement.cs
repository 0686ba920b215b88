namespace ActorWss.Bench.Matrix;

/// <summary>
/// Where the server and the load generator run for a given server CPU count: the server on the first CPUs, the load
/// generator on the rest. With as many server CPUs as the machine has, both share every CPU, unpinned.
/// </summary>
/// <param name="ServerCpus">taskset list for the server, null when unpinned.</param>
/// <param name="ClientCpus">taskset list for the load generator, null when unpinned.</param>
public sealed record CpuPlacement(string? ServerCpus, string? ClientCpus)
{
    public static CpuPlacement For(int serverCpus, int cores)
    {
        if (serverCpus < 1) throw new ArgumentException($"--server-cpus: {serverCpus} is not a CPU count (1 or more)");
        if (serverCpus >= cores) return new CpuPlacement(null, null);
        return new CpuPlacement(Range(0, serverCpus - 1), Range(serverCpus, cores - 1));
    }

    private static string Range(int first, int last) => first == last ? $"{first}" : $"{first}-{last}";
}

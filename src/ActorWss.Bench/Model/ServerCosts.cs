namespace ActorWss.Bench.Model;

/// <summary>
/// What the server spent during a measured window: differences of its counters between the window's edges.
/// From /proc (any server): CPU time, context switches, peak memory. From its <c>/metrics</c> (ActorWss, and the
/// bench's own Kestrel and Go peers): runtime counters and, for ActorWss over TLS, its TLS steps.
/// </summary>
/// <param name="VoluntaryContextSwitches">Summed over the server's threads (a thread that ended inside the window is missed).</param>
/// <param name="PeakRssBytes">VmHWM at the window's end, reset at its start where the kernel allows it (see <see cref="PeakRssReset"/>).</param>
/// <param name="PeakRssReset">The peak was reset at the window's start (so it is this case's, not the process's).</param>
/// <param name="AllocatedBytes">Managed heap bytes allocated (.NET), or heap bytes allocated (Go).</param>
/// <param name="ThreadPoolWorkItems">Work items the .NET thread pool completed (a dedicated Akka pool is not in it).</param>
/// <param name="TlsSteps">ActorWss TLS steps (decrypt, encrypt, shutdown), inline and offloaded.</param>
/// <param name="TlsDecryptBytes">Ciphertext bytes taken by the decrypt steps (<see cref="TlsDecryptSteps"/> of them).</param>
/// <param name="TlsEncryptBytes">Plaintext bytes taken by the encrypt steps (<see cref="TlsEncryptSteps"/> of them).</param>
/// <param name="WindowEchoes">
/// Echoes (or deliveries) completed between the two readings. The load is paused for each reading, with nothing in
/// flight, so every echo the server worked on between them is counted here (the measured window's own count leaves
/// out the echoes that drain after it, and a reading taken under load lands at an unknown point of a busy server's
/// queue).
/// </param>
public sealed record ServerCosts(
    double UserCpuSeconds,
    double SystemCpuSeconds,
    long? VoluntaryContextSwitches,
    long? InvoluntaryContextSwitches,
    long? PeakRssBytes,
    bool PeakRssReset,
    long? AllocatedBytes,
    long? ThreadPoolWorkItems,
    long? Gen0Collections,
    long? Gen2Collections,
    long? TlsSteps,
    long? TlsOffloadedSteps,
    long? TlsDecryptSteps,
    long? TlsDecryptBytes,
    long? TlsEncryptSteps,
    long? TlsEncryptBytes,
    double? WindowEchoes = null)
{
    public double CpuSeconds => UserCpuSeconds + SystemCpuSeconds;

    public long? ContextSwitches => VoluntaryContextSwitches + InvoluntaryContextSwitches;
}

using System.Runtime.InteropServices;

namespace ActorWss.Hosting;

/// <summary>
/// Caps how many malloc arenas glibc keeps for this process (<c>mallopt(M_ARENA_MAX)</c>, what the
/// <c>MALLOC_ARENA_MAX</c> environment variable does at start). glibc gives threads that allocate at the same time
/// arenas of their own, up to eight per core; OpenSSL's sessions are allocated on the event loops, the offload pool
/// and the thread pool, and spread over those arenas each session leaves more free-but-kept memory behind. Two arenas:
/// about 2.4 KiB less per idle wss connection at no CPU per echo we could measure (docs/bench/NOTES.md).
/// <para>Applied before the actor system starts, so its threads share the capped arenas; threads the runtime started
/// before keep theirs. A <c>MALLOC_ARENA_MAX</c> set in the environment has already been applied by glibc and wins.</para>
/// </summary>
internal static class GlibcMallocArenas
{
    private const int MArenaMax = -8; // M_ARENA_MAX (malloc.h)

    public enum Outcome
    {
        /// <summary>The cap is in force.</summary>
        Applied,
        /// <summary>Configured 0: glibc's own default.</summary>
        Default,
        /// <summary>MALLOC_ARENA_MAX is set in the environment; glibc applied that one at start.</summary>
        SetByEnvironment,
        /// <summary>Not Linux with glibc (e.g. musl, which has no arenas to cap).</summary>
        Unsupported,
    }

    /// <param name="arenas">The most arenas; 0 leaves glibc's default.</param>
    public static Outcome Limit(int arenas)
    {
        if (arenas <= 0) return Outcome.Default;
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("MALLOC_ARENA_MAX"))) return Outcome.SetByEnvironment;
        if (!OperatingSystem.IsLinux()) return Outcome.Unsupported;
        try
        {
            return Mallopt(MArenaMax, arenas) == 1 ? Outcome.Applied : Outcome.Unsupported;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return Outcome.Unsupported;
        }
    }

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int Mallopt(int param, int value);
}

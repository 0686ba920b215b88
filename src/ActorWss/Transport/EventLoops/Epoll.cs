using System.Runtime.InteropServices;

namespace ActorWss.Transport.EventLoops;

/// <summary>
/// Linux epoll(7) and eventfd(2), the little of them an event loop needs. <c>struct epoll_event</c> is packed on x86-64
/// (12 bytes) and naturally aligned elsewhere (16 bytes on arm64): both layouts are here.
/// </summary>
internal static class Epoll
{
    public const uint In = 0x001, Out = 0x004, Err = 0x008, Hup = 0x010, RdHup = 0x2000, EdgeTriggered = 1u << 31;
    private const int CtlAdd = 1, CtlDel = 2;
    private const int CloseOnExec = 0x80000, NonBlocking = 0x800;

    /// <summary>Event loops run on Linux x86-64 and arm64; elsewhere the server uses the portable socket transport.</summary>
    public static bool IsSupported { get; } = OperatingSystem.IsLinux()
        && RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64;

    private static bool Packed => RuntimeInformation.ProcessArchitecture == Architecture.X64;

    [StructLayout(LayoutKind.Explicit, Size = 12)]
    internal struct PackedEvent
    {
        [FieldOffset(0)] public uint Events;
        [FieldOffset(4)] public ulong Data;
    }

    [StructLayout(LayoutKind.Explicit, Size = 16)]
    internal struct AlignedEvent
    {
        [FieldOffset(0)] public uint Events;
        [FieldOffset(8)] public ulong Data;
    }

    /// <summary>What <see cref="Wait"/> fills: one event's flags and registered token.</summary>
    public readonly record struct Ready(uint Events, ulong Token);

    public static int Create() => Check(epoll_create1(CloseOnExec), "epoll_create1");

    public static int CreateEventFd() => Check(eventfd(0, CloseOnExec | NonBlocking), "eventfd");

    public static void Add(int epoll, int fd, uint events, ulong token)
    {
        int result = Packed
            ? epoll_ctl_packed(epoll, CtlAdd, fd, new PackedEvent { Events = events, Data = token })
            : epoll_ctl_aligned(epoll, CtlAdd, fd, new AlignedEvent { Events = events, Data = token });
        Check(result, "epoll_ctl(ADD)");
    }

    /// <summary>Removes <paramref name="fd"/>; an fd already closed (and so removed by the kernel) is not an error.</summary>
    public static void Remove(int epoll, int fd)
    {
        if (Packed) epoll_ctl_packed(epoll, CtlDel, fd, default);
        else epoll_ctl_aligned(epoll, CtlDel, fd, default);
    }

    /// <summary>Scratch space for <see cref="Wait"/>, one per loop.</summary>
    public sealed class Buffer(int capacity)
    {
        internal readonly PackedEvent[] PackedEvents = Packed ? new PackedEvent[capacity] : [];
        internal readonly AlignedEvent[] AlignedEvents = Packed ? [] : new AlignedEvent[capacity];

        public int Capacity { get; } = capacity;

        public Ready this[int i] => Packed
            ? new Ready(PackedEvents[i].Events, PackedEvents[i].Data)
            : new Ready(AlignedEvents[i].Events, AlignedEvents[i].Data);
    }

    /// <summary>Waits at most <paramref name="timeoutMs"/> (-1: forever) and returns how many events are ready; 0 on EINTR.</summary>
    public static int Wait(int epoll, Buffer buffer, int timeoutMs)
    {
        int n = Packed
            ? epoll_wait_packed(epoll, buffer.PackedEvents, buffer.Capacity, timeoutMs)
            : epoll_wait_aligned(epoll, buffer.AlignedEvents, buffer.Capacity, timeoutMs);
        if (n >= 0) return n;
        int error = Marshal.GetLastPInvokeError();
        return error == EINTR ? 0 : throw new IOException($"epoll_wait failed: errno {error}");
    }

    public static void Signal(int eventFd)
    {
        ulong one = 1;
        write(eventFd, ref one, sizeof(ulong));
    }

    public static void Drain(int eventFd)
    {
        ulong value = 0;
        read(eventFd, ref value, sizeof(ulong));
    }

    public static void CloseFd(int fd) => close(fd);

    private const int EINTR = 4;

    private static int Check(int result, string call) =>
        result >= 0 ? result : throw new IOException($"{call} failed: errno {Marshal.GetLastPInvokeError()}");

    [DllImport("libc", SetLastError = true)]
    private static extern int epoll_create1(int flags);

    [DllImport("libc", SetLastError = true, EntryPoint = "epoll_ctl")]
    private static extern int epoll_ctl_packed(int epfd, int op, int fd, in PackedEvent ev);

    [DllImport("libc", SetLastError = true, EntryPoint = "epoll_ctl")]
    private static extern int epoll_ctl_aligned(int epfd, int op, int fd, in AlignedEvent ev);

    [DllImport("libc", SetLastError = true, EntryPoint = "epoll_wait")]
    private static extern int epoll_wait_packed(int epfd, [Out] PackedEvent[] events, int maxEvents, int timeout);

    [DllImport("libc", SetLastError = true, EntryPoint = "epoll_wait")]
    private static extern int epoll_wait_aligned(int epfd, [Out] AlignedEvent[] events, int maxEvents, int timeout);

    [DllImport("libc", SetLastError = true)]
    private static extern int eventfd(uint initval, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern nint write(int fd, ref ulong value, nint count);

    [DllImport("libc", SetLastError = true)]
    private static extern nint read(int fd, ref ulong value, nint count);

    [DllImport("libc", SetLastError = true)]
    private static extern int close(int fd);
}

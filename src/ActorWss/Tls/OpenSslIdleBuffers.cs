using System.Net.Security;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace ActorWss.Tls;

/// <summary>
/// Lets OpenSSL free a session's record buffers while nothing is in them (<c>SSL_MODE_RELEASE_BUFFERS</c>). Without
/// it every established session keeps a read and a write buffer of about 17 KiB each in native memory for its whole
/// life, which is most of what an idle wss connection costs; with it they exist only while a record is in flight.
/// <para>
/// Also gives back what the handshake left in the session's two memory BIOs (the queues between SslStream and
/// OpenSSL): a memory BIO never shrinks, so each keeps the capacity of the biggest flight it carried, the ClientHello
/// in one and our certificate flight in the other (about 1.8 KiB per connection, measured with heaptrack at 2,000
/// idle connections). An empty BIO gets an empty buffer (<c>BIO_set_mem_buf</c>) that grows again only as far as the
/// records after it need.
/// </para>
/// <para>
/// SslStream does not expose the mode, so the session's <c>SSL*</c> is taken from its private
/// <c>_securityContext</c> (a SafeSslHandle on Linux). Anything unexpected (another platform, another OpenSSL major
/// version than the one .NET loaded, a runtime whose fields differ) leaves the session as it is: the mode is an
/// optimization, never a condition for serving.
/// </para>
/// </summary>
internal static class OpenSslIdleBuffers
{
    private const int SslCtrlMode = 33;               // SSL_CTRL_MODE (ssl.h)
    private const long SslModeReleaseBuffers = 0x10;  // SSL_MODE_RELEASE_BUFFERS (ssl.h)
    private const int BioCtrlPending = 10;            // BIO_CTRL_PENDING (bio.h)
    private const int BioSetBufMem = 114;             // BIO_C_SET_BUF_MEM (bio.h)
    private const int BioGetBufMemPtr = 115;          // BIO_C_GET_BUF_MEM_PTR (bio.h)
    private const int BioTypeMem = 1 | 0x0400;        // BIO_TYPE_MEM (bio.h)
    private const int BioClose = 1;                   // BIO_CLOSE (bio.h)
    private const int BioFlagsMemReadOnly = 0x200;    // BIO_FLAGS_MEM_RDONLY (bio.h)

    private static readonly FieldInfo? SecurityContext =
        typeof(SslStream).GetField("_securityContext", BindingFlags.Instance | BindingFlags.NonPublic);

    private static readonly SslCtrl? Ctrl = LoadCtrl();
    private static readonly BioFunctions? Bio = LoadBioFunctions();

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate nint SslCtrl(nint ssl, int cmd, nint larg, nint parg);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate nint SslGetBio(nint ssl);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate nint BioCtrl(nint bio, int cmd, nint larg, nint parg);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate nint BioCtrlOut(nint bio, int cmd, nint larg, out nint parg);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int BioMethodType(nint bio);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int BioTestFlags(nint bio, int flags);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate nint BufMemNew();

    private sealed record BioFunctions(SslGetBio ReadBio, SslGetBio WriteBio, BioCtrl Ctrl, BioCtrlOut CtrlOut, BioMethodType MethodType,
        BioTestFlags TestFlags, BufMemNew NewBuffer);

    /// <summary>This process can set the mode (Linux, OpenSSL 3 loaded by .NET, SslStream's fields as expected).</summary>
    public static bool Supported => Ctrl is not null && SecurityContext is not null;

    /// <summary>Sets the mode on an authenticated session; false if it could not. Call under the session's lock.</summary>
    public static bool TryEnable(SslStream ssl)
    {
        if (!Supported || SecurityContext!.GetValue(ssl) is not SafeHandle { IsInvalid: false, IsClosed: false } handle) return false;
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            nint session = handle.DangerousGetHandle();
            nint mode = Ctrl!(session, SslCtrlMode, (nint)SslModeReleaseBuffers, 0);
            if (Bio is { } bio)
            {
                EmptyBuffer(bio, bio.ReadBio(session));
                EmptyBuffer(bio, bio.WriteBio(session));
            }
            return (mode & (nint)SslModeReleaseBuffers) != 0;
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }
    }

    /// <summary>The session's OpenSSL mode bits (SSL_ctrl with no bits to add returns them); tests read it.</summary>
    internal static long? ModeOf(SslStream ssl)
    {
        if (!Supported || SecurityContext!.GetValue(ssl) is not SafeHandle { IsInvalid: false, IsClosed: false } handle) return null;
        return Ctrl!(handle.DangerousGetHandle(), SslCtrlMode, 0, 0);
    }

    /// <summary>The capacities of the session's read and write BIOs' buffers (null where they cannot be read); tests read them.</summary>
    internal static (long Read, long Write)? BioCapacities(SslStream ssl)
    {
        if (!Supported || Bio is not { } bio || SecurityContext!.GetValue(ssl) is not SafeHandle { IsInvalid: false, IsClosed: false } handle) return null;
        nint session = handle.DangerousGetHandle();
        long? read = Capacity(bio, bio.ReadBio(session)), write = Capacity(bio, bio.WriteBio(session));
        return read is null || write is null ? null : (read.Value, write.Value);
    }

    /// <summary>Gives a memory BIO with nothing queued an empty buffer in place of the one it grew; others stay as they are.</summary>
    private static void EmptyBuffer(BioFunctions bio, nint b)
    {
        if (b == 0 || bio.MethodType(b) != BioTypeMem || bio.TestFlags(b, BioFlagsMemReadOnly) != 0) return;
        if (bio.Ctrl(b, BioCtrlPending, 0, 0) != 0 || Capacity(bio, b) is not > 0) return;
        nint empty = bio.NewBuffer();
        if (empty != 0) bio.Ctrl(b, BioSetBufMem, BioClose, empty); // frees the old buffer (the BIO owns it: BIO_CLOSE)
    }

    /// <summary>BUF_MEM.max: { size_t length; char *data; size_t max; unsigned long flags; } (buffer.h).</summary>
    private static long? Capacity(BioFunctions bio, nint b)
    {
        if (b == 0 || bio.MethodType(b) != BioTypeMem) return null;
        bio.CtrlOut(b, BioGetBufMemPtr, 0, out nint bufferPointer);
        return bufferPointer == 0 ? null : Marshal.ReadIntPtr(bufferPointer, 2 * IntPtr.Size);
    }

    /// <summary>SSL_ctrl of the libssl .NET itself uses: only when its major version is the one we open (3).</summary>
    private static SslCtrl? LoadCtrl()
    {
        if (!OperatingSystem.IsLinux()) return null;
        try
        {
            if ((SafeEvpPKeyHandle.OpenSslVersion >> 28) != 3) return null;
            if (!NativeLibrary.TryLoad("libssl.so.3", out var library)) return null;
            if (!NativeLibrary.TryGetExport(library, "SSL_ctrl", out var ctrl)) return null;
            return Marshal.GetDelegateForFunctionPointer<SslCtrl>(ctrl);
        }
        catch (Exception e) when (e is PlatformNotSupportedException or EntryPointNotFoundException or DllNotFoundException)
        {
            return null;
        }
    }

    /// <summary>The BIO calls of the same libssl and its libcrypto; null if any is missing (then the BIOs stay as they are).</summary>
    private static BioFunctions? LoadBioFunctions()
    {
        if (LoadCtrl() is null) return null;
        try
        {
            if (!NativeLibrary.TryLoad("libssl.so.3", out var ssl) || !NativeLibrary.TryLoad("libcrypto.so.3", out var crypto)) return null;
            if (!NativeLibrary.TryGetExport(ssl, "SSL_get_rbio", out var readBio)
                || !NativeLibrary.TryGetExport(ssl, "SSL_get_wbio", out var writeBio)
                || !NativeLibrary.TryGetExport(crypto, "BIO_ctrl", out var ctrl)
                || !NativeLibrary.TryGetExport(crypto, "BIO_method_type", out var methodType)
                || !NativeLibrary.TryGetExport(crypto, "BIO_test_flags", out var testFlags)
                || !NativeLibrary.TryGetExport(crypto, "BUF_MEM_new", out var newBuffer)) return null;
            return new BioFunctions(
                Marshal.GetDelegateForFunctionPointer<SslGetBio>(readBio),
                Marshal.GetDelegateForFunctionPointer<SslGetBio>(writeBio),
                Marshal.GetDelegateForFunctionPointer<BioCtrl>(ctrl),
                Marshal.GetDelegateForFunctionPointer<BioCtrlOut>(ctrl),
                Marshal.GetDelegateForFunctionPointer<BioMethodType>(methodType),
                Marshal.GetDelegateForFunctionPointer<BioTestFlags>(testFlags),
                Marshal.GetDelegateForFunctionPointer<BufMemNew>(newBuffer));
        }
        catch (Exception e) when (e is PlatformNotSupportedException or EntryPointNotFoundException or DllNotFoundException)
        {
            return null;
        }
    }
}

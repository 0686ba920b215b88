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

    private static readonly FieldInfo? SecurityContext =
        typeof(SslStream).GetField("_securityContext", BindingFlags.Instance | BindingFlags.NonPublic);

    private static readonly SslCtrl? Ctrl = LoadCtrl();

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate nint SslCtrl(nint ssl, int cmd, nint larg, nint parg);

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
            nint mode = Ctrl!(handle.DangerousGetHandle(), SslCtrlMode, (nint)SslModeReleaseBuffers, 0);
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
}

using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ActorWss.Bench.Load;

/// <summary>
/// One TLS 1.3 session on OpenSSL called directly: an <c>SSL*</c> on two memory BIOs, ciphertext fed in and taken
/// out by the caller, with no SslStream and none of .NET's native shim around <c>SSL_read_ex</c> and
/// <c>SSL_write_ex</c> (the shim calls <c>ERR_clear_error</c> before each). It is what a TLS engine bound to OpenSSL
/// itself would pay per record: a measuring instrument for <c>tls-floor</c>, not a TLS implementation for the server
/// (no SNI, ALPN, client certificates, alerts, close_notify or verification of the peer).
/// <para>Linux with OpenSSL 3 only, the library .NET loads there; <see cref="Supported"/> says whether it can run.</para>
/// </summary>
internal sealed class OpenSslSession : IDisposable
{
    private const string Ssl = "libssl.so.3";
    private const string Crypto = "libcrypto.so.3";

    private const int SslCtrlMode = 33;                  // SSL_CTRL_MODE (ssl.h)
    private const int SslCtrlSetMinProtoVersion = 123;   // SSL_CTRL_SET_MIN_PROTO_VERSION (ssl.h)
    private const int SslCtrlSetMaxProtoVersion = 124;   // SSL_CTRL_SET_MAX_PROTO_VERSION (ssl.h)
    private const int Tls13Version = 0x0304;             // TLS1_3_VERSION (RFC 8446 §4.2.1)
    private const long SslModeReleaseBuffers = 0x10;     // SSL_MODE_RELEASE_BUFFERS (ssl.h)
    private const int SslErrorWantRead = 2;              // SSL_ERROR_WANT_READ (ssl.h)

    private readonly nint _context, _session;
    private readonly nint _in, _out; // the session's memory BIOs, owned by it
    private bool _disposed;

    /// <summary>OpenSSL 3's libssl and libcrypto load by name here (Linux, as .NET itself loads them).</summary>
    public static bool Supported { get; } =
        OperatingSystem.IsLinux() && NativeLibrary.TryLoad(Ssl, out _) && NativeLibrary.TryLoad(Crypto, out _);

    /// <summary>
    /// A server session with <paramref name="certificate"/> (RSA, with its private key); with
    /// <paramref name="releaseBuffers"/> it frees its record buffers between records, as the server's
    /// <c>tls.release-idle-buffers</c> does.
    /// </summary>
    public static OpenSslSession Server(X509Certificate2 certificate, bool releaseBuffers) => new(server: true, certificate, releaseBuffers);

    /// <summary>A client session that accepts any certificate (OpenSSL's default with no verify mode set).</summary>
    public static OpenSslSession Client() => new(server: false, null, releaseBuffers: false);

    private OpenSslSession(bool server, X509Certificate2? certificate, bool releaseBuffers)
    {
        // One context per session: the bench's sessions share nothing, as each of its servers' connections would not.
        _context = SSL_CTX_new(server ? TLS_server_method() : TLS_client_method());
        if (_context == 0) throw Failure("SSL_CTX_new");
        try
        {
            // The matrix's servers speak TLS 1.3 only, and so does the SslStream beside this session.
            if (SSL_CTX_ctrl(_context, SslCtrlSetMinProtoVersion, Tls13Version, 0) != 1 || SSL_CTX_ctrl(_context, SslCtrlSetMaxProtoVersion, Tls13Version, 0) != 1)
                throw Failure("SSL_CTX_set_min/max_proto_version");
            if (certificate is not null) UseCertificate(_context, certificate);
            if (releaseBuffers) SSL_CTX_ctrl(_context, SslCtrlMode, (nint)SslModeReleaseBuffers, 0);
            _session = SSL_new(_context);
            if (_session == 0) throw Failure("SSL_new");
            _in = BIO_new(BIO_s_mem());
            _out = BIO_new(BIO_s_mem());
            SSL_set_bio(_session, _in, _out); // the session owns both from here
            if (server) SSL_set_accept_state(_session);
            else SSL_set_connect_state(_session);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The negotiated cipher suite, by its RFC 8446 name (TLS_AES_256_GCM_SHA384 and so on).</summary>
    public string Cipher => Marshal.PtrToStringUTF8(SSL_CIPHER_get_name(SSL_get_current_cipher(_session))) ?? "";

    /// <summary>The negotiated protocol version as OpenSSL names it (TLSv1.3).</summary>
    public string Protocol => Marshal.PtrToStringUTF8(SSL_get_version(_session)) ?? "";

    /// <summary>Advances the handshake with what was fed; true once it is complete.</summary>
    public bool Handshake()
    {
        int result = SSL_do_handshake(_session);
        if (result == 1) return true;
        if (SSL_get_error(_session, result) == SslErrorWantRead) return false;
        throw Failure("SSL_do_handshake", result);
    }

    /// <summary>Ciphertext from the peer.</summary>
    public void Feed(ReadOnlySpan<byte> ciphertext)
    {
        if (ciphertext.IsEmpty) return;
        if (BIO_write(_in, ref MemoryMarshal.GetReference(ciphertext), ciphertext.Length) != ciphertext.Length)
            throw Failure("BIO_write");
    }

    /// <summary>Ciphertext to send, as much as fits in <paramref name="into"/>; 0 when there is none.</summary>
    public int Take(Span<byte> into)
    {
        int n = BIO_read(_out, ref MemoryMarshal.GetReference(into), into.Length);
        return Math.Max(n, 0); // an empty memory BIO reads -1 ("retry"), not an error
    }

    /// <summary>Plaintext decrypted from what was fed, up to <paramref name="into"/>'s length; 0 when a record is incomplete.</summary>
    public int Read(Span<byte> into)
    {
        int result = SSL_read_ex(_session, ref MemoryMarshal.GetReference(into), (nuint)into.Length, out nuint read);
        if (result == 1) return (int)read;
        if (SSL_get_error(_session, result) == SslErrorWantRead) return 0;
        throw Failure("SSL_read_ex", result);
    }

    /// <summary>Encrypts <paramref name="plaintext"/> into records for <see cref="Take"/>.</summary>
    public void Write(ReadOnlySpan<byte> plaintext)
    {
        if (SSL_write_ex(_session, ref MemoryMarshal.GetReference(plaintext), (nuint)plaintext.Length, out nuint written) != 1 || (int)written != plaintext.Length)
            throw Failure("SSL_write_ex");
    }

    private static void UseCertificate(nint context, X509Certificate2 certificate)
    {
        using var key = certificate.GetRSAPrivateKey() ?? throw new ArgumentException("an RSA certificate with its private key is needed", nameof(certificate));
        byte[] keyDer = key.ExportRSAPrivateKey();
        nint x509 = Decode(d2i_X509, certificate.RawData);
        nint pkey = Decode(d2i_AutoPrivateKey, keyDer);
        CryptographicOperations.ZeroMemory(keyDer);
        try
        {
            if (x509 == 0 || pkey == 0) throw Failure("d2i_X509/d2i_AutoPrivateKey");
            if (SSL_CTX_use_certificate(context, x509) != 1 || SSL_CTX_use_PrivateKey(context, pkey) != 1) throw Failure("SSL_CTX_use_certificate/PrivateKey");
        }
        finally
        {
            if (x509 != 0) X509_free(x509); // the context keeps its own references
            if (pkey != 0) EVP_PKEY_free(pkey);
        }
    }

    private delegate nint D2i(nint reuse, ref nint input, long length);

    /// <summary>A DER object through one of OpenSSL's d2i functions (which advance the pointer they are given).</summary>
    private static nint Decode(D2i decode, byte[] der)
    {
        var pinned = GCHandle.Alloc(der, GCHandleType.Pinned);
        try
        {
            nint at = pinned.AddrOfPinnedObject();
            return decode(0, ref at, der.Length);
        }
        finally
        {
            pinned.Free();
        }
    }

    private InvalidOperationException Failure(string call, int result) =>
        Failure($"{call} (SSL_get_error {SSL_get_error(_session, result)})");

    private static InvalidOperationException Failure(string call)
    {
        ulong error = ERR_get_error();
        var text = new byte[256];
        ERR_error_string_n(error, text, (nuint)text.Length);
        ERR_clear_error();
        return new InvalidOperationException($"{call} failed: {System.Text.Encoding.ASCII.GetString(text).TrimEnd('\0')}");
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (_session != 0) SSL_free(_session);
        if (_context != 0) SSL_CTX_free(_context);
    }

    [DllImport(Ssl)] private static extern nint TLS_server_method();
    [DllImport(Ssl)] private static extern nint TLS_client_method();
    [DllImport(Ssl)] private static extern nint SSL_CTX_new(nint method);
    [DllImport(Ssl)] private static extern void SSL_CTX_free(nint context);
    [DllImport(Ssl)] private static extern nint SSL_CTX_ctrl(nint context, int command, nint larg, nint parg);
    [DllImport(Ssl)] private static extern int SSL_CTX_use_certificate(nint context, nint x509);
    [DllImport(Ssl)] private static extern int SSL_CTX_use_PrivateKey(nint context, nint pkey);
    [DllImport(Ssl)] private static extern nint SSL_new(nint context);
    [DllImport(Ssl)] private static extern void SSL_free(nint session);
    [DllImport(Ssl)] private static extern void SSL_set_bio(nint session, nint readBio, nint writeBio);
    [DllImport(Ssl)] private static extern void SSL_set_accept_state(nint session);
    [DllImport(Ssl)] private static extern void SSL_set_connect_state(nint session);
    [DllImport(Ssl)] private static extern int SSL_do_handshake(nint session);
    [DllImport(Ssl)] private static extern int SSL_get_error(nint session, int result);
    [DllImport(Ssl)] private static extern int SSL_read_ex(nint session, ref byte buffer, nuint count, out nuint read);
    [DllImport(Ssl)] private static extern int SSL_write_ex(nint session, ref byte buffer, nuint count, out nuint written);
    [DllImport(Ssl)] private static extern nint SSL_get_current_cipher(nint session);
    [DllImport(Ssl)] private static extern nint SSL_CIPHER_get_name(nint cipher);
    [DllImport(Ssl)] private static extern nint SSL_get_version(nint session);
    [DllImport(Crypto)] private static extern nint BIO_s_mem();
    [DllImport(Crypto)] private static extern nint BIO_new(nint method);
    [DllImport(Crypto)] private static extern int BIO_read(nint bio, ref byte buffer, int count);
    [DllImport(Crypto)] private static extern int BIO_write(nint bio, ref byte buffer, int count);
    [DllImport(Crypto)] private static extern nint d2i_X509(nint reuse, ref nint input, long length);
    [DllImport(Crypto)] private static extern nint d2i_AutoPrivateKey(nint reuse, ref nint input, long length);
    [DllImport(Crypto)] private static extern void X509_free(nint x509);
    [DllImport(Crypto)] private static extern void EVP_PKEY_free(nint pkey);
    [DllImport(Crypto)] private static extern ulong ERR_get_error();
    [DllImport(Crypto)] private static extern void ERR_error_string_n(ulong error, byte[] buffer, nuint length);
    [DllImport(Crypto)] private static extern void ERR_clear_error();
}

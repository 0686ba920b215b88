using System.Buffers.Binary;
using ActorWss.Tests.Support;

namespace ActorWss.Tests.Tls;

/// <summary>
/// A real ClientHello (from .NET's SslStream) and the offsets of its fields (RFC 8446 §4.1.2), for tests that break
/// one field on purpose.
/// </summary>
internal static class ClientHellos
{
    /// <summary>Record header (5) + handshake header (4) + legacy_version (2) + random (32).</summary>
    private const int SessionIdOffset = 5 + 4 + 2 + 32;

    public static Task<byte[]> CaptureAsync() => TlsProbes.ClientHelloAsync();

    /// <summary>Where the 16-bit cipher_suites length is.</summary>
    public static int CipherSuitesLengthOffset(byte[] hello) => SessionIdOffset + 1 + hello[SessionIdOffset];

    public static byte[] WithCipherSuitesLength(byte[] hello, int length)
    {
        var copy = (byte[])hello.Clone();
        BinaryPrimitives.WriteUInt16BigEndian(copy.AsSpan(CipherSuitesLengthOffset(hello)), (ushort)length);
        return copy;
    }

    /// <summary>
    /// A cipher_suites length that makes the rest of the hello parse as compression methods followed by a single
    /// byte where the 16-bit extensions length should be: .NET 10's managed hello parser throws
    /// ArgumentOutOfRangeException on it (dotnet/runtime#126352), before OpenSSL sees the hello.
    /// </summary>
    public static byte[] WithExtensionsLengthCutToOneByte(byte[] hello)
    {
        int end = 5 + 4 + ((hello[6] << 16) | (hello[7] << 8) | hello[8]); // end of the handshake message
        int suites = CipherSuitesLengthOffset(hello) + 2;
        for (int length = 0; suites + length < end; length++)
        {
            int compression = suites + length; // the compression_methods length byte, once the suites are skipped
            if (end - (compression + 1 + hello[compression]) == 1) return WithCipherSuitesLength(hello, length);
        }
        throw new InvalidOperationException("no cipher_suites length cuts this hello's extensions length to one byte");
    }
}

using System.Buffers.Binary;

namespace ActorWss.Tests.Tls;

/// <summary>
/// A real ClientHello (captured from .NET's SslStream) and the offsets of its fields (RFC 8446 §4.1.2), for tests that break
/// one field on purpose.
/// </summary>
internal static class ClientHellos
{
    /// <summary>Record header (5) + handshake header (4) + legacy_version (2) + random (32).</summary>
    private const int SessionIdOffset = 5 + 4 + 2 + 32;

    /// <summary>
    /// A ClientHello as .NET 10's SslStream sent it (TLS 1.2 and 1.3 offered, SNI localhost), kept so that tests that
    /// mutate it are the same on every run (a fresh one has a new random and key share each time). Nothing in it is
    /// secret: the key share is an ephemeral public key.
    /// </summary>
    public static byte[] Recorded => Convert.FromHexString(
        "1603010119010001150303ACB4C2A6C0D6A241EB3A33353065D303D7CC49EB6E123EC430E385B809BF6AA320D99DF96D" +
        "BD7CF78130DA760B34DAC78F8DE0816C04C98F612672CCBD517371DA0018130213031301C02CC02BC030C02FC024C023" +
        "C028C02700FF010000B40000000E000C0000096C6F63616C686F7374000B000403000102000A00160014001D0017001E" +
        "0019001801000101010201030104002300000005000501000000000016000000170000000D002A002804030503060308" +
        "0708080809080A080B080408050806040105010601030303010302040205020602002B0009080304030303020301002D" +
        "00020101003300260024001D0020D76B19773B79E307B65607D94CA2A3E08A5FA83F6F61D869D7450A0AD86BBC4D");

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
    /// ArgumentOutOfRangeException on it, before OpenSSL sees the hello (fixed upstream by dotnet/runtime#126352).
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

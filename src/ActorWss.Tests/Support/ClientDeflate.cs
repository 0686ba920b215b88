using System.IO.Compression;

namespace ActorWss.Tests.Support;

/// <summary>RFC 7692 §7.2 as a client does it, with System.IO.Compression directly (not the server's code).</summary>
internal static class ClientDeflate
{
    /// <summary>§7.2.1, as a client does it: DEFLATE, sync flush, drop the 4 trailing octets.</summary>
    public static byte[] Compress(byte[] payload)
    {
        var output = new MemoryStream();
        using (var deflater = new DeflateStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            deflater.Write(payload);
            deflater.Flush();
        }
        var bytes = output.ToArray();
        int tail = bytes.AsSpan().IndexOf(new byte[] { 0x00, 0x00, 0xFF, 0xFF }); // the sync flush's empty block
        return bytes[..tail];
    }

    /// <summary>§7.2.2: append 00 00 FF FF and inflate.</summary>
    public static byte[] Inflate(byte[] payload)
    {
        using var inflater = new DeflateStream(new MemoryStream([.. payload, 0x00, 0x00, 0xFF, 0xFF]), CompressionMode.Decompress);
        var output = new MemoryStream();
        inflater.CopyTo(output);
        return output.ToArray();
    }
}

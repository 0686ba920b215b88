using Akka.IO;

namespace ActorWss.Tls;

/// <summary>
/// Where TLS records end in a run of ciphertext (RFC 8446 §5.1: a 5-byte header, content type, legacy version 3.x,
/// 16-bit length), so that ciphertext can be handed on in whole records.
/// </summary>
internal static class TlsRecordFraming
{
    public const int HeaderLength = 5;

    /// <summary>TLS 1.2 ciphertext may exceed 2^14 by 2048 bytes (RFC 5246 §6.2.3); anything longer is not a record.</summary>
    public const int MaxPayload = (1 << 14) + 2048;

    /// <summary>
    /// Walks the records of <paramref name="data"/> from <paramref name="start"/> (a record boundary) and returns the
    /// offset just after the last whole one, taking at most <paramref name="limit"/> bytes but always the first whole
    /// record. Returns -1 when a header is not TLS framing at all: such input should be handed over as it is, to be
    /// refused.
    /// </summary>
    public static int EndOfWholeRecords(ByteString data, int start, int limit = int.MaxValue)
    {
        int end = start;
        while (data.Count - end >= HeaderLength)
        {
            byte contentType = data[end], major = data[end + 1];
            int length = (data[end + 3] << 8) | data[end + 4];
            if (contentType is < 20 or > 24 || major != 3 || length > MaxPayload) return -1;
            int next = end + HeaderLength + length;
            if (next > data.Count || (end > start && next - start > limit)) break;
            end = next;
        }
        return end;
    }

    /// <summary>The length of the record starting at <paramref name="start"/>, header included (the header must be there).</summary>
    public static int RecordLength(ByteString data, int start) => HeaderLength + ((data[start + 3] << 8) | data[start + 4]);
}

using System.Text;
using System.Text.Unicode;

namespace ActorWss.WebSocket;

/// <summary>
/// §8.1: text must be UTF-8 (RFC 3629: no overlongs, no surrogates, nothing above U+10FFFF). Validates a message
/// chunk by chunk, so a sequence split across chunks or fragments is joined, and reports invalid input at the first
/// chunk that contains it, without waiting for the end of the message. The bulk of each chunk goes through the
/// runtime's vectorised <see cref="Utf8.IsValid(ReadOnlySpan{byte})"/>; only a sequence cut by a chunk edge is
/// carried over (at most 3 bytes).
/// </summary>
internal struct Utf8Validator
{
    private uint _pending;      // bytes of an incomplete sequence, first byte lowest
    private int _pendingCount;  // 0..3

    /// <summary>True when no incomplete sequence is pending: the text so far ends on a character boundary.</summary>
    public readonly bool IsComplete => _pendingCount == 0;

    public void Reset() => this = default;

    /// <summary>Adds <paramref name="chunk"/>; false as soon as the text so far cannot be valid UTF-8.</summary>
    public bool Feed(ReadOnlySpan<byte> chunk)
    {
        if (_pendingCount > 0)
        {
            Span<byte> joined = stackalloc byte[4];
            for (int k = 0; k < _pendingCount; k++) joined[k] = (byte)(_pending >> (8 * k));
            int taken = Math.Min(4 - _pendingCount, chunk.Length);
            chunk[..taken].CopyTo(joined[_pendingCount..]);
            var status = Rune.DecodeFromUtf8(joined[..(_pendingCount + taken)], out _, out int consumed);
            if (status == System.Buffers.OperationStatus.InvalidData) return false;
            if (status == System.Buffers.OperationStatus.NeedMoreData)
            {
                Keep(joined[..(_pendingCount + taken)]);
                return true;
            }
            chunk = chunk[(consumed - _pendingCount)..];
            _pendingCount = 0;
        }

        int tail = IncompleteTailLength(chunk);
        if (!Utf8.IsValid(chunk[..^tail])) return false;
        if (tail == 0) return true;
        var tailStatus = Rune.DecodeFromUtf8(chunk[^tail..], out _, out _);
        if (tailStatus != System.Buffers.OperationStatus.NeedMoreData) return false;
        Keep(chunk[^tail..]);
        return true;
    }

    private void Keep(ReadOnlySpan<byte> bytes)
    {
        _pending = 0;
        for (int k = 0; k < bytes.Length; k++) _pending |= (uint)bytes[k] << (8 * k);
        _pendingCount = bytes.Length;
    }

    /// <summary>Length of a multi-byte sequence that starts in the last 3 bytes and runs past the end, else 0.</summary>
    private static int IncompleteTailLength(ReadOnlySpan<byte> chunk)
    {
        for (int back = 1; back <= 3 && back <= chunk.Length; back++)
        {
            byte b = chunk[^back];
            if ((b & 0xC0) == 0x80) continue; // continuation byte: keep looking for the lead
            int length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
            return length > back ? back : 0;
        }
        return 0;
    }
}

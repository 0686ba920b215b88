using ActorWss.Buffers;
using Akka.IO;

namespace ActorWss.WebSocket;

/// <summary>What the final fragment of a message came to.</summary>
internal enum FinishOutcome
{
    Finished,
    /// <summary>§8.1 (1007): the text is not valid UTF-8 (it ends inside a sequence, or, compressed, anywhere).</summary>
    InvalidUtf8,
    /// <summary>§7.4.1 (1009): inflated, the message is larger than the size limit.</summary>
    TooBig,
    /// <summary>RFC 7692 §6.2 (1007 here): the compressed payload does not inflate.</summary>
    InvalidCompressedData,
}

/// <summary>What adding payload to the message being received came to.</summary>
internal enum AppendOutcome
{
    Appended,
    /// <summary>§7.4.1 (1009): the message would grow past the size limit; nothing was kept.</summary>
    TooBig,
    /// <summary>§8.1 (1007): the text so far cannot be valid UTF-8.</summary>
    InvalidUtf8,
}

/// <summary>
/// The data message being received (§5.4): its type, its fragments, its length against the size limit (§7.4.1,
/// 1009) and its UTF-8 state (§8.1). One message at a time: its length starts at 0 with the message and belongs to
/// it alone. Lengths are checked by subtracting from the limit, never by adding to the running length, so no
/// declared length (up to 2^63-1, §5.2) can overflow the check; and no byte past the limit is ever kept. A compressed
/// message (RFC 7692 §6.1, RSV1 on its first frame) is limited twice: compressed, as it arrives, and inflated, with
/// inflating stopped at the limit; its text is validated once inflated.
/// </summary>
internal sealed class MessageAssembler(Func<long> maxMessageSize)
{
    public MessageAssembler(long maxMessageSize) : this(() => maxMessageSize)
    {
    }

    /// <summary>The size limit of a message, in bytes.</summary>
    public long Limit => maxMessageSize();

    private readonly List<ByteString> _parts = new(4);
    private Utf8Validator _utf8;

    /// <summary>A message has started and its final fragment has not arrived.</summary>
    public bool InMessage { get; private set; }

    public MessageType Type { get; private set; }

    /// <summary>RFC 7692 §6.1: the message's first frame had RSV1 set; its payload is DEFLATE data.</summary>
    public bool Compressed { get; private set; }

    /// <summary>Payload bytes of the current message so far (0 between messages).</summary>
    public long Length { get; private set; }

    /// <summary>
    /// §7.4.1 (1009), decided on the header before any payload is read: would a data frame of
    /// <paramref name="frameLength"/> bytes take its message over the limit? A continuation adds to the message
    /// under way; any other data frame starts a new one.
    /// </summary>
    public bool WouldExceedLimit(Opcode opcode, long frameLength)
    {
        long used = opcode == Opcode.Continuation && InMessage ? Length : 0;
        return frameLength < 0 || frameLength > Limit - used; // used <= Limit: no overflow
    }

    public void Start(MessageType type, bool compressed = false)
    {
        Discard();
        InMessage = true;
        Type = type;
        Compressed = compressed;
    }

    public AppendOutcome Append(ByteString data)
    {
        if (data.IsEmpty) return AppendOutcome.Appended;
        if (data.Count > Limit - Length) return AppendOutcome.TooBig;
        Length += data.Count;
        // §8.1: fail at the first invalid byte, not at the end of the message.
        if (Type == MessageType.Text && !Compressed && !_utf8.Feed(data.AsContiguousSpan())) return AppendOutcome.InvalidUtf8;
        _parts.Add(data);
        return AppendOutcome.Appended;
    }

    /// <summary>The final fragment has arrived: the whole message (inflated, if it was compressed), or why not.</summary>
    public FinishOutcome Finish(out Message message)
    {
        message = null!;
        var outcome = Compressed ? Inflate(out var payload) : Uncompressed(out payload);
        if (outcome == FinishOutcome.Finished)
            message = Type == MessageType.Text ? Message.TextFromUtf8(payload) : Message.Binary(payload);
        Discard();
        return outcome;
    }

    private FinishOutcome Uncompressed(out ByteString payload)
    {
        payload = ByteString.Empty;
        if (Type == MessageType.Text && !_utf8.IsComplete) return FinishOutcome.InvalidUtf8;
        payload = Join();
        return FinishOutcome.Finished;
    }

    private FinishOutcome Inflate(out ByteString payload)
    {
        switch (PerMessageDeflate.Decompress(_parts, Length, Limit, out payload))
        {
            case InflateOutcome.TooBig:
                return FinishOutcome.TooBig;
            case InflateOutcome.Invalid:
                return FinishOutcome.InvalidCompressedData;
        }
        if (Type == MessageType.Text && !System.Text.Unicode.Utf8.IsValid(payload.AsContiguousSpan())) return FinishOutcome.InvalidUtf8;
        return FinishOutcome.Finished;
    }

    /// <summary>Drops the message under way (the connection is closing), and is ready for the next one.</summary>
    public void Discard()
    {
        InMessage = false;
        Compressed = false;
        Length = 0;
        _parts.Clear();
        _utf8.Reset();
    }

    private ByteString Join()
    {
        if (_parts.Count == 0) return ByteString.Empty;
        if (_parts.Count == 1) return _parts[0];
        var joined = GC.AllocateUninitializedArray<byte>(checked((int)Length)); // every byte is written below
        int offset = 0;
        foreach (var part in _parts) offset += part.CopyPrefixTo(joined.AsSpan(offset));
        return ByteString.FromBytes(joined);
    }
}

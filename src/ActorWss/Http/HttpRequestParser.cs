using System.Buffers;
using System.Text;
using ActorWss.Buffers;
using Akka.IO;

namespace ActorWss.Http;

internal enum ParseStatus
{
    /// <summary>The head is not complete yet: feed more bytes.</summary>
    NeedMore,
    Complete,
    /// <summary>The head exceeds the size limit: answer 431 (RFC 6585 §5).</summary>
    TooLarge,
    /// <summary>The head breaks RFC 9112: answer 400; <see cref="HttpRequestParser.Error"/> says why.</summary>
    Malformed,
}

/// <summary>
/// Incremental parser for one HTTP/1.1 request head (RFC 9112 §2-§5). Bytes may arrive in chunks of any size, down
/// to one byte; they are buffered up to the size limit, the end of the head (an empty line) is searched only in the new
/// bytes, and the head is parsed once it is complete. Bytes after the head (a pipelined first WebSocket frame) are
/// kept in <see cref="Remainder"/>. A request body is not expected: a WebSocket upgrade has none.
/// The buffer is rented from the shared pool on the first bytes and returned as soon as the head is settled (or by
/// <see cref="Release"/>): a connection that has been upgraded holds none of it.
/// </summary>
internal sealed class HttpRequestParser(int maxHeadBytes)
{
    private const string TlsInsteadOfHttp = "a TLS handshake where an HTTP request was expected (wss:// to a ws:// port?)";

    private byte[]? _buffer;
    private int _length;
    private int _scanned;      // bytes already searched for the end of the head
    private int _start;        // skips empty lines before the request-line (RFC 9112 §2.2)
    private int _methodScanned; // bytes of the method already checked
    private bool _methodChecked;

    public ParseStatus Status { get; private set; } = ParseStatus.NeedMore;

    public HttpRequest? Request { get; private set; }

    public string? Error { get; private set; }

    public ByteString Remainder { get; private set; } = ByteString.Empty;

    /// <summary>Bytes received so far (0: the client has said nothing yet).</summary>
    public int Received { get; private set; }

    public ParseStatus Feed(ByteString bytes)
    {
        if (Status != ParseStatus.NeedMore) return Status;
        if (bytes.Count == 0) return Status;
        Received += bytes.Count;
        _buffer ??= ArrayPool<byte>.Shared.Rent(maxHeadBytes);
        try { return Take(bytes, _buffer); }
        finally { if (Status != ParseStatus.NeedMore) Release(); }
    }

    /// <summary>Returns the buffer to the pool (the stage calls it when it stops mid-head).</summary>
    public void Release()
    {
        if (_buffer is null) return;
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = null;
    }

    private ParseStatus Take(ByteString bytes, byte[] buffer)
    {
        int room = maxHeadBytes - _length;
        int take = Math.Min(room, bytes.Count);
        bytes.CopyPrefixTo(buffer.AsSpan(_length, take));
        _length += take;

        while (_start < _length && (buffer[_start] == '\r' || buffer[_start] == '\n')) _start++;
        _scanned = Math.Max(_scanned, _start);
        if (!_methodChecked && MethodError(buffer) is { } methodError) { Malformed(methodError); return Status; }

        int end = FindEndOfHead(buffer, out int terminatorLength);
        if (end < 0)
        {
            _scanned = Math.Max(_start, _length - 3);
            if (_length == maxHeadBytes) Status = ParseStatus.TooLarge;
            return Status;
        }

        int headEnd = end + terminatorLength;
        // The bytes not copied (when the buffer filled up) and those after the head belong to the next layer.
        var afterHead = buffer.AsSpan(headEnd, _length - headEnd);
        Remainder = afterHead.Length == 0 && take == bytes.Count
            ? ByteString.Empty
            : ByteString.CopyFrom(afterHead.ToArray()).Concat(bytes.Slice(take));
        Parse(buffer.AsSpan(_start, end - _start));
        return Status;
    }

    private int FindEndOfHead(byte[] buffer, out int terminatorLength)
    {
        var span = buffer.AsSpan(0, _length);
        for (int i = _scanned; i < span.Length; i++)
        {
            if (span[i] != '\n') continue;
            if (i + 1 < span.Length && span[i + 1] == '\n') { terminatorLength = 2; return i; }
            if (i + 2 < span.Length && span[i + 1] == '\r' && span[i + 2] == '\n') { terminatorLength = 3; return i; }
        }
        terminatorLength = 0;
        return -1;
    }

    /// <summary>
    /// RFC 9112 §3: the request-line starts with the method, a token (RFC 9110 §9.1). Checked as the bytes arrive, so
    /// that what is not HTTP at all (a TLS ClientHello sent to the plain listener, another binary protocol), which
    /// may never contain a line end, is answered at once instead of at the handshake timeout.
    /// </summary>
    private string? MethodError(byte[] buffer)
    {
        int i = Math.Max(_methodScanned, _start);
        for (; i < _length; i++)
        {
            byte b = buffer[i];
            if (b == ' ') { _methodChecked = true; return null; }
            if (!IsTokenChar((char)b))
                // RFC 8446 §5.1: a TLS record of content type 22 (handshake) starts with byte 0x16.
                return i == _start && b == 0x16 ? TlsInsteadOfHttp : "invalid method";
        }
        _methodScanned = i;
        return null;
    }

    /// <summary>Parses the head without its final line terminator ("\n" or "\r\n" of the last field line remains).</summary>
    private void Parse(ReadOnlySpan<byte> head)
    {
        var text = Encoding.Latin1.GetString(head);
        var lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            // RFC 9112 §2.2: a bare CR anywhere else than before LF is invalid.
            var line = lines[i].EndsWith('\r') ? lines[i][..^1] : lines[i];
            if (line.Contains('\r') || line.Contains('\0')) { Malformed("bare CR or NUL in the request head"); return; }
            lines[i] = line;
        }
        if (lines.Length > 0 && lines[^1].Length == 0) Array.Resize(ref lines, lines.Length - 1);
        if (lines.Length == 0) { Malformed("empty request"); return; }

        var parts = lines[0].Split(' ');
        if (parts.Length != 3) { Malformed("request-line is not 'method SP target SP version'"); return; }
        var (method, target, version) = (KnownHeaderStrings.Get(parts[0]), parts[1], KnownHeaderStrings.Get(parts[2]));
        if (!IsToken(method)) { Malformed("invalid method"); return; }
        // RFC 9112 §3.2 (RFC 3986 characters): visible ASCII only, no control bytes or spaces.
        if (target.Length == 0 || !(target[0] == '/' || target.Contains("://", StringComparison.Ordinal) || target == "*")
            || target.AsSpan().ContainsAnyExceptInRange('\u0021', '\u007E'))
        { Malformed("invalid request-target"); return; }
        if (version.Length != 8 || !version.StartsWith("HTTP/", StringComparison.Ordinal) || !char.IsAsciiDigit(version[5])
            || version[6] != '.' || !char.IsAsciiDigit(version[7]))
        { Malformed("invalid HTTP-version"); return; }

        var headers = new List<KeyValuePair<string, string>>(lines.Length - 1);
        for (int i = 1; i < lines.Length; i++)
        {
            var line = lines[i];
            // RFC 9112 §5.2: obsolete line folding is rejected.
            if (line.Length > 0 && (line[0] == ' ' || line[0] == '\t')) { Malformed("obsolete line folding"); return; }
            int colon = line.IndexOf(':');
            if (colon <= 0) { Malformed("field line without a name"); return; }
            var name = KnownHeaderStrings.Get(line.AsSpan(0, colon));
            // RFC 9112 §5.1: no whitespace between field name and colon.
            if (!IsToken(name)) { Malformed($"invalid field name '{PrintableText.Escape(name)}'"); return; }
            var value = KnownHeaderStrings.Get(line.AsSpan(colon + 1).Trim(" \t"));
            // RFC 9110 §5.5: a field value is visible characters, obs-text, spaces and tabs: no other C0 control, no DEL.
            if (value.Any(c => (c < 0x20 && c != '\t') || c == 0x7F))
            { Malformed($"control character in the value of {name}"); return; }
            headers.Add(new(name, value));
        }
        if (FramingError(headers) is { } framing) { Malformed(framing); return; }
        Request = new HttpRequest(method, target, version, headers);
        Status = ParseStatus.Complete;
    }

    /// <summary>
    /// RFC 9112 §6.3: Transfer-Encoding together with Content-Length, or a Content-Length that is not one number
    /// (several different values, or not a number), leaves the message framing undecidable: a request smuggling
    /// vector between this server and anything in front of it. 400.
    /// </summary>
    private static string? FramingError(List<KeyValuePair<string, string>> headers)
    {
        bool transferEncoding = false;
        string? length = null;
        foreach (var (name, value) in headers)
        {
            if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)) transferEncoding = true;
            if (!name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)) continue;
            foreach (var element in value.Split(','))
            {
                var trimmed = element.Trim(' ', '\t');
                if (trimmed.Length == 0 || !trimmed.All(char.IsAsciiDigit)) return "Content-Length is not a number";
                if (length is not null && length != trimmed) return "Content-Length values differ";
                length = trimmed;
            }
        }
        return transferEncoding && length is not null ? "both Transfer-Encoding and Content-Length" : null;
    }

    private void Malformed(string reason)
    {
        Error = reason;
        Status = ParseStatus.Malformed;
    }

    /// <summary>RFC 9110 §5.6.2 token.</summary>
    private static bool IsToken(string s)
    {
        if (s.Length == 0) return false;
        foreach (char c in s)
            if (!IsTokenChar(c)) return false;
        return true;
    }

    private static bool IsTokenChar(char c) => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c);
}

using System.Security.Cryptography;
using System.Text;

namespace ActorWss.Tests.Reliability.Fuzz;

/// <summary>An opening handshake request and the answers RFC 6455 §4.2.1-§4.2.2 and RFC 9112 allow for it.</summary>
/// <param name="Text">The request head, as sent.</param>
/// <param name="Statuses">101 when nothing is wrong; otherwise the status each broken rule calls for (the RFCs order no checks).</param>
/// <param name="Key">The Sec-WebSocket-Key, for checking Sec-WebSocket-Accept on a 101.</param>
/// <param name="Changes">What was changed from a valid request, for messages.</param>
internal sealed record FuzzedHandshake(string Text, IReadOnlySet<int> Statuses, string Key, IReadOnlyList<string> Changes)
{
    /// <summary>§4.2.2 item 5.4: base64(SHA-1(key + the GUID of §1.3)), computed here, not by the server's code.</summary>
    public string ExpectedAccept => Convert.ToBase64String(
        SHA1.HashData(Encoding.ASCII.GetBytes(Key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));
}

/// <summary>
/// Opening handshakes from a seeded random source: a valid request with zero to three changes, each either harmless
/// (case, order, bare LF, extra fields, list forms) or breaking one rule, with the status that rule calls for. The
/// server is expected to run with <c>allowed-origins = ["https://good.example"]</c>.
/// </summary>
internal sealed class HandshakeFuzzer(int seed)
{
    public const string AllowedOrigin = "https://good.example";
    private readonly Random _random = new(seed);

    private sealed class Request
    {
        public string Method = "GET", Target = "/", Version = "HTTP/1.1", LineEnd = "\r\n";
        public List<(string Name, string Value)> Fields = [];
        public HashSet<int> Statuses = [];
        public List<string> Changes = [];

        public void Set(string name, string value)
        {
            Fields.RemoveAll(f => f.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
            Fields.Add((name, value));
        }

        public void Remove(string name) => Fields.RemoveAll(f => f.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
    }

    private delegate void Change(Request request);

    /// <summary>
    /// Each change: what it does, the part of the request it touches (one change per part, so that none undoes
    /// another), and the status it calls for (0: harmless).
    /// </summary>
    private static readonly (string What, string Part, int Status, Change Apply)[] Changes =
    [
        ("method POST (§4.2.1 item 1)", "method", 405, r => r.Method = "POST"),
        ("method get, lower case (RFC 9110 §9.1: case-sensitive)", "method", 405, r => r.Method = "get"),
        ("HTTP/1.0 (§4.2.1 item 1)", "version", 400, r => r.Version = "HTTP/1.0"),
        ("HTTP/2.0 over HTTP/1 framing", "version", 505, r => r.Version = "HTTP/2.0"),
        ("malformed version", "version", 400, r => r.Version = "HTTP/1.1x"),
        ("no Host (§4.2.1 item 2)", "host", 400, r => r.Remove("Host")),
        ("two Host fields (RFC 9112 §3.2)", "host", 400, r => r.Fields.Add(("Host", "other.example"))),
        ("Upgrade: h2c (§4.2.1 item 3)", "upgrade", 400, r => r.Set("Upgrade", "h2c")),
        ("no Connection (§4.2.1 item 4)", "connection", 400, r => r.Remove("Connection")),
        ("Connection: keep-alive (§4.2.1 item 4)", "connection", 400, r => r.Set("Connection", "keep-alive")),
        ("Sec-WebSocket-Version: 8 (§4.2.1 item 6)", "ws-version", 426, r => r.Set("Sec-WebSocket-Version", "8")),
        ("two Sec-WebSocket-Version fields (§4.2.1 item 6)", "ws-version", 426, r => r.Fields.Add(("Sec-WebSocket-Version", "13"))),
        ("Sec-WebSocket-Key not base64 (§4.2.1 item 5)", "key", 400, r => r.Set("Sec-WebSocket-Key", "not base64!")),
        ("Sec-WebSocket-Key of 15 bytes (§4.2.1 item 5)", "key", 400, r => r.Set("Sec-WebSocket-Key", Convert.ToBase64String(new byte[15]))),
        ("two Sec-WebSocket-Key fields (§4.2.1 item 5)", "key", 400, r => r.Fields.Add(("Sec-WebSocket-Key", Convert.ToBase64String(new byte[16])))),
        ("Origin not allowed (§4.2.2 item 4, §10.2)", "origin", 403, r => r.Set("Origin", "https://evil.example")),
        ("two Origin fields", "origin", 403, r => { r.Set("Origin", AllowedOrigin); r.Fields.Add(("Origin", AllowedOrigin)); }),
        ("a body: Content-Length 5", "length", 400, r => r.Set("Content-Length", "5")),
        ("Transfer-Encoding (RFC 9112 §6.3)", "te", 400, r => r.Set("Transfer-Encoding", "chunked")),
        ("Content-Length values differ (RFC 9112 §6.3)", "length", 400, r => r.Set("Content-Length", "0, 1")),
        ("space before the colon (RFC 9112 §5.1)", "x-spaced", 400, r => r.Fields.Add(("X-Spaced ", "v"))),
        ("obsolete line folding (RFC 9112 §5.2)", "x-folded", 400, r => r.Fields.Add(("X-Folded", "a\r\n b"))),
        ("control byte in the target (RFC 9112 §3.2)", "target", 400, r => r.Target = "/\u001b[31m"),
        ("NUL in a field value", "x-nul", 400, r => r.Fields.Add(("X-Nul", "a\0b"))),
        ("Upgrade: WebSocket, other case", "upgrade", 0, r => r.Set("Upgrade", "WebSocket")),
        ("Upgrade as a list", "upgrade", 0, r => r.Set("Upgrade", "foo/1, websocket")),
        ("Connection: keep-alive, Upgrade", "connection", 0, r => r.Set("Connection", "keep-alive, Upgrade")),
        ("field names in lower case", "case", 0, r => r.Fields = r.Fields.Select(f => (f.Name.ToLowerInvariant(), f.Value)).ToList()),
        ("fields in reverse order", "order", 0, r => r.Fields.Reverse()),
        ("bare LF line ends", "line-end", 0, r => r.LineEnd = "\n"),
        ("an unknown extra field", "x-extra", 0, r => r.Fields.Add(("X-Extra", "whatever"))),
        ("the allowed Origin", "origin", 0, r => r.Set("Origin", AllowedOrigin)),
        ("Content-Length: 0", "length", 0, r => r.Set("Content-Length", "0")),
        ("a query in the target", "target", 0, r => r.Target = "/?room=1"),
        ("HTTP/1.2", "version", 0, r => r.Version = "HTTP/1.2"),
        ("a subprotocol offered", "protocol", 0, r => r.Fields.Add(("Sec-WebSocket-Protocol", "chat"))),
    ];

    public FuzzedHandshake Next()
    {
        var key = Convert.ToBase64String(RandomBytes(16));
        var request = new Request
        {
            Fields =
            [
                ("Host", "127.0.0.1"), ("Upgrade", "websocket"), ("Connection", "Upgrade"),
                ("Sec-WebSocket-Key", key), ("Sec-WebSocket-Version", "13"),
            ],
        };
        int count = _random.Next(4);
        var chosen = Enumerable.Range(0, Changes.Length).OrderBy(_ => _random.Next())
            .DistinctBy(index => Changes[index].Part).Take(count);
        foreach (var index in chosen)
        {
            var (what, _, status, apply) = Changes[index];
            apply(request);
            request.Changes.Add(what);
            if (status != 0) request.Statuses.Add(status);
        }
        if (request.Statuses.Count == 0) request.Statuses.Add(101);
        var head = new StringBuilder($"{request.Method} {request.Target} {request.Version}{request.LineEnd}");
        foreach (var (name, value) in request.Fields) head.Append(name).Append(": ").Append(value).Append(request.LineEnd);
        head.Append(request.LineEnd);
        var finalKey = request.Fields.LastOrDefault(f => f.Name.Equals("Sec-WebSocket-Key", StringComparison.OrdinalIgnoreCase)).Value ?? key;
        return new FuzzedHandshake(head.ToString(), request.Statuses, finalKey, request.Changes);
    }

    private byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        _random.NextBytes(bytes);
        return bytes;
    }
}

using System.Text;
using ActorWss.Http;
using Akka.IO;

namespace ActorWss.Tests.Codec;

/// <summary>
/// RFC 9112 §2-§5: <see cref="HttpRequestParser"/> reads one request head from chunks of any size, keeps the bytes
/// after it, and rejects heads that are too large or malformed. Also the lookups of <see cref="HttpRequest"/>.
/// </summary>
public class HttpRequestParserTests
{
    private const int Limit = 8 * 1024;

    private const string UpgradeHead =
        "GET /chat?room=1 HTTP/1.1\r\n" +
        "Host: server.example.com\r\n" +
        "Upgrade: websocket\r\n" +
        "Connection: Upgrade\r\n" +
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" +
        "Origin: http://example.com\r\n" +
        "Sec-WebSocket-Protocol: chat, superchat\r\n" +
        "Sec-WebSocket-Version: 13\r\n" +
        "\r\n";

    private static readonly KeyValuePair<string, string>[] UpgradeHeaders =
    [
        new("Host", "server.example.com"),
        new("Upgrade", "websocket"),
        new("Connection", "Upgrade"),
        new("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="),
        new("Origin", "http://example.com"),
        new("Sec-WebSocket-Protocol", "chat, superchat"),
        new("Sec-WebSocket-Version", "13"),
    ];

    private static byte[] Latin1(string text) => Encoding.Latin1.GetBytes(text);

    private static ByteString Bytes(string text) => ByteString.FromBytes(Latin1(text));

    private static HttpRequestParser ParseWhole(string text, int limit = Limit)
    {
        var parser = new HttpRequestParser(limit);
        parser.Feed(Bytes(text));
        return parser;
    }

    private static void AssertIsTheUpgradeRequest(HttpRequestParser parser)
    {
        Assert.Equal(ParseStatus.Complete, parser.Status);
        Assert.Null(parser.Error);
        var request = Assert.IsType<HttpRequest>(parser.Request);
        Assert.Equal("GET", request.Method);
        Assert.Equal("/chat?room=1", request.Target);
        Assert.Equal("HTTP/1.1", request.Version);
        Assert.Equal(UpgradeHeaders, request.Headers);
    }

    // ---- Complete heads, any chunking ----

    [Fact]
    public void Two_requests_share_the_known_header_strings_and_keep_their_own_values()
    {
        // A connection keeps its request while it is open: the names and values every upgrade carries are one string
        // for all connections, what differs is the request's own.
        var first = ParseWhole(UpgradeHead).Request!;
        var second = ParseWhole(UpgradeHead.Replace("server.example.com", "other.example.com")).Request!;

        for (int i = 0; i < first.Headers.Count; i++)
            Assert.Same(first.Headers[i].Key, second.Headers[i].Key);
        Assert.Same(first.Method, second.Method);
        Assert.Same(first.Version, second.Version);
        Assert.Same(first.Headers[1].Value, second.Headers[1].Value); // websocket
        Assert.Same(first.Headers[6].Value, second.Headers[6].Value); // 13
        Assert.NotSame(first.Headers[3].Value, second.Headers[3].Value); // each key its own
        Assert.Equal(("Host", "other.example.com"), (second.Headers[0].Key, second.Headers[0].Value));
    }

    [Fact]
    public void Header_names_keep_the_clients_spelling_whether_known_or_not()
    {
        var request = ParseWhole("GET / HTTP/1.1\r\nhost: a\r\nHOST: b\r\nX-Custom:  v \t\r\n\r\n").Request!;

        Assert.Equal([new("host", "a"), new("HOST", "b"), new KeyValuePair<string, string>("X-Custom", "v")], request.Headers);
    }

    [Fact]
    public void A_full_upgrade_request_in_one_chunk_is_parsed()
    {
        var parser = new HttpRequestParser(Limit);

        Assert.Equal(ParseStatus.Complete, parser.Feed(Bytes(UpgradeHead)));

        AssertIsTheUpgradeRequest(parser);
        Assert.True(parser.Remainder.IsEmpty);
        Assert.Equal(UpgradeHead.Length, parser.Received);
    }

    [Fact]
    public void The_request_fed_byte_by_byte_is_parsed_the_same()
    {
        var parser = new HttpRequestParser(Limit);
        var bytes = Latin1(UpgradeHead);

        for (int i = 0; i < bytes.Length - 1; i++)
        {
            Assert.Equal(ParseStatus.NeedMore, parser.Feed(ByteString.FromBytes([bytes[i]])));
            Assert.Null(parser.Request);
        }
        Assert.Equal(ParseStatus.Complete, parser.Feed(ByteString.FromBytes([bytes[^1]])));

        AssertIsTheUpgradeRequest(parser);
        Assert.True(parser.Remainder.IsEmpty);
    }

    [Fact]
    public void The_request_fed_in_random_chunks_is_parsed_the_same()
    {
        var random = new Random(4321);
        var bytes = Latin1(UpgradeHead);
        for (int round = 0; round < 200; round++)
        {
            var parser = new HttpRequestParser(Limit);
            int offset = 0;
            while (offset < bytes.Length)
            {
                int size = Math.Min(random.Next(1, 40), bytes.Length - offset);
                var status = parser.Feed(ByteString.FromBytes(bytes[offset..(offset + size)]));
                offset += size;
                Assert.Equal(offset == bytes.Length ? ParseStatus.Complete : ParseStatus.NeedMore, status);
            }

            AssertIsTheUpgradeRequest(parser);
            Assert.True(parser.Remainder.IsEmpty);
        }
    }

    [Fact]
    public void Feeding_after_completion_changes_nothing()
    {
        var parser = ParseWhole(UpgradeHead);
        var request = parser.Request;

        Assert.Equal(ParseStatus.Complete, parser.Feed(Bytes("GET /other HTTP/1.1\r\n\r\n")));

        Assert.Same(request, parser.Request);
    }

    // ---- Bytes after the head ----

    [Fact]
    public void Bytes_after_the_blank_line_in_the_same_chunk_are_the_remainder()
    {
        var frame = new byte[] { 0x81, 0x85, 0x37, 0xFA, 0x21, 0x3D, 0x7F, 0x9F, 0x4D, 0x51, 0x58 };
        var parser = new HttpRequestParser(Limit);

        parser.Feed(ByteString.FromBytes(Latin1(UpgradeHead).Concat(frame).ToArray()));

        AssertIsTheUpgradeRequest(parser);
        Assert.Equal(frame, parser.Remainder.ToArray());
    }

    [Fact]
    public void Bytes_after_a_head_that_ends_mid_chunk_are_the_remainder()
    {
        var head = Latin1(UpgradeHead);
        var after = Enumerable.Range(0, 50).Select(i => (byte)(200 + i)).ToArray();
        var all = head.Concat(after).ToArray();
        var parser = new HttpRequestParser(Limit);

        // The first chunk stops inside the final CRLF CRLF; the second carries its end and the next bytes.
        Assert.Equal(ParseStatus.NeedMore, parser.Feed(ByteString.FromBytes(all[..(head.Length - 2)])));
        Assert.Equal(ParseStatus.Complete, parser.Feed(ByteString.FromBytes(all[(head.Length - 2)..])));

        AssertIsTheUpgradeRequest(parser);
        Assert.Equal(after, parser.Remainder.ToArray());
    }

    [Fact]
    public void The_remainder_is_what_follows_the_head_in_the_chunk_that_completes_it_for_every_split_point()
    {
        var head = Latin1(UpgradeHead);
        var after = "more bytes\r\n\r\n"u8.ToArray();
        var all = head.Concat(after).ToArray();

        for (int split = 1; split < all.Length; split++)
        {
            var parser = new HttpRequestParser(Limit);
            var first = parser.Feed(ByteString.FromBytes(all[..split]));
            // Once the head is complete the parser takes no more input: the caller sends later bytes on directly.
            if (split >= head.Length)
            {
                Assert.Equal(ParseStatus.Complete, first);
                Assert.True(all[head.Length..split].AsSpan().SequenceEqual(parser.Remainder.ToArray()), $"split at {split}");
            }
            else
            {
                Assert.Equal(ParseStatus.NeedMore, first);
                Assert.Equal(ParseStatus.Complete, parser.Feed(ByteString.FromBytes(all[split..])));
                Assert.True(after.AsSpan().SequenceEqual(parser.Remainder.ToArray()), $"split at {split}");
            }
            AssertIsTheUpgradeRequest(parser);
        }
    }

    [Fact]
    public void Feeding_after_completion_leaves_the_remainder_alone()
    {
        var parser = ParseWhole(UpgradeHead + "ab");

        parser.Feed(Bytes("cd"));

        Assert.Equal("ab"u8.ToArray(), parser.Remainder.ToArray());
    }

    [Fact]
    public void Bytes_beyond_the_limit_after_a_complete_head_are_the_remainder()
    {
        var head = Latin1(UpgradeHead);
        var after = new byte[3 * head.Length];
        new Random(9).NextBytes(after);
        var parser = new HttpRequestParser(head.Length + 10);

        parser.Feed(ByteString.FromBytes(head.Concat(after).ToArray()));

        AssertIsTheUpgradeRequest(parser);
        Assert.Equal(after, parser.Remainder.ToArray());
    }

    // ---- Tolerated forms ----

    [Fact]
    public void Lf_only_line_endings_are_accepted()
    {
        var parser = ParseWhole(UpgradeHead.Replace("\r\n", "\n"));

        AssertIsTheUpgradeRequest(parser);
    }

    [Fact]
    public void Lf_only_line_endings_fed_byte_by_byte_are_accepted()
    {
        var parser = new HttpRequestParser(Limit);

        foreach (var b in Latin1(UpgradeHead.Replace("\r\n", "\n")))
            parser.Feed(ByteString.FromBytes([b]));

        AssertIsTheUpgradeRequest(parser);
    }

    [Fact]
    public void Bytes_after_an_lf_only_head_are_the_remainder()
    {
        var parser = ParseWhole(UpgradeHead.Replace("\r\n", "\n") + "\r\nX");

        AssertIsTheUpgradeRequest(parser);
        Assert.Equal("\r\nX"u8.ToArray(), parser.Remainder.ToArray());
    }

    [Theory]
    [InlineData("\r\n")]
    [InlineData("\r\n\r\n")]
    [InlineData("\n\n\n")]
    public void Empty_lines_before_the_request_line_are_skipped(string leading)
    {
        var parser = ParseWhole(leading + UpgradeHead);

        AssertIsTheUpgradeRequest(parser);
    }

    [Fact]
    public void Empty_lines_before_the_request_line_are_skipped_when_fed_byte_by_byte()
    {
        var parser = new HttpRequestParser(Limit);

        foreach (var b in Latin1("\r\n\r\n" + UpgradeHead)) parser.Feed(ByteString.FromBytes([b]));

        AssertIsTheUpgradeRequest(parser);
    }

    [Fact]
    public void A_request_without_fields_is_parsed()
    {
        var parser = ParseWhole("GET / HTTP/1.1\r\n\r\n");

        Assert.Equal(ParseStatus.Complete, parser.Status);
        Assert.Equal("/", parser.Request!.Target);
        Assert.Empty(parser.Request.Headers);
    }

    [Fact]
    public void Whitespace_around_field_values_is_trimmed()
    {
        var parser = ParseWhole("GET / HTTP/1.1\r\nHost: \t example.com \t\r\nX-Empty:\r\n\r\n");

        Assert.Equal(ParseStatus.Complete, parser.Status);
        Assert.Equal(
            [new KeyValuePair<string, string>("Host", "example.com"), new KeyValuePair<string, string>("X-Empty", "")],
            parser.Request!.Headers);
    }

    [Theory]
    [InlineData("http://example.com/chat")]
    [InlineData("*")]
    public void Absolute_form_and_asterisk_targets_are_accepted(string target)
    {
        var parser = ParseWhole($"OPTIONS {target} HTTP/1.1\r\nHost: example.com\r\n\r\n");

        Assert.Equal(ParseStatus.Complete, parser.Status);
        Assert.Equal(target, parser.Request!.Target);
    }

    // ---- Size limit ----

    [Fact]
    public void A_head_larger_than_the_limit_is_too_large()
    {
        var head = "GET / HTTP/1.1\r\nX-Filler: " + new string('a', 200) + "\r\n\r\n";
        var parser = new HttpRequestParser(128);

        Assert.Equal(ParseStatus.TooLarge, parser.Feed(Bytes(head)));

        Assert.Null(parser.Request);
    }

    [Fact]
    public void A_head_larger_than_the_limit_fed_in_chunks_is_too_large()
    {
        var head = Latin1("GET / HTTP/1.1\r\nX-Filler: " + new string('a', 200) + "\r\n\r\n");
        var parser = new HttpRequestParser(128);
        var status = ParseStatus.NeedMore;

        for (int offset = 0; offset < head.Length && status == ParseStatus.NeedMore; offset += 10)
            status = parser.Feed(ByteString.FromBytes(head[offset..Math.Min(offset + 10, head.Length)]));

        Assert.Equal(ParseStatus.TooLarge, status);
        Assert.Equal(ParseStatus.TooLarge, parser.Feed(Bytes("\r\n\r\n")));
    }

    [Fact]
    public void A_head_of_exactly_the_limit_is_accepted_and_one_byte_more_is_too_large()
    {
        var head = "GET / HTTP/1.1\r\nX-Filler: " + new string('a', 60) + "\r\n\r\n";

        Assert.Equal(ParseStatus.Complete, ParseWhole(head, limit: head.Length).Status);
        Assert.Equal(ParseStatus.TooLarge, ParseWhole(head, limit: head.Length - 1).Status);
    }

    // ---- Malformed heads ----

    [Theory]
    [InlineData("GET /\r\nHost: x\r\n\r\n")]                          // request-line with 2 parts
    [InlineData("GET / HTTP/1.1 extra\r\nHost: x\r\n\r\n")]           // 4 parts
    [InlineData("GET  / HTTP/1.1\r\nHost: x\r\n\r\n")]                // two spaces make an empty part
    [InlineData("GET / HTTP/1\r\nHost: x\r\n\r\n")]                   // version too short
    [InlineData("GET / HTTPS/1.1\r\nHost: x\r\n\r\n")]
    [InlineData("GET / http/1.1\r\nHost: x\r\n\r\n")]                 // the version name is case-sensitive
    [InlineData("GET / HTTP/1.x\r\nHost: x\r\n\r\n")]
    [InlineData("GET / HTTP/11.1\r\nHost: x\r\n\r\n")]
    [InlineData("GET chat HTTP/1.1\r\nHost: x\r\n\r\n")]              // a target that is none of the forms
    [InlineData("G@T / HTTP/1.1\r\nHost: x\r\n\r\n")]                 // invalid method characters
    [InlineData("GE(T / HTTP/1.1\r\nHost: x\r\n\r\n")]
    [InlineData("GET\t/ HTTP/1.1\r\nHost: x\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\r\nHost : x\r\n\r\n")]                // whitespace between name and colon
    [InlineData("GET / HTTP/1.1\r\nHost\t: x\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n")]      // obsolete line folding
    [InlineData("GET / HTTP/1.1\r\nHost: x\r\n\tfolded\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\r\nNoColonHere\r\n\r\n")]             // field line without colon
    [InlineData("GET / HTTP/1.1\r\n: no name\r\n\r\n")]               // empty field name
    [InlineData("GET / HTTP/1.1\r\nX(y): z\r\n\r\n")]                 // invalid field-name character
    [InlineData("GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n")]              // bare CR inside a line
    [InlineData("GET / HTTP/1.1\rHost: x\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\r\nHost: a\0b\r\n\r\n")]              // NUL byte
    [InlineData("GET /\0 HTTP/1.1\r\nHost: x\r\n\r\n")]
    public void A_malformed_head_is_reported_with_a_reason(string head)
    {
        var parser = new HttpRequestParser(Limit);

        Assert.Equal(ParseStatus.Malformed, parser.Feed(Bytes(head)));

        Assert.False(string.IsNullOrWhiteSpace(parser.Error));
        Assert.Null(parser.Request);
    }

    [Theory]
    [InlineData("GET /\r\n\r\n", "request-line")]
    [InlineData("GET / HTTPS/1.1\r\n\r\n", "HTTP-version")]
    [InlineData("G@T / HTTP/1.1\r\n\r\n", "method")]
    [InlineData("GET / HTTP/1.1\r\nHost : x\r\n\r\n", "field name")]
    [InlineData("GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n", "folding")]
    [InlineData("GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n", "CR")]
    public void The_error_names_what_is_wrong(string head, string expected)
    {
        var parser = ParseWhole(head);

        Assert.Equal(ParseStatus.Malformed, parser.Status);
        Assert.Contains(expected, parser.Error);
    }

    [Theory]
    [InlineData(new byte[] { 0x16, 0x03, 0x01, 0x02, 0x00, 0x01 }, "TLS handshake")]  // a ClientHello record's start
    [InlineData(new byte[] { 0x05, 0x01, 0x00 }, "method")]                            // a SOCKS5 greeting
    [InlineData(new byte[] { (byte)'G', (byte)'E', (byte)'T', 0x00 }, "method")]
    [InlineData(new byte[] { (byte)'\r', (byte)'\n', 0x16, 0x03 }, "TLS handshake")]   // after the empty lines allowed before a request
    public void Bytes_that_cannot_begin_a_method_are_malformed_before_any_line_end(byte[] bytes, string expected)
    {
        var parser = new HttpRequestParser(Limit);

        Assert.Equal(ParseStatus.Malformed, parser.Feed(ByteString.FromBytes(bytes)));
        Assert.Contains(expected, parser.Error);
    }

    [Fact]
    public void A_method_fed_byte_by_byte_is_checked_as_it_arrives()
    {
        var parser = new HttpRequestParser(Limit);

        Assert.Equal(ParseStatus.NeedMore, parser.Feed(Bytes("G")));
        Assert.Equal(ParseStatus.NeedMore, parser.Feed(Bytes("E")));
        Assert.Equal(ParseStatus.Malformed, parser.Feed(Bytes("@")));
        Assert.Contains("method", parser.Error);
    }

    [Fact]
    public void A_malformed_head_fed_byte_by_byte_is_malformed_too()
    {
        var parser = new HttpRequestParser(Limit);

        foreach (var b in Latin1("GET / HTTP/1.1\r\nHost : x\r\n\r\n")) parser.Feed(ByteString.FromBytes([b]));

        Assert.Equal(ParseStatus.Malformed, parser.Status);
        Assert.NotNull(parser.Error);
    }

    // ---- Control characters and framing (RFC 9112 §3.2, §6.3; RFC 9110 §5.5) ----

    [Theory]
    [InlineData("GET /\u001b[31m HTTP/1.1\r\nHost: h\r\n\r\n", "invalid request-target")]
    [InlineData("GET /a\u007fb HTTP/1.1\r\nHost: h\r\n\r\n", "invalid request-target")]
    [InlineData("GET /\u009b HTTP/1.1\r\nHost: h\r\n\r\n", "invalid request-target")]
    [InlineData("GET / HTTP/1.1\r\nHost: h\r\nX-\u001b: v\r\n\r\n", "invalid field name 'X-\\x1B'")]
    [InlineData("GET / HTTP/1.1\r\nHost: h\u001b\r\n\r\n", "control character in the value of Host")]
    [InlineData("GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", "Content-Length values differ")]
    [InlineData("GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 1, 2\r\n\r\n", "Content-Length values differ")]
    [InlineData("GET / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n", "Content-Length is not a number")]
    [InlineData("GET / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nContent-Length: 0\r\n\r\n", "both Transfer-Encoding and Content-Length")]
    public void Control_characters_and_undecidable_framing_are_malformed_with_an_escaped_reason(string head, string error)
    {
        var parser = ParseWhole(head);

        Assert.Equal(ParseStatus.Malformed, parser.Status);
        Assert.Equal(error, parser.Error);
        Assert.DoesNotContain(parser.Error!, c => c < 0x20 || c is >= '\u007f' and <= '\u009f');
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 5, 5\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\r\nHost: h\r\nUser-Agent: tab\there \u00e9\u0085\r\n\r\n")]
    public void Repeated_equal_lengths_tabs_and_obs_text_are_accepted(string head)
    {
        Assert.Equal(ParseStatus.Complete, ParseWhole(head).Status);
    }

    // ---- HttpRequest lookups ----

    private static HttpRequest Request(string target, params (string Name, string Value)[] headers) =>
        new("GET", target, "HTTP/1.1", headers.Select(h => new KeyValuePair<string, string>(h.Name, h.Value)).ToList());

    [Fact]
    public void Count_matches_field_names_case_insensitively()
    {
        var request = Request("/", ("Host", "a"), ("HOST", "b"), ("host", "c"), ("Hostname", "d"));

        Assert.Equal(3, request.Count("Host"));
        Assert.Equal(3, request.Count("hOsT"));
        Assert.Equal(0, request.Count("Origin"));
    }

    [Fact]
    public void Single_gives_the_only_value_and_null_when_absent_or_repeated()
    {
        var request = Request("/", ("Host", "a"), ("x-one", "1"), ("X-Two", "2"), ("x-two", "3"));

        Assert.Equal("1", request.Single("X-One"));
        Assert.Equal("a", request.Single("host"));
        Assert.Null(request.Single("X-Two"));
        Assert.Null(request.Single("X-Missing"));
    }

    [Fact]
    public void ListElements_splits_comma_lists_across_repeated_fields_and_trims()
    {
        var request = Request("/",
            ("Connection", "keep-alive, Upgrade"),
            ("Other", "not, this"),
            ("connection", " ,\tclose ,, x-y\t"));

        Assert.Equal(["keep-alive", "Upgrade", "close", "x-y"], request.ListElements("CONNECTION"));
        Assert.Empty(request.ListElements("Missing"));
    }

    [Theory]
    [InlineData("Upgrade", "websocket", true)]
    [InlineData("upgrade", "WebSocket", true)]
    [InlineData("Connection", "upgrade", true)]
    [InlineData("connection", "keep-alive", true)]
    [InlineData("Connection", "close", false)]
    [InlineData("Connection", "keep", false)]        // whole elements only, not substrings
    [InlineData("Origin", "websocket", false)]
    public void HasToken_looks_for_a_whole_element_case_insensitively(string name, string token, bool expected)
    {
        var request = Request("/", ("Upgrade", "h2c, WEBSOCKET"), ("Connection", "keep-alive,Upgrade"));

        Assert.Equal(expected, request.HasToken(name, token));
    }

    [Theory]
    [InlineData("/", "/")]
    [InlineData("/chat", "/chat")]
    [InlineData("/chat?room=1&x=2", "/chat")]
    [InlineData("/?x", "/")]
    [InlineData("/a/b/c?", "/a/b/c")]
    [InlineData("http://example.com/chat?room=1", "/chat")]
    [InlineData("ws://example.com:9090/a/b", "/a/b")]
    [InlineData("http://example.com", "/")]
    [InlineData("http://example.com?x=1", "/")]
    public void Path_strips_the_query_and_the_authority_of_absolute_targets(string target, string expected)
    {
        Assert.Equal(expected, Request(target).Path);
    }
}

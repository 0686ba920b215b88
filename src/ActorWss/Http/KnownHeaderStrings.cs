using System.Collections.Frozen;

namespace ActorWss.Http;

/// <summary>
/// The header names and values that WebSocket upgrade requests carry, as one shared string each. A connection keeps
/// its request for the application (headers, cookies) as long as it is open, and without this every idle connection
/// would hold its own copies of "Upgrade", "websocket", "Sec-WebSocket-Version", "13" and the like.
/// </summary>
internal static class KnownHeaderStrings
{
    private static readonly FrozenSet<string> Known = new[]
    {
        // request line
        "GET", "HTTP/1.1",
        // names, as browsers and most clients spell them, and lower-cased as some libraries send them
        "Host", "Upgrade", "Connection", "Origin", "User-Agent", "Sec-WebSocket-Key", "Sec-WebSocket-Version",
        "Sec-WebSocket-Extensions", "Sec-WebSocket-Protocol", "Accept-Encoding", "Accept-Language", "Cache-Control",
        "Pragma", "Cookie", "Authorization",
        "host", "upgrade", "connection", "origin", "user-agent", "sec-websocket-key", "sec-websocket-version",
        "sec-websocket-extensions", "sec-websocket-protocol", "accept-encoding", "accept-language", "cache-control",
        "pragma", "cookie", "authorization",
        // values
        "websocket", "Upgrade", "upgrade", "keep-alive, Upgrade", "Keep-Alive, Upgrade", "13", "no-cache",
        "permessage-deflate", "permessage-deflate; client_max_window_bits", "gzip, deflate", "gzip, deflate, br",
        "gzip, deflate, br, zstd",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> Lookup = Known.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The shared string when <paramref name="text"/> is a known one, else a new string.</summary>
    public static string Get(ReadOnlySpan<char> text) => Lookup.TryGetValue(text, out var known) ? known : text.ToString();
}

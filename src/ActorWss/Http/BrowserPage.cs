using System.Text;
using Akka.IO;

namespace ActorWss.Http;

/// <summary>
/// GET /: a small self-contained page that opens a WebSocket back to the server it came from (ws:// or wss://, as
/// the page was loaded) and shows each echo with its round-trip time; and, when the server serves a route at /chat,
/// a chat view.
/// </summary>
internal static class BrowserPage
{
    /// <summary>
    /// The page's script and style are inline and it loads nothing else; its only connections are WebSockets.
    /// Everything else is refused, so the page cannot be framed or made to load or post anywhere.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src ws: wss:; " +
        "img-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /// <summary>The page's handler: its chat view is shown when <paramref name="chatPath"/> (a route serving the chat) is given.</summary>
    public static PlainHttpHandler For(string? chatPath)
    {
        var html = BrowserPageHtml.Text.Replace("{{CHAT_PATH}}", chatPath ?? "", StringComparison.Ordinal);
        var page = HttpResponse.Content(200, "OK", "text/html; charset=utf-8", ByteString.FromString(html, Encoding.UTF8),
            new KeyValuePair<string, string>("Content-Security-Policy", ContentSecurityPolicy),
            new KeyValuePair<string, string>("X-Content-Type-Options", "nosniff"),
            new KeyValuePair<string, string>("Referrer-Policy", "no-referrer"));
        return request => request.Path == "/" ? page : null;
    }
}

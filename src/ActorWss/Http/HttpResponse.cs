using System.Text;
using Akka.IO;

namespace ActorWss.Http;

/// <summary>An HTTP/1.1 response this server writes before it closes or switches protocols.</summary>
internal sealed record HttpResponse(int Status, string ReasonPhrase, IReadOnlyList<KeyValuePair<string, string>> Headers, ByteString Body)
{
    /// <summary>A response with a short text body; the connection closes after it.</summary>
    public static HttpResponse Text(int status, string reasonPhrase, string body, params KeyValuePair<string, string>[] extraHeaders) =>
        Content(status, reasonPhrase, "text/plain; charset=utf-8", ByteString.FromString(body + "\n", Encoding.UTF8), extraHeaders);

    public static HttpResponse Content(int status, string reasonPhrase, string contentType, ByteString body,
        params KeyValuePair<string, string>[] extraHeaders)
    {
        var headers = new List<KeyValuePair<string, string>>(extraHeaders.Length + 4)
        {
            new("Content-Type", contentType),
            new("Content-Length", body.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new("Cache-Control", "no-store"),
            new("Connection", "close"),
        };
        headers.AddRange(extraHeaders);
        return new HttpResponse(status, reasonPhrase, headers, body);
    }

    /// <summary>HEAD gets the same head without the body (RFC 9110 §9.3.2).</summary>
    public HttpResponse WithoutBody() => this with { Body = ByteString.Empty };

    public ByteString Render()
    {
        var head = new StringBuilder(128);
        head.Append("HTTP/1.1 ").Append(Status).Append(' ').Append(ReasonPhrase).Append("\r\n");
        foreach (var header in Headers) head.Append(header.Key).Append(": ").Append(header.Value).Append("\r\n");
        head.Append("\r\n");
        var bytes = ByteString.FromString(head.ToString(), Encoding.Latin1);
        return Body.IsEmpty ? bytes : bytes.Concat(Body);
    }
}

namespace ActorWss.Configuration;

/// <summary>The HTTP phase of a connection (HOCON <c>actorwss.http</c>).</summary>
/// <param name="HandshakeTimeout">A complete request head must arrive within this time, else the connection is dropped.</param>
/// <param name="MaxHeadBytes">Request heads larger than this get 431.</param>
/// <param name="LingerTimeout">After an HTTP answer, how long to read and discard input while the client closes.</param>
/// <param name="AllowedOrigins">Empty: any Origin. Otherwise the origins allowed to open WebSockets ("*": all); others get 403.</param>
/// <param name="BrowserPage">Serve the test page at GET /.</param>
internal sealed record HttpSettings(TimeSpan HandshakeTimeout, int MaxHeadBytes, TimeSpan LingerTimeout, IReadOnlyList<string> AllowedOrigins,
    bool BrowserPage = true)
{
    public static HttpSettings Default { get; } = new(TimeSpan.FromSeconds(10), 8 * 1024, TimeSpan.FromSeconds(2), []);
}

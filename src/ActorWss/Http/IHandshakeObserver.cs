namespace ActorWss.Http;

/// <summary>
/// Sees how the HTTP phase of a connection ended (metrics), once per connection and before the answer is written, so a
/// client that has read its 101 or 4xx can already see it counted. Called on the connection's stream thread.
/// </summary>
internal interface IHandshakeObserver
{
    void OnHandshake(HandshakeOutcome outcome);

    /// <summary>A route's authenticator refused a client; <paramref name="reason"/> is its short label ("expired", ...).</summary>
    void OnAuthenticationRejected(string route, string reason);
}

using System.Security.Claims;

namespace ActorWss.Auth;

/// <summary>What an <see cref="IWebSocketAuthenticator"/> decided.</summary>
public abstract class AuthenticationResult
{
    private protected AuthenticationResult()
    {
    }

    /// <summary>
    /// Let the client in as <paramref name="user"/>. <paramref name="subprotocol"/> overrides the route's choice (it
    /// must be one the client offered). At <paramref name="expires"/> (a token's expiry) the connection is closed
    /// with 1008.
    /// </summary>
    public static AuthenticationResult Accept(ClaimsPrincipal user, string? subprotocol = null, DateTimeOffset? expires = null)
    {
        ArgumentNullException.ThrowIfNull(user);
        return new Accepted(user, subprotocol, expires);
    }

    /// <summary>
    /// Refuse with <paramref name="status"/> (400, 401 or 403) and a short text body. <paramref name="reason"/> is a
    /// short fixed word (e.g. "expired", "bad-signature"): it labels the rejection counter and the log line.
    /// </summary>
    public static AuthenticationResult Reject(int status, string reason, string? body = null)
    {
        ArgumentNullException.ThrowIfNull(reason);
        if (status is not (400 or 401 or 403)) throw new ArgumentOutOfRangeException(nameof(status), status, "400, 401 or 403");
        return new Rejected(status, reason, body ?? reason);
    }

    internal sealed class Accepted(ClaimsPrincipal user, string? subprotocol, DateTimeOffset? expires) : AuthenticationResult
    {
        public ClaimsPrincipal User { get; } = user;
        public string? Subprotocol { get; } = subprotocol;
        public DateTimeOffset? Expires { get; } = expires;
    }

    internal sealed class Rejected(int status, string reason, string body) : AuthenticationResult
    {
        public int Status { get; } = status;
        public string Reason { get; } = reason;
        public string Body { get; } = body;
    }
}

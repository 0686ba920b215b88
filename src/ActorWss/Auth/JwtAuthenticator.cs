using System.Security.Claims;
using ActorWss.Connections;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ActorWss.Auth;

/// <summary>
/// Signed JSON Web Tokens (RFC 7519) with an HMAC key: the token comes in the query (<c>?access_token=</c>) or as an
/// offered subprotocol (<c>bearer.TOKEN</c>). A missing token gets 401 "missing-token"; a bad one 401 (reasons
/// "expired", "not-yet-valid", "bad-signature", "bad-issuer", "bad-audience", "malformed"). The connection is closed
/// with 1008 when the token expires. <c>exp</c> is required.
/// </summary>
public sealed class JwtAuthenticator : IWebSocketAuthenticator
{
    /// <summary>HMAC keys shorter than this are refused (RFC 7518 §3.2: a key of the hash's size or larger).</summary>
    public const int MinimumKeyBytes = 32;

    private readonly JwtAuthenticatorOptions _options;
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly TokenValidationParameters _parameters;

    public JwtAuthenticator(JwtAuthenticatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.SigningKey is null || options.SigningKey.Length < MinimumKeyBytes)
            throw new ArgumentException($"the signing key must be at least {MinimumKeyBytes} bytes", nameof(options));
        _options = options;
        _parameters = new TokenValidationParameters
        {
            IssuerSigningKey = new SymmetricSecurityKey(options.SigningKey),
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256, SecurityAlgorithms.HmacSha384, SecurityAlgorithms.HmacSha512],
            ValidateIssuerSigningKey = true,
            ValidateIssuer = options.Issuer is not null,
            ValidIssuer = options.Issuer,
            ValidateAudience = options.Audience is not null,
            ValidAudience = options.Audience,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ClockSkew = options.ClockSkew,
            NameClaimType = options.NameClaim,
        };
    }

    public async ValueTask<AuthenticationResult> AuthenticateAsync(WebSocketRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var token = FindToken(request);
        if (token is null) return AuthenticationResult.Reject(401, "missing-token", "a token is required");

        var result = await _handler.ValidateTokenAsync(token, _parameters).WaitAsync(cancellationToken);
        if (!result.IsValid) return AuthenticationResult.Reject(401, RejectionReason(result.Exception), "invalid token");

        var identity = result.ClaimsIdentity;
        if (string.IsNullOrEmpty(identity.Name))
            return AuthenticationResult.Reject(401, "no-name", $"the token has no '{_options.NameClaim}' claim");
        var expires = result.SecurityToken is JsonWebToken jwt ? new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero) : (DateTimeOffset?)null;
        return AuthenticationResult.Accept(new ClaimsPrincipal(identity), expires: expires);
    }

    private string? FindToken(WebSocketRequest request)
    {
        var fromQuery = request.GetQueryParameter(_options.QueryParameter);
        if (!string.IsNullOrEmpty(fromQuery)) return fromQuery;
        foreach (var offered in request.OfferedSubprotocols)
            if (offered.Length > _options.SubprotocolPrefix.Length && offered.StartsWith(_options.SubprotocolPrefix, StringComparison.Ordinal))
                return offered[_options.SubprotocolPrefix.Length..];
        return null;
    }

    /// <summary>A short, fixed label per failure class: rejections are counted by it.</summary>
    private static string RejectionReason(Exception? failure) => failure switch
    {
        SecurityTokenExpiredException => "expired",
        SecurityTokenNotYetValidException => "not-yet-valid",
        SecurityTokenNoExpirationException => "no-expiry",
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "bad-signature",
        SecurityTokenInvalidAlgorithmException => "bad-algorithm",
        SecurityTokenInvalidIssuerException => "bad-issuer",
        SecurityTokenInvalidAudienceException => "bad-audience",
        _ => "malformed",
    };

    /// <summary>
    /// A token for <paramref name="user"/> signed with <paramref name="signingKey"/> (HS256), valid until
    /// <paramref name="expires"/>: for tests, tools and development. A real deployment gets its tokens from its
    /// identity provider.
    /// </summary>
    public static string CreateToken(byte[] signingKey, string user, DateTimeOffset expires, string? issuer = null, string? audience = null)
    {
        ArgumentNullException.ThrowIfNull(signingKey);
        ArgumentNullException.ThrowIfNull(user);
        var descriptor = new SecurityTokenDescriptor
        {
            Claims = new Dictionary<string, object> { ["sub"] = user },
            Expires = expires.UtcDateTime,
            NotBefore = expires.UtcDateTime < DateTime.UtcNow ? expires.UtcDateTime.AddMinutes(-5) : DateTime.UtcNow.AddSeconds(-1),
            IssuedAt = expires.UtcDateTime < DateTime.UtcNow ? expires.UtcDateTime.AddMinutes(-5) : DateTime.UtcNow.AddSeconds(-1),
            Issuer = issuer,
            Audience = audience,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(signingKey), SecurityAlgorithms.HmacSha256),
        };
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }
}

namespace ActorWss.Http;

/// <summary>The <c>Cookie</c> request header (RFC 6265 §4.2.1, §5.4): <c>name=value</c> pairs separated by <c>;</c>.</summary>
internal static class CookieHeader
{
    public static IReadOnlyDictionary<string, string> Parse(HttpRequest request)
    {
        var cookies = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var header in request.Headers)
        {
            if (!string.Equals(header.Key, "Cookie", StringComparison.OrdinalIgnoreCase)) continue;
            foreach (var pair in header.Value.Split(';'))
            {
                int eq = pair.IndexOf('=');
                if (eq <= 0) continue;
                var name = pair[..eq].Trim();
                var value = pair[(eq + 1)..].Trim();
                if (value.Length >= 2 && value[0] == '"' && value[^1] == '"') value = value[1..^1]; // §4.1.1: DQUOTE *cookie-octet DQUOTE
                if (name.Length > 0) cookies.TryAdd(name, value);
            }
        }
        return cookies;
    }
}

namespace ActorWss.Http;

/// <summary>A parsed HTTP/1.1 request head (RFC 9112 §2-§5). Header names compare case-insensitively.</summary>
internal sealed class HttpRequest(string method, string target, string version, IReadOnlyList<KeyValuePair<string, string>> headers)
{
    public string Method { get; } = method;

    /// <summary>The request-target as sent (origin-form "/path?query", or absolute-form).</summary>
    public string Target { get; } = target;

    /// <summary>"HTTP/1.1", "HTTP/1.0".</summary>
    public string Version { get; } = version;

    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; } = headers;

    /// <summary>The path of the target, without query; for absolute-form the path after the authority.</summary>
    public string Path
    {
        get
        {
            var target = Target;
            if (!target.StartsWith('/'))
            {
                int scheme = target.IndexOf("://", StringComparison.Ordinal);
                int slash = scheme < 0 ? -1 : target.IndexOf('/', scheme + 3);
                target = slash < 0 ? "/" : target[slash..];
            }
            int query = target.IndexOf('?');
            return query < 0 ? target : target[..query];
        }
    }

    public int Count(string name)
    {
        int n = 0;
        foreach (var header in Headers)
            if (string.Equals(header.Key, name, StringComparison.OrdinalIgnoreCase)) n++;
        return n;
    }

    /// <summary>The value of the only field with this name; null when absent or repeated.</summary>
    public string? Single(string name)
    {
        string? found = null;
        foreach (var header in Headers)
        {
            if (!string.Equals(header.Key, name, StringComparison.OrdinalIgnoreCase)) continue;
            if (found is not null) return null;
            found = header.Value;
        }
        return found;
    }

    /// <summary>
    /// The elements of a comma-separated list field, across all fields with that name (RFC 9110 §5.3, §5.6.1),
    /// trimmed, empty elements dropped.
    /// </summary>
    public IEnumerable<string> ListElements(string name)
    {
        foreach (var header in Headers)
        {
            if (!string.Equals(header.Key, name, StringComparison.OrdinalIgnoreCase)) continue;
            foreach (var element in header.Value.Split(','))
            {
                var trimmed = element.Trim(' ', '\t');
                if (trimmed.Length > 0) yield return trimmed;
            }
        }
    }

    public bool HasToken(string name, string token)
    {
        foreach (var element in ListElements(name))
            if (string.Equals(element, token, StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }

    /// <summary>The request-line for logs, with any control characters escaped (the parser refuses them; other sources may not).</summary>
    public override string ToString() => PrintableText.Escape($"{Method} {Target} {Version}");
}

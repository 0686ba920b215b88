namespace ActorWss.Http;

/// <summary>
/// RFC 7692 §5 and §7.1: picks the first permessage-deflate offer in <c>Sec-WebSocket-Extensions</c> (RFC 6455
/// §9.1) that this server can accept, and words the response. The server always answers with
/// server_no_context_takeover and client_no_context_takeover (§7.1.1.1, §7.1.1.2: allowed whatever the offer said),
/// so neither side keeps a compression context between messages. Pure: tested directly.
/// </summary>
internal static class PerMessageDeflateNegotiation
{
    public const string ExtensionName = "permessage-deflate";

    /// <summary>The <c>Sec-WebSocket-Extensions</c> value of the 101, or null when no offer can be accepted (or none was made).</summary>
    public static string? Negotiate(HttpRequest request)
    {
        foreach (var element in request.ListElements("Sec-WebSocket-Extensions"))
            if (Accept(element) is { } response) return response;
        return null;
    }

    /// <summary>The response to one offer (<c>name *(; param[=value])</c>), or null to decline it.</summary>
    internal static string? Accept(string offer)
    {
        var parts = offer.Split(';');
        if (!string.Equals(parts[0].Trim(' ', '\t'), ExtensionName, StringComparison.OrdinalIgnoreCase)) return null;

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        bool serverWindowBitsOffered = false;
        foreach (var raw in parts.AsSpan(1))
        {
            var (name, value) = SplitParameter(raw);
            // §7.1: "multiple extension parameters with the same name" → decline.
            if (name.Length == 0 || !seen.Add(name)) return null;
            switch (name.ToLowerInvariant())
            {
                case "server_no_context_takeover":
                case "client_no_context_takeover":
                    if (value is not null) return null; // §7.1.1: these have no value
                    break;
                case "server_max_window_bits":
                    // §7.1.2.1: a value is required. DEFLATE here always uses a 32 KiB window (.NET's DeflateStream
                    // does not take window bits), so only 15 can be honoured; a smaller window is declined.
                    if (WindowBits(value) is not { } bits || bits != 15) return null;
                    serverWindowBitsOffered = true;
                    break;
                case "client_max_window_bits":
                    // §7.1.2.2: optional value; any window the client uses, our 32 KiB inflater reads.
                    if (value is not null && WindowBits(value) is null) return null;
                    break;
                default:
                    return null; // §7.1: a parameter not defined for an offer → decline
            }
        }
        return serverWindowBitsOffered
            ? ExtensionName + "; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=15"
            : ExtensionName + "; server_no_context_takeover; client_no_context_takeover";
    }

    private static (string Name, string? Value) SplitParameter(string raw)
    {
        int equals = raw.IndexOf('=');
        if (equals < 0) return (raw.Trim(' ', '\t'), null);
        var name = raw[..equals].Trim(' ', '\t');
        var value = raw[(equals + 1)..].Trim(' ', '\t');
        // RFC 6455 §9.1: a value may be a quoted-string whose unescaped content is a token.
        if (value.Length >= 2 && value[0] == '"' && value[^1] == '"') value = value[1..^1].Replace("\\", "");
        return (name, value);
    }

    /// <summary>§7.1.2: 8 to 15, in decimal without leading zeros.</summary>
    private static int? WindowBits(string? value) => value switch
    {
        "8" or "9" => value[0] - '0',
        "10" or "11" or "12" or "13" or "14" or "15" => 10 + (value[1] - '0'),
        _ => null,
    };
}

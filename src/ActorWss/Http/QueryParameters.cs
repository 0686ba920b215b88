namespace ActorWss.Http;

/// <summary>Parses <c>application/x-www-form-urlencoded</c> query strings (WHATWG URL §5.1): <c>+</c> is a space, <c>%XX</c> a byte of UTF-8.</summary>
internal static class QueryParameters
{
    public static IReadOnlyDictionary<string, string> Parse(string query)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = pair.IndexOf('=');
            var name = Decode(eq < 0 ? pair : pair[..eq]);
            var value = eq < 0 ? "" : Decode(pair[(eq + 1)..]);
            parameters.TryAdd(name, value);
        }
        return parameters;
    }

    private static string Decode(string encoded) => Uri.UnescapeDataString(encoded.Replace('+', ' '));
}

namespace ActorWss.Connections;

/// <summary>
/// Connection ids: a random tag per node (actor system) and a counter, e.g. <c>k3f9x2-17</c>. Unique within the node,
/// and across restarts and nodes with overwhelming probability (the tag has 30 random bits); the tag says which node
/// holds the connection (send-by-id across a cluster).
/// </summary>
internal sealed class ConnectionIds
{
    private long _next;

    public string NodeTag { get; } = MakeTag();

    public string Next() => $"{NodeTag}-{Interlocked.Increment(ref _next)}";

    /// <summary>The tag of an id made by <see cref="Next"/>; null for anything else.</summary>
    public static string? TagOf(string id)
    {
        int dash = id.IndexOf('-');
        return dash == 6 ? id[..dash] : null;
    }

    private static string MakeTag()
    {
        const string alphabet = "abcdefghijkmnpqrstuvwxyz23456789"; // 32 symbols, none that reads like another
        Span<char> tag = stackalloc char[6];
        for (int i = 0; i < tag.Length; i++) tag[i] = alphabet[System.Security.Cryptography.RandomNumberGenerator.GetInt32(alphabet.Length)];
        return new string(tag);
    }
}

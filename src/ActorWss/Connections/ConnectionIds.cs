namespace ActorWss.Connections;

/// <summary>
/// Connection ids: a random tag per process and a counter, e.g. <c>k3f9x2-17</c>. Unique within the process, and
/// across restarts and nodes with overwhelming probability (the tag has 30 random bits).
/// </summary>
internal static class ConnectionIds
{
    private static readonly string Tag = MakeTag();
    private static long _next;

    public static string Next() => $"{Tag}-{Interlocked.Increment(ref _next)}";

    private static string MakeTag()
    {
        const string alphabet = "abcdefghijkmnpqrstuvwxyz23456789"; // 32 symbols, none that reads like another
        Span<char> tag = stackalloc char[6];
        for (int i = 0; i < tag.Length; i++) tag[i] = alphabet[System.Security.Cryptography.RandomNumberGenerator.GetInt32(alphabet.Length)];
        return new string(tag);
    }
}

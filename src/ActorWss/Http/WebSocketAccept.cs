using System.Security.Cryptography;
using System.Text;
using ActorWss.WebSocket;

namespace ActorWss.Http;

/// <summary>RFC 6455 §4.2.2 item 5.4: the Sec-WebSocket-Accept value for a client's Sec-WebSocket-Key.</summary>
internal static class WebSocketAccept
{
    public static string Compute(string key)
    {
        Span<byte> hash = stackalloc byte[SHA1.HashSizeInBytes];
        SHA1.HashData(Encoding.ASCII.GetBytes(key + Protocol.AcceptGuid), hash);
        return Convert.ToBase64String(hash);
    }

    /// <summary>§4.1 item 7 / §4.2.1 item 5: the key must be base64 of exactly 16 bytes.</summary>
    public static bool IsValidKey(string? key)
    {
        if (key is null || key.Length != 24) return false;
        Span<byte> decoded = stackalloc byte[18];
        return Convert.TryFromBase64String(key, decoded, out int written) && written == Protocol.KeyNonceLength;
    }
}

using System.Text.RegularExpressions;

namespace ActorWss.Configuration;

/// <summary>
/// The names an SNI certificate may be configured for: a DNS host name (RFC 6066 §3: never an IP address literal),
/// or a wildcard <c>*.</c> followed by one (RFC 6125 §6.4.3: the wildcard stands for exactly one label).
/// </summary>
internal static partial class SniNames
{
    public static bool IsValid(string name) =>
        name.Length <= 253 && HostName().IsMatch(name) && !System.Net.IPAddress.TryParse(name, out _);

    [GeneratedRegex(@"^(\*\.)?([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$")]
    private static partial Regex HostName();
}

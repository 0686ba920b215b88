namespace ActorWss.Configuration;

public enum TransportKind
{
    /// <summary>Akka.Streams <c>TcpStream()</c> over Akka.IO.</summary>
    AkkaStreamsTcp,
}

/// <summary>The TCP layer under every listener (HOCON <c>actorwss.transport</c>).</summary>
/// <param name="Kind">Which implementation carries the bytes.</param>
/// <param name="WriteCoalesceBytes">
/// Outbound bytes produced while a socket write is in flight are merged into the next write, up to this many bytes.
/// </param>
public sealed record TransportSettings(TransportKind Kind, int WriteCoalesceBytes)
{
    public static TransportSettings Default { get; } = new(TransportKind.AkkaStreamsTcp, 64 * 1024);
}

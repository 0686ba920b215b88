namespace ActorWss.WebSocket;

/// <summary>§7.4.1 status codes, as this server sends and checks them.</summary>
public static class CloseStatus
{
    public const ushort Normal = 1000;
    public const ushort GoingAway = 1001;
    public const ushort ProtocolError = 1002;
    public const ushort UnsupportedData = 1003;
    /// <summary>Never on the wire (§7.4.1): the Close frame had no status code.</summary>
    public const ushort NoStatusReceived = 1005;
    /// <summary>Never on the wire (§7.4.1): the connection closed without a Close frame.</summary>
    public const ushort Abnormal = 1006;
    public const ushort InvalidPayload = 1007;
    public const ushort PolicyViolation = 1008;
    public const ushort MessageTooBig = 1009;
    public const ushort MandatoryExtension = 1010;
    public const ushort InternalError = 1011;
    /// <summary>IANA registry: the server is restarting; the client may reconnect (to another node).</summary>
    public const ushort ServiceRestart = 1012;
    /// <summary>IANA registry: a temporary condition (e.g. overload, a client that cannot keep up); try again later.</summary>
    public const ushort TryAgainLater = 1013;

    /// <summary>
    /// §7.4.1-§7.4.2: may this code appear in a Close frame received from a peer? 1004-1006 and 1015 are reserved
    /// and never sent; 1012-1014 are registered with IANA since (service restart, try again later, bad gateway);
    /// 3000-4999 belong to libraries and applications; everything else is invalid.
    /// </summary>
    internal static bool IsValidOnWire(ushort code) => code switch
    {
        >= 1000 and <= 1003 => true,
        >= 1007 and <= 1014 => true,
        >= 3000 and <= 4999 => true,
        _ => false,
    };
}

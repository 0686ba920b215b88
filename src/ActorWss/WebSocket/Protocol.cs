namespace ActorWss.WebSocket;

/// <summary>The numbers of RFC 6455 in one place; the sections cited are where each is defined.</summary>
internal static class Protocol
{
    /// <summary>§1.3: appended to Sec-WebSocket-Key before hashing into Sec-WebSocket-Accept.</summary>
    public const string AcceptGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    /// <summary>§4.1, §4.4: the only version this server speaks.</summary>
    public const string Version = "13";

    /// <summary>§5.5: control frames carry at most 125 bytes of payload.</summary>
    public const int MaxControlPayloadLength = 125;

    /// <summary>§5.2: 2 fixed bytes + 8 bytes of extended length + 4 bytes of masking key.</summary>
    public const int MaxHeaderLength = 14;

    /// <summary>§4.1: the client's nonce is 16 random bytes, base64-encoded.</summary>
    public const int KeyNonceLength = 16;
}

/// <summary>§5.2 opcodes. 0x3-0x7 and 0xB-0xF are reserved and fail the connection.</summary>
internal enum Opcode : byte
{
    Continuation = 0x0,
    Text = 0x1,
    Binary = 0x2,
    Close = 0x8,
    Ping = 0x9,
    Pong = 0xA,
}

internal static class OpcodeExtensions
{
    public static bool IsControl(this Opcode opcode) => ((byte)opcode & 0x8) != 0;

    public static bool IsDefined(this Opcode opcode) => opcode is Opcode.Continuation or Opcode.Text or Opcode.Binary
        or Opcode.Close or Opcode.Ping or Opcode.Pong;
}

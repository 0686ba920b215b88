namespace ActorWss.Handlers;

/// <summary>Maps the configured handler name (<c>actorwss.handler</c>) to its implementation.</summary>
internal static class MessageHandlers
{
    public static IMessageHandler Resolve(string name) => name switch
    {
        "echo" => EchoHandler.Instance,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown handler"),
    };
}

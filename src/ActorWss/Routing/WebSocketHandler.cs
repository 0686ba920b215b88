using ActorWss.Connections;
using ActorWss.WebSocket;
using Akka;
using Akka.Actor;
using Akka.Streams.Dsl;

namespace ActorWss.Routing;

/// <summary>
/// What serves the connections of a route, in one of two shapes: a <see cref="Flow{TIn,TOut,TMat}"/> from the
/// client's messages to the messages to send (Akka HTTP's <c>handleWebSocketMessages</c>), materialized once per
/// connection inside the connection's own stream; or a connection actor (<see cref="WebSocketActor"/>), one per
/// connection. Register it by name (<c>AddHandler</c>) and point routes at it from HOCON, or map it in code.
/// </summary>
public abstract class WebSocketHandler
{
    private protected WebSocketHandler()
    {
    }

    /// <summary>Sends every message back unchanged (the built-in <c>echo</c>).</summary>
    public static WebSocketHandler Echo { get; } = new EchoHandler();

    /// <summary>
    /// A flow per connection. Back-pressure holds through it: while it does not pull, the client's messages are not
    /// read. Completing its output closes the connection with 1000, failing it with 1011.
    /// </summary>
    public static WebSocketHandler FromFlow(Func<ConnectionInfo, Flow<Message, Message, NotUsed>> create)
    {
        ArgumentNullException.ThrowIfNull(create);
        return new FlowHandler(create);
    }

    /// <summary>The same flow for every connection (materialized once per connection).</summary>
    public static WebSocketHandler FromFlow(Flow<Message, Message, NotUsed> flow)
    {
        ArgumentNullException.ThrowIfNull(flow);
        return new FlowHandler(_ => flow);
    }

    /// <summary>A connection actor of type <typeparamref name="TActor"/> per connection.</summary>
    public static WebSocketHandler FromActor<TActor>() where TActor : WebSocketActor, new() =>
        new ActorHandler(_ => Props.Create<TActor>(), typeof(TActor));

    /// <summary>
    /// A connection actor per connection, made from <paramref name="props"/> (which can use the connection's
    /// request, user and id, and dependency injection). Its type must derive from <see cref="WebSocketActor"/>.
    /// </summary>
    public static WebSocketHandler FromActor(Func<ConnectionInfo, Props> props)
    {
        ArgumentNullException.ThrowIfNull(props);
        return new ActorHandler(props, null);
    }
}

/// <summary>The identity: the handler stage sends each message back itself, with no stage or actor in between.</summary>
internal sealed class EchoHandler : WebSocketHandler;

internal sealed class FlowHandler(Func<ConnectionInfo, Flow<Message, Message, NotUsed>> create) : WebSocketHandler
{
    public Flow<Message, Message, NotUsed> Create(ConnectionInfo info) => create(info);
}

internal sealed class ActorHandler(Func<ConnectionInfo, Props> props, Type? actorType) : WebSocketHandler
{
    public Type? ActorType { get; } = actorType;

    public Props CreateProps(ConnectionInfo info)
    {
        var created = props(info) ?? throw new InvalidOperationException("the props factory returned null");
        if (!typeof(WebSocketActor).IsAssignableFrom(created.Type))
            throw new InvalidOperationException($"{created.Type} is not a WebSocketActor: connection actors derive from ActorWss.Connections.WebSocketActor");
        return created;
    }
}

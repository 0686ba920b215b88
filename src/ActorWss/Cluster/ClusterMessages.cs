using ActorWss.WebSocket;
using Akka.Actor;

namespace ActorWss.Cluster;

/// <summary>The messages ActorWss sends between nodes; <see cref="ClusterMessageSerializer"/> writes them.</summary>
internal interface IClusterMessage;

/// <summary>A topic message for the subscribers on the receiving node. <paramref name="Origin"/>: the node that published it (it delivered there itself).</summary>
internal sealed record TopicDelivery(string Topic, Message Message, IActorRef? Except, string Origin) : IClusterMessage;

/// <summary>A message for every connection of a user on the receiving node.</summary>
internal sealed record UserDelivery(string User, Message Message, string Origin) : IClusterMessage;

/// <summary>A message, or a close (<paramref name="Message"/> null), for one connection of the receiving node, by id.</summary>
internal sealed record ConnectionDelivery(string ConnectionId, Message? Message, ushort CloseCode, string CloseReason) : IClusterMessage;

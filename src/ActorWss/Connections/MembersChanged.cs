namespace ActorWss.Connections;

/// <summary>
/// Who is present in a topic now (<see cref="Connections.WebSocketHub.WatchMembers"/>): every name subscribed to it with a
/// presence name, on every node, sorted; and what changed since the last notice. The first notice a watcher gets lists
/// everybody as joined.
/// </summary>
public sealed record MembersChanged(string Topic, IReadOnlyList<string> Members, IReadOnlyList<string> Joined, IReadOnlyList<string> Left);

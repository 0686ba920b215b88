namespace ActorWss.Configuration;

/// <summary>Clustering (HOCON <c>actorwss.cluster</c>): whether the hub spans an Akka.Cluster, and how this node joins one.</summary>
/// <param name="Enabled">Topics, send-to-user, send-by-id and presence across the cluster's nodes.</param>
/// <param name="Host">The address remoting binds (0.0.0.0 in a container).</param>
/// <param name="PublicHost">The address other nodes reach this one at; null: <paramref name="Host"/>.</param>
/// <param name="Port">The remoting port; 0 picks a free one.</param>
/// <param name="SeedNodes">Addresses of nodes to join, e.g. <c>akka.tcp://actorwss@node1:4053</c>.</param>
/// <param name="Roles">This node's cluster roles.</param>
internal sealed record ClusterSettings(bool Enabled, string Host, string? PublicHost, int Port, IReadOnlyList<string> SeedNodes,
    IReadOnlyList<string> Roles)
{
    public static ClusterSettings Off { get; } = new(false, "127.0.0.1", null, 0, [], []);
}

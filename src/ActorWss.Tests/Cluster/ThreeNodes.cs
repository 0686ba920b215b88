using ActorWss.Hosting;
using ActorWss.Tests.Support;
using Akka.Cluster;

namespace ActorWss.Tests.Cluster;

/// <summary>Three nodes in one process, formed into a cluster (all Up) before the tests start.</summary>
public class ThreeNodes : IAsyncLifetime
{
    private readonly List<ClusterNode> _nodes = [];

    internal IReadOnlyList<ClusterNode> Nodes => _nodes;

    internal virtual bool Crashable => false;

    internal virtual Action<ActorWssBuilder>? Configure => null;

    internal virtual string[] Overrides => [];

    public async Task InitializeAsync()
    {
        var ports = Enumerable.Range(0, 3).Select(_ => ClusterNode.FreePort()).ToArray();
        foreach (var port in ports) _nodes.Add(await ClusterNode.StartAsync(port, ports[0], Configure, Crashable, Overrides));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!_nodes.All(n => Akka.Cluster.Cluster.Get(n.System).State.Members.Count(m => m.Status == MemberStatus.Up) == 3))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the three nodes did not form a cluster within 60 s");
            await Task.Delay(100);
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var node in _nodes) await node.DisposeAsync();
    }
}

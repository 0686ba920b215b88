using ActorWss.Configuration;
using Akka.Cluster.Hosting;
using Akka.Cluster.Hosting.SBR;
using Akka.Hosting;
using Akka.Remote.Hosting;

namespace ActorWss.Hosting;

/// <summary>How the ready-made server joins a cluster from <c>actorwss.cluster</c>.</summary>
internal static class ActorWssClustering
{
    /// <summary>
    /// Akka.Cluster for <c>actorwss.cluster.enabled = on</c>, with Akka.Cluster.Hosting: remoting on the configured address,
    /// the seed nodes and roles, keep-majority split-brain resolution, DistributedPubSub on every node.
    /// </summary>
    public static AkkaConfigurationBuilder AddActorWssClustering(this AkkaConfigurationBuilder akka, ClusterSettings cluster) => akka
        .WithRemoting(new RemoteOptions { HostName = cluster.Host, Port = cluster.Port, PublicHostName = cluster.PublicHost })
        .WithClustering(new ClusterOptions
        {
            SeedNodes = [.. cluster.SeedNodes],
            Roles = [.. cluster.Roles],
            SplitBrainResolver = new KeepMajorityOption(),
        })
        .WithDistributedPubSub("");
}

using System.Net.Http;
using ActorWss.Connections;
using ActorWss.Hosting;
using ActorWss.Samples.Chat;
using ActorWss.Tests.Support;
using Akka.Cluster;

namespace ActorWss.Tests.Cluster;

/// <summary>Three chat nodes whose actor systems can be stopped without leaving (a crash, as the other nodes see it).</summary>
public sealed class CrashableChatCluster : ThreeNodes
{
    internal override bool Crashable => true;

    internal override Action<ActorWssBuilder> Configure => ws => ws.AddChat();
}

/// <summary>
/// A node stops abruptly: the others find it unreachable, down it (keep-majority), its members leave presence, and the
/// room keeps flowing between the nodes that remain.
/// </summary>
public sealed class NodeLossScenarios(CrashableChatCluster cluster) : IClassFixture<CrashableChatCluster>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_crashed_node_is_downed_its_members_vanish_and_the_room_keeps_flowing()
    {
        var (one, two, three) = (cluster.Nodes[0], cluster.Nodes[1], cluster.Nodes[2]);
        using var ann = await ChatClient.JoinAsync(one.Url, "lossy", "ann", members: true);
        using var bo = await ChatClient.JoinAsync(two.Url, "lossy", "bo");
        using var cy = await ChatClient.JoinAsync(three.Url, "lossy", "cy");
        await ann.AwaitMembersAsync(["ann", "bo", "cy"], Timeout);

        await three.CrashAsync();

        await ann.AwaitMembersAsync(["ann", "bo"], Timeout);
        foreach (var survivor in new[] { one, two })
            Assert.Equal(2, Akka.Cluster.Cluster.Get(survivor.System).State.Members.Count(m => m.Status == MemberStatus.Up));
        Assert.Equal(["ann", "bo"], await WebSocketHub.Get(two.System).GetMembersAsync(ChatConnection.Topic("lossy")));
        // The room still works between the two that are left: bo's next line reaches ann (probing past gossip is not
        // needed: both were subscribed long before the crash).
        await bo.SayAsync("still here");
        Assert.Equal(("lossy", "bo", "still here"), await ann.NextLineAsync(Timeout));
    }
}

using ActorWss.Topics;
using Akka.Actor;
using Akka.Cluster;
using Akka.DistributedData;
using Akka.Event;

namespace ActorWss.Cluster;

/// <summary>
/// Presence across the cluster, on Akka.DistributedData: one ORSet per topic of "node, name" entries. Each node adds and
/// removes its own entries as names become present or absent locally, and follows the topics it has watchers for;
/// when a node is removed from the cluster (it left, or was downed after a crash) the others remove its entries.
/// </summary>
internal sealed class PresenceReplicator : ReceiveActor
{
    public sealed record LocalChange(string Topic, string Name, bool Present);

    public sealed record Follow(string Topic, bool On);

    public sealed record GetMembers(string Topic);

    private const string KeyPrefix = "actorwss.presence.";
    private static readonly TimeSpan WriteTimeout = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(3);

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly PresenceRegistry _presence;
    private readonly IActorRef _replicator;
    private readonly Akka.Cluster.Cluster _cluster;
    private readonly string _self;

    public PresenceReplicator(PresenceRegistry presence)
    {
        _presence = presence;
        _cluster = Akka.Cluster.Cluster.Get(Context.System);
        _replicator = DistributedData.Get(Context.System).Replicator;
        _self = _cluster.SelfUniqueAddress.ToString();

        Receive<LocalChange>(change => _replicator.Tell(Dsl.Update(Key(change.Topic), ORSet<string>.Empty, new WriteMajority(WriteTimeout),
            set => change.Present ? set.Add(_cluster.SelfUniqueAddress, Entry(_self, change.Name)) : set.Remove(_cluster.SelfUniqueAddress, Entry(_self, change.Name)))));
        Receive<Follow>(follow => _replicator.Tell(follow.On ? Dsl.Subscribe(Key(follow.Topic), Self) : Dsl.Unsubscribe(Key(follow.Topic), Self)));
        Receive<Changed>(changed =>
        {
            if (changed.Key is ORSetKey<string> key && key.Id.StartsWith(KeyPrefix, StringComparison.Ordinal))
                _presence.Tell(key.Id[KeyPrefix.Length..], Names(changed.Get(key)));
        });
        // Entries are written to a majority, so a majority read sees every name any node has seen (a name present on
        // node A may not have reached node B's replica yet). Without a majority in time, this node's replica answers.
        Receive<GetMembers>(get =>
        {
            var replyTo = Sender;
            var key = Key(get.Topic);
            _replicator.Ask<IGetResponse>(Dsl.Get(key, new ReadMajority(ReadTimeout)), ReadTimeout + ReadTimeout)
                .ContinueWith(t => t.IsCompletedSuccessfully && t.Result is GetSuccess or NotFound
                    ? t
                    : _replicator.Ask<IGetResponse>(Dsl.Get(key, ReadLocal.Instance), ReadTimeout), TaskContinuationOptions.ExecuteSynchronously)
                .Unwrap()
                .ContinueWith(t => replyTo.Tell(t.IsCompletedSuccessfully && t.Result is GetSuccess success ? Names(success.Get(key)) : Array.Empty<string>()),
                    TaskContinuationOptions.ExecuteSynchronously);
        });
        // A removed node's entries are stale: it left, or crashed and was downed. Every node removes them (idempotent).
        Receive<ClusterEvent.MemberRemoved>(removed =>
        {
            var node = removed.Member.UniqueAddress.ToString();
            _replicator.Ask<GetKeysIdsResult>(Dsl.GetKeyIds, TimeSpan.FromSeconds(5))
                .PipeTo(Self, success: result => new Purge(node, [.. result.Keys.Where(k => k.StartsWith(KeyPrefix, StringComparison.Ordinal))]));
        });
        Receive<Purge>(purge =>
        {
            _log.Info("presence: removing the entries of {0} (removed from the cluster) from {1} topic(s)", purge.Node, purge.Keys.Count);
            var prefix = purge.Node + "\n";
            foreach (var id in purge.Keys)
                _replicator.Tell(Dsl.Update(new ORSetKey<string>(id), ORSet<string>.Empty, new WriteMajority(WriteTimeout), set =>
                    set.Elements.Where(e => e.StartsWith(prefix, StringComparison.Ordinal))
                        .Aggregate(set, (remaining, stale) => remaining.Remove(_cluster.SelfUniqueAddress, stale))));
        });
        Receive<UpdateSuccess>(_ => { });
        Receive<IUpdateFailure>(failure => _log.Debug("presence: {0} (replicated by gossip later)", failure));
        Receive<Status.Failure>(failure => _log.Warning("presence: {0}", failure.Cause.Message));
    }

    /// <summary>Remove the entries of <paramref name="Node"/> from these keys.</summary>
    private sealed record Purge(string Node, IReadOnlyList<string> Keys);

    protected override void PreStart() =>
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(ClusterEvent.MemberRemoved));

    protected override void PostStop() => _cluster.Unsubscribe(Self);

    private static ORSetKey<string> Key(string topic) => new(KeyPrefix + topic);

    private static string Entry(string node, string name) => node + "\n" + name;

    private static string[] Names(ORSet<string> entries) =>
        [.. entries.Elements.Select(e => e[(e.IndexOf('\n') + 1)..]).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    public static Props Props(PresenceRegistry presence) => Akka.Actor.Props.Create(() => new PresenceReplicator(presence));
}

using System.Net;
using System.Net.Sockets;
using ActorWss.Configuration;
using ActorWss.Hosting;
using ActorWss.Server;
using Akka.Actor;
using Akka.Configuration;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ActorWss.Tests.Support;

/// <summary>
/// One ActorWss node of an in-process cluster, hosted the way an application hosts it: Akka.Hosting with
/// <c>AddActorWss</c>, clustering from <c>actorwss.cluster</c> (Akka.Cluster.Hosting), remoting and a ws:// listener
/// on loopback.
/// </summary>
internal sealed class ClusterNode : IAsyncDisposable
{
    /// <summary>Faster failure detection and downing than production, so that tests of node loss take seconds.</summary>
    private const string TestClusterConfig = """
        akka.loglevel = WARNING
        akka.log-dead-letters = off
        akka.log-dead-letters-during-shutdown = off
        akka.cluster.failure-detector.heartbeat-interval = 500ms
        akka.cluster.failure-detector.acceptable-heartbeat-pause = 2s
        akka.cluster.split-brain-resolver.stable-after = 2s
        akka.cluster.pub-sub.gossip-interval = 200ms
        akka.cluster.distributed-data.gossip-interval = 300ms
        akka.remote.dot-netty.tcp.hostname = 127.0.0.1
        """;

    private readonly IHost _host;

    private ClusterNode(IHost host, ActorSystem system, ActorWssServer server, int remotingPort)
    {
        _host = host;
        System = system;
        Server = server;
        RemotingPort = remotingPort;
    }

    public ActorSystem System { get; }

    public ActorWssServer Server { get; }

    public int RemotingPort { get; }

    public Uri Url => Server.Listeners[0].Url;

    public static string Address(int port) => $"akka.tcp://actorwss@127.0.0.1:{port}";

    public static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    /// <param name="crashable">Terminating its actor system does not leave the cluster first (a crash, as the others see it).</param>
    public static async Task<ClusterNode> StartAsync(int remotingPort, int seedPort, Action<ActorWssBuilder>? configure = null,
        bool crashable = false, params string[] overrides)
    {
        var application = ActorWssBuilder.Empty;
        configure?.Invoke(application);
        var started = new TaskCompletionSource<ActorWssServer>(TaskCreationOptions.RunContinuationsAsynchronously);
        application.Started = started.SetResult;
        var config = ConfigLoader.ParseOverrides([
                "actorwss.listeners.ws.port=0", "actorwss.cluster.enabled=on", "actorwss.cluster.host=127.0.0.1",
                $"actorwss.cluster.port={remotingPort}", $"actorwss.cluster.seed-nodes={Address(seedPort)}", .. overrides])
            .WithFallback(ConfigurationFactory.ParseString(TestClusterConfig + (crashable
                ? "\nakka.coordinated-shutdown.run-by-actor-system-terminate = off\nakka.cluster.run-coordinated-shutdown-when-down = off"
                : "")));
        var settings = SettingsParser.Parse(config.WithFallback(application.Defaults));

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddAkka("actorwss", (akka, _) =>
        {
            akka.AddHocon(config, HoconAddMode.Prepend).AddActorWss(application);
            akka.AddActorWssClustering(settings.Cluster);
        });
        var host = builder.Build();
        await host.StartAsync().WaitAsync(TimeSpan.FromSeconds(60));
        var server = await started.Task.WaitAsync(TimeSpan.FromSeconds(60));
        return new ClusterNode(host, host.Services.GetRequiredService<ActorSystem>(), server, remotingPort);
    }

    /// <summary>Stops the node without leaving the cluster: the others see it become unreachable and down it.</summary>
    public Task CrashAsync() => System.Terminate();

    public async ValueTask DisposeAsync()
    {
        try { await _host.StopAsync().WaitAsync(TimeSpan.FromSeconds(30)); }
        catch (Exception) { /* a crashed node is already gone */ }
        _host.Dispose();
    }
}

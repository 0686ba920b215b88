using System.Net;
using ActorWss.Configuration;
using ActorWss.Connections;
using ActorWss.Hosting;
using ActorWss.Routing;
using ActorWss.Http;
using ActorWss.Metrics;
using ActorWss.Tls;
using ActorWss.Transport;
using ActorWss.WebSocket;
using Akka.Actor;
using Akka.Event;

namespace ActorWss.Server;

/// <summary>A listener that is bound and accepting.</summary>
internal sealed record BoundListener(string Name, string Scheme, IPEndPoint Endpoint, IActorRef Actor)
{
    /// <summary>A URL clients can use; a wildcard bind address is given as loopback.</summary>
    public Uri Url
    {
        get
        {
            var address = Endpoint.Address;
            if (address.Equals(IPAddress.Any)) address = IPAddress.Loopback;
            if (address.Equals(IPAddress.IPv6Any)) address = IPAddress.IPv6Loopback;
            var host = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
            return new Uri($"{Scheme}://{host}:{Endpoint.Port}/");
        }
    }
}

/// <summary>
/// The running server inside an <see cref="ActorSystem"/>: one <see cref="ListenerActor"/> per configured
/// listener. Used by the host (Program.cs), by tests and by the benchmark's in-process server.
/// </summary>
internal sealed class ActorWssServer
{
    private static readonly TimeSpan BindTimeout = TimeSpan.FromSeconds(30);

    private ActorWssServer(ServerSettings settings, IReadOnlyList<BoundListener> listeners, ServerMetrics metrics, ServerReadiness readiness)
    {
        Readiness = readiness;
        Settings = settings;
        Listeners = listeners;
        Metrics = metrics;
    }

    public ServerSettings Settings { get; }

    /// <summary>What <c>/readyz</c> answers.</summary>
    public ServerReadiness Readiness { get; }

    /// <summary>The counters behind GET /metrics and the ActorWss meter.</summary>
    public ServerMetrics Metrics { get; }

    public IReadOnlyList<BoundListener> Listeners { get; }

    public BoundListener this[string name] => Listeners.FirstOrDefault(l => l.Name == name)
        ?? throw new KeyNotFoundException($"no listener named '{name}'");

    /// <summary>
    /// Binds every listener; fails (and stops what did bind) if one cannot bind, or if a TLS listener has no usable
    /// certificate (<see cref="InvalidConfigurationException"/>). <paramref name="transport"/>: tests only (one that fails on cue).
    /// </summary>
    public static async Task<ActorWssServer> StartAsync(ActorSystem system, ServerSettings settings, ActorWssBuilder? application = null,
        IServerTransport? transport = null)
    {
        application ??= ActorWssBuilder.Empty;
        var routes = RouteResolver.Resolve(settings, application.Handlers, application.Authenticators);
        var compressing = routes.All.Where(route => route.PerMessageDeflate).Select(route => route.Name).ToList();
        if (compressing.Count > 0)
            Logging.GetLogger(system, "ActorWss.websocket").Info(
                "permessage-deflate (RFC 7692) accepted on route(s) {0}; messages of {1} bytes or more go compressed",
                string.Join(", ", compressing), settings.WebSocket.PerMessageDeflate.MinMessageSize);
        transport ??= TransportFactory.Create(system, settings.Transport);
        var hub = WebSocketHub.Get(system);
        ServerReadiness readiness;
        if (settings.Cluster.Enabled)
        {
            if (system is not ExtendedActorSystem { Provider: Akka.Cluster.IClusterActorRefProvider })
                throw new InvalidConfigurationException(
                    "actorwss.cluster.enabled: on, but the actor system does not run Akka.Cluster (akka.actor.provider = cluster); " +
                    "ActorWssApplication sets it up from actorwss.cluster, with AddActorWss configure clustering (e.g. Akka.Cluster.Hosting's WithClustering)");
            hub.EnableCluster();
            var cluster = Akka.Cluster.Cluster.Get(system);
            readiness = new ServerReadiness { ClusterMemberUp = () => cluster.SelfMember.Status == Akka.Cluster.MemberStatus.Up };
        }
        else readiness = new ServerReadiness();
        var metrics = new ServerMetrics(settings.Listeners.Select(l => l.Name), hub);
        var policy = new HandshakePolicy(settings.Http.AllowedOrigins, settings.WebSocket.Subprotocols)
        {
            PerMessageDeflate = routes.All.Any(route => route.PerMessageDeflate),
        };
        var metricsEndpoint = new MetricsEndpoint(metrics);
        var pipelines = settings.Listeners.ToDictionary(listener => listener.Name, listener => new ConnectionPipeline(settings,
            listener.Tls is null ? null : TlsServerContext.Create(listener.Tls, system, listener.Name, metrics[listener.Name]),
            new RequestRouter(policy, routes, PlainEndpoints(settings, listener, metricsEndpoint, routes, readiness)), metrics[listener.Name],
            transport));

        var actors = settings.Listeners
            .Select(listener => system.ActorOf(ListenerActor.Props(listener, transport, pipelines[listener.Name]), "listener-" + listener.Name))
            .ToList();
        try
        {
            var bound = await Task.WhenAll(actors.Select(actor => actor.Ask<ListenerActor.Bound>(ListenerActor.GetBinding.Instance, BindTimeout)));
            readiness.Bound();
            // The meter and its callbacks end with the actor system (in-process hosts start and stop servers many times).
            system.RegisterOnTermination(metrics.Dispose);
            return new ActorWssServer(settings,
                bound.Select((b, i) => new BoundListener(b.Listener, b.Scheme, b.Endpoint, actors[i])).ToList(), metrics, readiness);
        }
        catch
        {
            foreach (var actor in actors) system.Stop(actor);
            metrics.Dispose();
            throw;
        }
    }

    /// <summary>What a listener answers in plain HTTP: health always, metrics and the browser page where enabled.</summary>
    private static IReadOnlyList<PlainHttpHandler> PlainEndpoints(ServerSettings settings, ListenerSettings listener, MetricsEndpoint metrics,
        RouteTable routes, ServerReadiness readiness)
    {
        var endpoints = new List<PlainHttpHandler> { HealthEndpoint.Handle, HealthEndpoint.Readiness(readiness) };
        if (listener.Metrics) endpoints.Add(metrics.Handle);
        if (settings.Http.BrowserPage) endpoints.Add(BrowserPage.For(routes.Match("/chat") is null ? null : "/chat"));
        return endpoints;
    }

    /// <summary>New connections get 503 from now on; open connections are left alone.</summary>
    public Task StopAcceptingAsync()
    {
        Readiness.Draining();
        return Task.WhenAll(Listeners.Select(l => l.Actor.Ask<ListenerActor.StoppedAccepting>(ListenerActor.StopAccepting.Instance, BindTimeout)));
    }

    /// <summary>Closes the listening sockets. With Akka.IO this also drops every connection still open: drain first.</summary>
    public Task UnbindAsync() =>
        Task.WhenAll(Listeners.Select(l => l.Actor.Ask<ListenerActor.Unbound>(ListenerActor.Unbind.Instance, BindTimeout)));

    /// <summary>
    /// Sends Close <paramref name="code"/> to every open connection and waits until all are closed or
    /// <paramref name="timeout"/> passed. Returns the number still open.
    /// </summary>
    public async Task<int> DrainAsync(TimeSpan timeout, ushort code = CloseStatus.GoingAway, string reason = "server shutting down",
        int batchSize = int.MaxValue, TimeSpan interval = default)
    {
        var replies = await Task.WhenAll(Listeners.Select(l =>
            l.Actor.Ask<ListenerActor.Drained>(new ListenerActor.Drain(code, reason, timeout, batchSize, interval), timeout + TimeSpan.FromSeconds(5))));
        return replies.Sum(r => r.Remaining);
    }

    /// <summary>Open connections across all listeners.</summary>
    public async Task<int> ConnectionCountAsync()
    {
        var counts = await Task.WhenAll(Listeners.Select(l => l.Actor.Ask<int>(ListenerActor.GetConnectionCount.Instance, BindTimeout)));
        return counts.Sum();
    }

    /// <summary>
    /// Hooks the server into the system's CoordinatedShutdown: refuse new connections in <c>service-unbind</c>,
    /// close every connection with 1001 and wait up to the drain timeout in <c>service-requests-done</c>, close the
    /// listening sockets in <c>service-stop</c>.
    /// </summary>
    public void RegisterCoordinatedShutdown(ActorSystem system)
    {
        var shutdown = CoordinatedShutdown.Get(system);
        shutdown.AddTask(CoordinatedShutdown.PhaseServiceUnbind, "actorwss-stop-accepting", async () =>
        {
            await StopAcceptingAsync();
            return Akka.Done.Instance;
        });
        shutdown.AddTask(CoordinatedShutdown.PhaseServiceRequestsDone, "actorwss-drain", async () =>
        {
            var drain = Settings.Draining;
            ushort code = drain.CloseCode ?? (Settings.Cluster.Enabled ? CloseStatus.ServiceRestart : CloseStatus.GoingAway);
            await DrainAsync(Settings.DrainTimeout, code, code == CloseStatus.ServiceRestart ? "server restarting" : "server shutting down",
                drain.BatchSize, drain.Interval);
            return Akka.Done.Instance;
        });
        shutdown.AddTask(CoordinatedShutdown.PhaseServiceStop, "actorwss-unbind", async () =>
        {
            await UnbindAsync();
            return Akka.Done.Instance;
        });
    }
}

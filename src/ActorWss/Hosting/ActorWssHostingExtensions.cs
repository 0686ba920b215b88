using ActorWss.Configuration;
using ActorWss.Server;
using Akka.Configuration;
using Akka.Hosting;

namespace ActorWss.Hosting;

/// <summary>Akka.Hosting wiring: the top of the house, where configuration, actors and shutdown meet.</summary>
public static class ActorWssHostingExtensions
{
    /// <summary>
    /// Starts the ActorWss listeners when the actor system starts (a bind failure fails the host start) and
    /// registers their CoordinatedShutdown tasks. The shutdown phases get enough time for the drain.
    /// </summary>
    public static AkkaConfigurationBuilder AddActorWss(this AkkaConfigurationBuilder builder, ServerSettings settings,
        Action<ActorWssServer>? onStarted = null)
    {
        var drainSeconds = (int)Math.Ceiling(settings.DrainTimeout.TotalSeconds) + 5;
        builder.AddHocon(ConfigurationFactory.ParseString($$"""
            akka.coordinated-shutdown.phases {
              service-unbind.timeout = 10s
              service-requests-done.timeout = {{drainSeconds}}s
            }
            """), HoconAddMode.Prepend);
        return builder.WithActors(async (system, _) =>
        {
            var server = await ActorWssServer.StartAsync(system, settings);
            server.RegisterCoordinatedShutdown(system);
            onStarted?.Invoke(server);
        });
    }
}

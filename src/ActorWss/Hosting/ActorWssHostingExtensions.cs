using ActorWss.Configuration;
using ActorWss.Server;
using Akka.Hosting;

namespace ActorWss.Hosting;

/// <summary>ActorWss on Akka.Hosting: one call inside <c>services.AddAkka(...)</c>.</summary>
public static class ActorWssHostingExtensions
{
    /// <summary>
    /// Adds ActorWss to the actor system: when the system starts, the listeners of the <c>actorwss</c> section of its
    /// HOCON are bound (a bind failure or an invalid setting fails the start, with an
    /// <see cref="InvalidConfigurationException"/> naming the key). ActorWss's defaults are appended to the system's
    /// configuration, so only what differs needs to be set. At shutdown (CoordinatedShutdown) new connections get 503,
    /// open ones Close 1001 within <c>actorwss.shutdown.drain-timeout</c>, then the sockets close; give the host's
    /// <c>HostOptions.ShutdownTimeout</c> more than the drain timeout.
    /// </summary>
    public static AkkaConfigurationBuilder AddActorWss(this AkkaConfigurationBuilder builder, Action<ActorWssBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new ActorWssBuilder();
        configure?.Invoke(options);
        return builder.AddActorWss(options);
    }

    internal static AkkaConfigurationBuilder AddActorWss(this AkkaConfigurationBuilder builder, ActorWssBuilder options)
    {
        builder.AddHocon(options.Defaults.WithFallback(SettingsParser.Reference), HoconAddMode.Append);
        return builder.WithActors(async (system, _) =>
        {
            var settings = SettingsParser.Parse(system.Settings.Config);
            var server = await ActorWssServer.StartAsync(system, settings, options);
            server.RegisterCoordinatedShutdown(system);
            options.Started?.Invoke(server);
        });
    }
}
